"""Secrets from Secrets Manager through Powertools Parameters, cached for five minutes.

Values are never logged; callers hold them only in memory.
"""

from __future__ import annotations

from aws_lambda_powertools.utilities import parameters

from shared.aws import client

CACHE_SECONDS = 300


def get_secret(name: str) -> str:
    provider = _provider()
    value = provider.get(name, max_age=CACHE_SECONDS)
    if isinstance(value, bytes):
        return value.decode()
    return str(value)


_providers: dict[int, parameters.SecretsProvider] = {}


def _provider() -> parameters.SecretsProvider:
    # Built on our cached client so the endpoint override and timeouts apply.
    sm = client("secretsmanager")
    key = id(sm)
    if key not in _providers:
        _providers.clear()
        _providers[key] = parameters.SecretsProvider(boto3_client=sm)
    return _providers[key]
