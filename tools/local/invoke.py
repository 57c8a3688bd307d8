"""`make invoke`: `sam local invoke` without Docker, against the running `make run` stack.

    python -m tools.local.invoke LnuploadGetInvoiceFunction -e events/lnupload/get_invoice.json
    python -m tools.local.invoke CinqWaitlistFunction -e - < event.json
    python -m tools.local.invoke Fn -e ev.json --env-vars env.json --parameter-overrides "LogLevel=DEBUG"

The function runs once in a fresh process (a cold start) with its template environment, resolved with the
`parameter_overrides` of samconfig.toml's [default.local_invoke] (what `sam local invoke` uses), then
--parameter-overrides; --env-vars is SAM's file: {"<LogicalId>": {"VAR": "value"}, "Parameters": {...}}
(Parameters apply to every function; as with SAM, only variables the template declares are overridden).
AWS calls go to the stack's moto (127.0.0.1:3900), payments to its fakes. Like SAM: the function's logs and
START/END/REPORT lines on stderr, its response JSON on stdout. Exit 0 when the function answered (whatever
its statusCode), 1 for a function or init error (Lambda's error JSON on stdout), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tools.local import bootstrap
from tools.local.functions_pool import worker_environment
from tools.local.local_values import MOTO_PORT
from tools.local.logs import LogSink
from tools.local.running import answers
from tools.local.template import Function, Template, local_parameter_overrides, parse_parameter_overrides
from tools.local.worker import read_frame, write_frame


class UsageError(Exception):
    """Wrong arguments or inputs: exit 2 with the message."""


@dataclass
class Outcome:
    response: Any  # the handler's result, or Lambda's error JSON
    error: bool
    init_ms: float
    duration_ms: float
    max_memory_mb: int


def resolve_function(
    function_id: str,
    parameter_overrides: dict[str, str] | None = None,
    env_vars: dict[str, Any] | None = None,
) -> Function:
    """The function as `sam local invoke` would see it: template + local_invoke overrides + the caller's."""
    overrides = {**local_parameter_overrides("local_invoke"), **(parameter_overrides or {})}
    template = Template(overrides=overrides)
    function = template.functions.get(function_id)
    if function is None:
        known = ", ".join(sorted(template.functions))
        raise UsageError(f"no function {function_id!r} in template.yaml; functions: {known}")
    environment = dict(function.environment)
    for scope in ("Parameters", function_id):
        values = (env_vars or {}).get(scope) or {}
        if not isinstance(values, dict):
            raise UsageError(f"--env-vars: {scope} must map variable names to values")
        ignored = sorted(set(values) - set(environment))
        if ignored:
            print(
                f"--env-vars: not in {function_id}'s template environment, ignored: {', '.join(ignored)}",
                file=sys.stderr,
            )
        environment.update({name: str(value) for name, value in values.items() if name in environment})
    return Function(function.logical_id, function.handler, environment, function.timeout, function.memory_mb)


def invoke(
    function: Function, event: Any, endpoint: str, log: LogSink | None = None, stderr: IO[str] | None = None
) -> Outcome:
    """One invocation in a fresh worker process; its output lines go to `log` (else to `stderr` as they are)."""
    err = stderr or sys.stderr
    env = worker_environment(function, bootstrap.local_aws_environment(endpoint))
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.local.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=bootstrap.ROOT,
    )
    assert process.stdin and process.stdout and process.stderr
    pump = threading.Thread(target=_copy, args=(process.stderr, function.logical_id, log, err), daemon=True)
    pump.start()
    try:
        ready = read_frame(process.stdout)
        init_ms = (time.perf_counter() - started) * 1000
        if not ready or not ready.get("ready"):
            details = (ready or {}).get("initError") or {"errorMessage": "the function failed to start"}
            return _finish(process, pump, Outcome(details, True, init_ms, 0, 0))
        request_id = str(uuid.uuid4())
        print(f"START RequestId: {request_id} Version: $LATEST", file=err, flush=True)
        begun = time.perf_counter()
        write_frame(process.stdin, event)
        answer = _read_with_timeout(process, function.timeout)
        duration = (time.perf_counter() - begun) * 1000
        if answer is None:
            response: Any = {"errorMessage": f"Task timed out after {function.timeout:.2f} seconds"}
            outcome = Outcome(response, True, init_ms, duration, 0)
        elif "error" in answer:
            outcome = Outcome(answer.get("details") or {"errorType": answer["error"]}, True, init_ms, duration, 0)
        else:
            outcome = Outcome(answer["result"], False, init_ms, duration, 0)
        _finish(process, pump, outcome)
        print(f"END RequestId: {request_id}", file=err)
        print(
            f"REPORT RequestId: {request_id}\tInit Duration: {outcome.init_ms:.2f} ms\t"
            f"Duration: {outcome.duration_ms:.2f} ms\tMemory Size: {function.memory_mb} MB\t"
            f"Max Memory Used: {outcome.max_memory_mb} MB",
            file=err,
            flush=True,
        )
        return outcome
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _read_with_timeout(process: subprocess.Popen[bytes], timeout: float) -> dict[str, Any] | None:
    answer: list[Any] = []
    reader = threading.Thread(target=lambda: answer.append(read_frame(process.stdout)))  # type: ignore[arg-type]
    reader.start()
    reader.join(timeout)
    if reader.is_alive():
        process.kill()
        reader.join()
        return None
    return answer[0] if answer and isinstance(answer[0], dict) else None


