"""Lazy, cached boto3 clients (one per service and cold start, never at import time).

boto3 itself honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>, which is how
local runs and tests point every client at moto; S3 then needs path-style
addresses, since a bucket cannot be a sub-domain of 127.0.0.1.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import boto3
from botocore.config import Config


def endpoint_overridden(service: str) -> bool:
    return bool(os.environ.get(f"AWS_ENDPOINT_URL_{service.upper()}") or os.environ.get("AWS_ENDPOINT_URL"))


@cache
def client(service: str) -> Any:
    config = Config(connect_timeout=3, read_timeout=10, retries={"mode": "standard", "max_attempts": 3})
    if service == "s3":
        addressing: Any = "path" if endpoint_overridden("s3") else "virtual"
        config = config.merge(Config(signature_version="s3v4", s3={"addressing_style": addressing}))
    return boto3.session.Session().client(service, config=config)  # type: ignore[call-overload]


def reset() -> None:
    """Forget cached clients (tests switch endpoints and credentials between cases)."""
    client.cache_clear()
