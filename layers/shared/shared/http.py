"""Helpers for HTTP API (payload 2.0) events that several APIs need."""

from __future__ import annotations

from typing import Any


def coerce_json_content_type(event: dict[str, Any]) -> dict[str, Any]:
    """Read a non-multipart body as JSON text whatever its declared Content-Type.

    Clients of the original APIs send JSON with curl's default form type
    (`curl --data '{...}'`); the body is JSON all the same.
    """
    headers = {key.lower(): value for key, value in (event.get("headers") or {}).items()}
    declared = headers.get("content-type", "")
    if declared.startswith(("multipart/", "application/json")):
        return event
    # The body stays as sent (base64 or not): shared.body decodes it when a route reads it.
    headers["content-type"] = "application/json"
    return {**event, "headers": headers}


def source_ip(event: dict[str, Any]) -> str:
    return str(event.get("requestContext", {}).get("http", {}).get("sourceIp", ""))
