"""What the checks read: the stack's data straight from moto (never through the fault proxy), and the fakes'
state from the dev console."""

from __future__ import annotations

import threading
from collections import defaultdict
from functools import cached_property
from typing import Any

import boto3
import requests
from boto3.dynamodb.types import TypeDeserializer

from tools.local.local_values import MOTO_PORT
from tools.local.template import LOCAL_REGION, Template

_deserializer = TypeDeserializer()


def moto_client(service: str) -> Any:
    session: Any = boto3.session.Session()
    return session.client(
        service,
        endpoint_url=f"http://127.0.0.1:{MOTO_PORT}",
        region_name=LOCAL_REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - moto
    )


class Data:
    """A snapshot of the tables, buckets and sent mail, read once per check round."""

    def __init__(self, template: Template, console: str) -> None:
        self.template = template
        self.console = console
        self.dynamodb = moto_client("dynamodb")
        self.s3 = moto_client("s3")
        self._lock = threading.Lock()

    def items(self, table: str) -> list[dict[str, Any]]:
        """Every item of the template's `table` (a logical id), as plain Python values."""
        name = self.template.physical_name(table)
        found = []
        for page in self.dynamodb.get_paginator("scan").paginate(TableName=name, ConsistentRead=True):
            found += [{key: _deserializer.deserialize(value) for key, value in item.items()} for item in page["Items"]]
        return found

    def by_prefix(self, table: str) -> dict[str, list[dict[str, Any]]]:
        """The items of `table` grouped by their pk's prefix (what comes before the first #)."""
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for item in self.items(table):
            grouped[str(item.get("pk", "")).split("#", 1)[0]].append(item)
        return grouped

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        name = self.template.physical_name(bucket)
        found: list[str] = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=name, Prefix=prefix):
            found += [item["Key"] for item in page.get("Contents", [])]
        return found

    def content(self, bucket: str, key: str) -> bytes | None:
        try:
            body: bytes = self.s3.get_object(Bucket=self.template.physical_name(bucket), Key=key)["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            return None
        return body

    @cached_property
    def mail(self) -> list[dict[str, Any]]:
        """Every mail SES accepted (the console's mail box), newest first."""
        answer = requests.get(f"{self.console}/mail", timeout=120)
        answer.raise_for_status()
        messages: list[dict[str, Any]] = answer.json()["messages"]
        return messages

    def mail_to(self, address: str) -> list[dict[str, Any]]:
        return [message for message in self.mail if address.lower() in message["to"].split(", ")]

    @cached_property
    def stripe(self) -> dict[str, Any]:
        answer = requests.get(f"{self.console}/stripe/overview", timeout=60)
        answer.raise_for_status()
        overview: dict[str, Any] = answer.json()
        return overview
