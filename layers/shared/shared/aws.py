"""AWS clients: one boto3 session per environment, one client per service, shared by everything (pynamodb too).

A session loads botocore's data (endpoints, service models) and resolves credentials: built per client, as
boto3.client() and pynamodb each do, two clients cost ~175 ms of CPU against ~80 ms from one session.
Creating a client reads configuration and never calls AWS, so it is done at init (`shared.lifecycle`) and
is in a SnapStart snapshot.

boto3 itself honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>, which is how local runs and tests point
every client at moto; S3 then needs path-style addresses, since a bucket cannot be a sub-domain of 127.0.0.1.
Timeouts and retries are set on purpose: a call gives up well within a function's timeout.
"""

from __future__ import annotations

import os
import threading
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

CONFIG = Config(connect_timeout=3, read_timeout=10, retries={"mode": "standard", "max_attempts": 3})

# botocore builds clients from a shared session without locking (pynamodb keeps a session per thread for
# that reason): creation is serialised here, use is thread-safe.
_creating = threading.RLock()


def endpoint_overridden(service: str) -> bool:
    return bool(os.environ.get(f"AWS_ENDPOINT_URL_{service.upper()}") or os.environ.get("AWS_ENDPOINT_URL"))


@cache
def session() -> boto3.session.Session:
    return boto3.session.Session()


def client(service: str) -> Any:
    with _creating:
        return _client(service)


@cache
def _client(service: str) -> Any:
    config = CONFIG
    if service == "s3":
        addressing: Any = "path" if endpoint_overridden("s3") else "virtual"
        config = config.merge(Config(signature_version="s3v4", s3={"addressing_style": addressing}))
    return session().client(service, config=config)  # type: ignore[call-overload]


def reset() -> None:
    """Forget the session and its clients (tests switch endpoints and credentials between cases)."""
    with _creating:
        _client.cache_clear()
        session.cache_clear()