def _finish(process: subprocess.Popen[bytes], pump: threading.Thread, outcome: Outcome) -> Outcome:
    """Ends the worker (stdin closed: it returns) and waits for its last log lines."""
    assert process.stdin
    process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    pump.join(timeout=5)
    # ru_maxrss of waited-for children, in KiB on Linux: the largest worker this process ran so far
    outcome.max_memory_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return outcome


def _copy(stream: IO[bytes], function: str, log: LogSink | None, err: IO[str]) -> None:
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace").rstrip("\n")
        if log is not None:
            log.function_line(function, line)
        else:
            err.write(line + "\n")
            err.flush()


def read_event(source: str | None, stdin: IO[str]) -> Any:
    """-e FILE, -e - (stdin), or nothing: stdin when it is not a terminal, else {} (as SAM)."""
    if source == "-" or (source is None and not stdin.isatty()):
        text = stdin.read()
        where = "stdin"
    elif source is None:
        return {}
    else:
        path = Path(source)
        if not path.is_file():
            raise UsageError(f"-e {source}: no such file")
        text, where = path.read_text(), source
    try:
        return json.loads(text) if text.strip() else {}
    except ValueError as error:
        raise UsageError(f"the event from {where} is not JSON: {error}") from None


def read_env_vars(path: str | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        loaded = json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise UsageError(f"--env-vars {path}: {error}") from None
    if not isinstance(loaded, dict):
        raise UsageError(f'--env-vars {path}: expected {{"<LogicalId>": {{"VAR": "value"}}, "Parameters": {{...}}}}')
    return loaded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make invoke", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("function", metavar="FUNCTION_LOGICAL_ID", help="e.g. LnuploadGetInvoiceFunction")
    parser.add_argument("-e", "--event", help="event JSON file, or - for stdin (default: stdin if piped, else {})")
    parser.add_argument("-n", "--env-vars", help='JSON file: {"<LogicalId>": {"VAR": "value"}, "Parameters": {...}}')
    parser.add_argument("--parameter-overrides", default="", help='template parameters: "Key=Value Key2=Value2"')
    parser.add_argument("--endpoint", default=f"http://127.0.0.1:{MOTO_PORT}", help="the stack's AWS endpoint")
    parser.add_argument("--json-logs", action="store_true", help="the function's log lines unchanged")
    args = parser.parse_args(argv)
    try:
        event = read_event(args.event, sys.stdin)
        overrides = parse_parameter_overrides(args.parameter_overrides)
        function = resolve_function(args.function, overrides, read_env_vars(args.env_vars))
    except (UsageError, ValueError) as error:
        print(f"make invoke: {error}", file=sys.stderr)
        return 2
    port = int(args.endpoint.rsplit(":", 1)[-1].split("/")[0])
    if not answers(port):
        print(f"make invoke: no local stack answers at {args.endpoint}: start `make run` first", file=sys.stderr)
        return 2
    outcome = invoke(function, event, args.endpoint, LogSink(json_mode=args.json_logs))
    print(json.dumps(outcome.response))
    return 1 if outcome.error else 0


if __name__ == "__main__":
    sys.exit(main())
