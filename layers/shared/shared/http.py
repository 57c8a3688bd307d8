"""Helpers for HTTP API (payload 2.0) events that several APIs need."""

from __future__ import annotations

import base64
from typing import Any

TEXT_TYPES = ("application/json", "text/")


def coerce_json_content_type(event: dict[str, Any]) -> dict[str, Any]:
    """Read a non-multipart body as JSON text whatever its declared Content-Type.

    Clients of the original APIs send JSON with curl's default form type
    (`curl --data '{...}'`); the body is JSON all the same.
    """
    headers = {key.lower(): value for key, value in (event.get("headers") or {}).items()}
    declared = headers.get("content-type", "")
    if declared.startswith(("multipart/", "application/json")):
        return event
    body = event.get("body")
    if body and event.get("isBase64Encoded"):
        try:
            body = base64.b64decode(body).decode("utf-8")
        except ValueError:
            return event
        event = {**event, "body": body, "isBase64Encoded": False}
    headers["content-type"] = "application/json"
    return {**event, "headers": headers}


def source_ip(event: dict[str, Any]) -> str:
    return str(event.get("requestContext", {}).get("http", {}).get("sourceIp", ""))


def raw_body(event: dict[str, Any]) -> bytes:
    """The request body exactly as sent (signatures are computed over these bytes)."""
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
