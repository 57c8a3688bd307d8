"""What `make run` prints: one access line per request, and the functions' logs, for a person or as JSON.

Pretty (the default): `12:03:04 lnupload   GET /getInvoice 200 23ms LnuploadGetInvoiceFunction cold`, then each
function's Powertools JSON line as `time LEVEL Function message key=value` (colours on a terminal, none with
NO_COLOR or when piped). JSON (`make run LOG=json`, `--json-logs`): the functions' lines unchanged (what Lambda
sends to CloudWatch), other output and access lines as JSON objects, one per line.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any, TextIO

# Keys every Powertools line carries; the pretty form shows the others as key=value.
STANDARD = {
    "level",
    "location",
    "message",
    "timestamp",
    "service",
    "cold_start",
    "function_name",
    "function_memory_size",
    "function_arn",
    "function_request_id",
    "correlation_id",
    "xray_trace_id",
    "sampling_rate",
    "exception",
    "exception_name",
    "stack_trace",
}
LEVEL_COLOURS = {"DEBUG": "2", "INFO": "36", "WARNING": "33", "ERROR": "31", "CRITICAL": "1;31"}


class LogSink:
    def __init__(self, stream: TextIO | None = None, json_mode: bool = False, colour: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.json_mode = json_mode
        if colour is None:
            colour = self.stream.isatty() and "NO_COLOR" not in os.environ
        self.colour = colour
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ sources
    def function_line(self, function: str, line: str) -> None:
        """One line a function wrote (stdout and stderr alike, as on Lambda)."""
        if not line.strip():
            return
        record = _json_object(line)
        if self.json_mode:
            self._write(line if record is not None else json.dumps({"function": function, "message": line}))
        elif record is None:
            self._write(f"{self._paint('2', _clock())} {self._paint('2', function)} {line}")
        else:
            self._write(self.pretty(function, record))

    def access(
        self, api: str, method: str, path: str, status: int, ms: float, function: str | None, cold: bool | None
    ) -> None:
        if self.json_mode:
            entry: dict[str, Any] = {
                "type": "access",
                "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "api": api,
                "method": method,
            }
            entry |= {"path": path, "status": status, "ms": round(ms, 1), "function": function, "cold": cold}
            self._write(json.dumps(entry))
            return
        colour = "32" if status < 400 else "33" if status < 500 else "31"
        start = {True: " cold", False: " warm", None: ""}[cold]
        line = f"{_clock()} {api:<11} {method} {path} {self._paint(colour, str(status))} {ms:.0f}ms"
        self._write(line + (f" {function}{start}" if function else ""))

    def system(self, message: str) -> None:
        """The local stack's own messages (webhook deliveries, reaped environments...)."""
        self._write(json.dumps({"type": "local", "message": message}) if self.json_mode else f"{_clock()} {message}")

    # ------------------------------------------------------------------ format
    def pretty(self, function: str, record: dict[str, Any]) -> str:
        if "_aws" in record:  # a CloudWatch EMF metrics line (Powertools Metrics)
            return self._metrics(function, record)
        level = str(record.get("level", "INFO")).upper()
        message = record.get("message", "")
        text = message if isinstance(message, str) else json.dumps(message, ensure_ascii=False)
        extras = " ".join(f"{key}={_short(value)}" for key, value in record.items() if key not in STANDARD)
        head = f"{_clock(record.get('timestamp'))} {self._paint(LEVEL_COLOURS.get(level, '0'), f'{level:<7}')}"
        line = f"{head} {self._paint('1', function)} {text}" + (f"  {self._paint('2', extras)}" if extras else "")
        trace = record.get("exception") or record.get("stack_trace")
        if trace:
            line += "\n" + "\n".join("    " + part for part in str(trace).splitlines())
        return line

    def _metrics(self, function: str, record: dict[str, Any]) -> str:
        names = [
            metric["Name"]
            for block in record["_aws"].get("CloudWatchMetrics", [])
            for metric in block.get("Metrics", [])
        ]
        values = " ".join(f"{name}={_short(_single(record.get(name)))}" for name in names)
        return f"{_clock()} {self._paint('2', 'METRIC ')} {self._paint('1', function)} {self._paint('2', values)}"

    def _paint(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text

    def _write(self, text: str) -> None:
        with self._lock:
            self.stream.write(text + "\n")
            self.stream.flush()


def _json_object(line: str) -> dict[str, Any] | None:
    if not line.startswith("{"):
        return None
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _clock(stamp: Any = None) -> str:
    """HH:MM:SS of a Powertools timestamp ("2026-11-30 12:03:04,123+0000"), else of now."""
    if isinstance(stamp, str) and len(stamp) >= 19 and stamp[13] == ":":
        return stamp[11:19]
    return time.strftime("%H:%M:%S")


def _single(value: Any) -> Any:
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "..."
