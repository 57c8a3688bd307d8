"""The events/ files, loaded and adjusted for a test (the JSON itself stays in events/)."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

EVENTS = Path(__file__).resolve().parents[1] / "events"


def load_event(api: str, name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((EVENTS / api / f"{name}.json").read_text()))


def with_body(event: dict[str, Any], body: bytes | str, content_type: str | None = None) -> dict[str, Any]:
    """Replace the body the way API Gateway would deliver it (base64 for non-text types)."""
    data = body.encode() if isinstance(body, str) else body
    if content_type is not None:
        event["headers"]["content-type"] = content_type
    declared = event["headers"].get("content-type", "")
    if declared.startswith(("application/json", "text/")):
        event["body"], event["isBase64Encoded"] = data.decode(), False
    else:
        event["body"], event["isBase64Encoded"] = base64.b64encode(data).decode(), True
    return event


def body_text(event: dict[str, Any]) -> str:
    raw = event.get("body") or ""
    return base64.b64decode(raw).decode() if event.get("isBase64Encoded") else raw


def multipart(fields: dict[str, tuple[str, bytes, str]], boundary: str = "testboundary7MA4YWxk") -> tuple[bytes, str]:
    """A multipart/form-data body from {field: (filename, content, content type)}."""
    parts = []
    for name, (filename, content, content_type) in fields.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
