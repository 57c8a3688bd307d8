"""A tiny handler for the local runtime's own tests: echoes its event, logs one Powertools-like line per call."""

from __future__ import annotations

import json
import os
from typing import Any

print("echo: init")  # a plain line at init, as module-level prints are


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    print(json.dumps({"level": "INFO", "message": "echo", "timestamp": "2026-11-30 12:03:04,123+0000", "n": 1}))
    if event.get("fail"):
        raise ValueError("asked to fail")
    return {"statusCode": 200, "body": json.dumps(event), "pid": os.getpid(), "env": os.environ.get("GREETING")}
