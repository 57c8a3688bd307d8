"""Secrets from Secrets Manager through Powertools Parameters, cached for five minutes.

Values are never logged; callers hold them only in memory.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities import parameters

from shared.aws import client
from shared.lifecycle import at_init

CACHE_SECONDS = 300


def get_secret(name: str) -> str:
    provider = _provider()
    value = provider.get(name, max_age=CACHE_SECONDS)
    if isinstance(value, bytes):
        return value.decode()
    return str(value)


@at_init
def _provider() -> parameters.SecretsProvider:
    return _provider_for(client("secretsmanager"))


@cache
def _provider_for(secretsmanager: Any) -> parameters.SecretsProvider:
    # Built on our cached client, so the endpoint override and timeouts apply; a new client
    # (shared.aws.reset) gets a new provider with an empty value cache.
    return parameters.SecretsProvider(boto3_client=secretsmanager)
