"""Create what template.yaml declares (tables, buckets, secrets) in an AWS endpoint (moto locally)."""

from __future__ import annotations

from typing import Any

import boto3

from tools.local.local_values import LOCAL_SECRETS
from tools.local.template import LOCAL_REGION, Template


def _client(service: str, endpoint: str | None) -> Any:
    return boto3.client(  # type: ignore[call-overload]
        service,
        endpoint_url=endpoint,
        region_name=LOCAL_REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - moto
    )


def provision(template: Template, endpoint: str | None = None) -> None:
    """Idempotent: existing resources are left as they are."""
    dynamodb = _client("dynamodb", endpoint)
    existing = set(dynamodb.list_tables()["TableNames"])
    for name, spec in template.tables.items():
        if name in existing:
            continue
        ttl = spec.get("TimeToLiveSpecification")
        args = {key: value for key, value in spec.items() if key != "TimeToLiveSpecification"}
        dynamodb.create_table(TableName=name, **args)
        if ttl:
            dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    s3 = _client("s3", endpoint)
    buckets = {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}
    for bucket in template.buckets:
        if bucket not in buckets:
            s3.create_bucket(Bucket=bucket)
    ses = _client("ses", endpoint)
    for identity in template.mail_identities:
        ses.verify_email_identity(EmailAddress=identity)  # moto verifies at once
    secrets = _client("secretsmanager", endpoint)
    known = {secret["Name"] for secret in secrets.list_secrets().get("SecretList", [])}
    for name in template.secrets:
        if name not in known:
            secrets.create_secret(Name=name, SecretString=LOCAL_SECRETS.get(name, f"local-{name}"))
