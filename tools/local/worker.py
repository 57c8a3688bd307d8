"""One warm Lambda execution environment: imports a handler once, then serves invocations.

Protocol on stdin/stdout: 4-byte big-endian length + JSON, event in, result out.
Anything the function prints (its logs) goes to stderr, as on Lambda to CloudWatch.
"""

from __future__ import annotations

import importlib
import json
import os
import struct
import sys
import time
import traceback
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import IO, Any


class LambdaContext:
    def __init__(self, function_name: str, memory_mb: int, timeout: int, request_id: str) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.memory_limit_in_mb = memory_mb
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def read_frame(stream: IO[bytes]) -> Any:
    header = stream.read(4)
    if len(header) < 4:
        return None
    (size,) = struct.unpack(">I", header)
    return json.loads(stream.read(size))


def write_frame(stream: IO[bytes], payload: Any) -> None:
    data = json.dumps(payload).encode()
    stream.write(struct.pack(">I", len(data)) + data)
    stream.flush()


def error_payload(exc: BaseException, error_type: str | None = None) -> dict[str, Any]:
    """What Lambda answers for an unhandled exception (and `sam local invoke` prints)."""
    return {
        "errorMessage": str(exc),
        "errorType": error_type or type(exc).__name__,
        "requestId": "",
        "stackTrace": traceback.format_tb(exc.__traceback__),
    }


def observer() -> Callable[[dict[str, Any]], AbstractContextManager[Any]]:
    """Around each event: `make capacity`'s recording when CAPACITY_RECORD is set (tools/capacity/recorder.py)."""
    if not os.environ.get("CAPACITY_RECORD"):
        return lambda event: nullcontext()
    from tools.capacity import recorder

    return recorder.invocation


def main() -> None:
    handler_path = os.environ["_HANDLER"]
    protocol_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # the function's prints and logs go to stderr, never into the protocol
    protocol_in = sys.stdin.buffer
    module_name, function_name = handler_path.rsplit(".", 1)
    try:
        handler = getattr(importlib.import_module(module_name), function_name)
    except Exception as exc:  # Lambda's Runtime.ImportModuleError / init error
        traceback.print_exc()
        write_frame(protocol_out, {"initError": error_payload(exc, "Runtime.ImportModuleError")})
        sys.exit(1)
    write_frame(protocol_out, {"ready": True})
    name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
    memory = int(os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"])
    timeout = int(os.environ["AWS_LAMBDA_FUNCTION_TIMEOUT"])
    observe = observer()
    while (event := read_frame(protocol_in)) is not None:
        context = LambdaContext(name, memory, timeout, str(uuid.uuid4()))
        try:
            with observe(event):
                result = handler(event, context)
            write_frame(protocol_out, {"result": result})
        except Exception as exc:  # what Lambda reports as a function error
            traceback.print_exc()
            write_frame(protocol_out, {"error": type(exc).__name__, "details": error_payload(exc)})


if __name__ == "__main__":
    main()
