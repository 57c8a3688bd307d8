"""What a function's process sees on Lambda, for the bench's fresh interpreters and workers.

- Lambda's own variables (LAMBDA_TASK_ROOT among them: with it, and without AWS_SAM_LOCAL or
  POWERTOOLS_TRACE_DISABLED, Powertools' Tracer is active and imports and patches the X-Ray SDK
  as on Lambda), region, fake credentials, an X-Ray daemon address nobody listens on, and a
  sampled trace header (as Lambda sets it per invocation) so a request is traced as on Lambda;
- the function's template environment (tools.local.template);
- Lambda's import paths (bootstrap.pythonpath(): CodeUri as root, the layer as /opt/python),
  after the bench's floor handlers, which stand in for functions of their own;
- no bytecode written, as /var/task and /opt are read-only (the bench compiles it first).
Nothing of the developer's environment leaks in but PATH.
"""

from __future__ import annotations

import os
from pathlib import Path

from tools.local import bootstrap
from tools.local.template import LOCAL_REGION, Function

FLOORS = Path(__file__).resolve().parent / "floors"
TASK_ROOT = bootstrap.ROOT / "functions"  # CodeUri, Lambda's /var/task and working directory
PYTHONPATH = f"{FLOORS}:{bootstrap.pythonpath()}"
TRACE_HEADER = "Root=1-67a0b1c2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"

_FLOOR_VARIABLES = {
    "POWERTOOLS_SERVICE_NAME": "floor",
    "POWERTOOLS_METRICS_NAMESPACE": "bench",
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "POWERTOOLS_LOGGER_LOG_EVENT": "false",
}


def base(endpoint: str | None = None) -> dict[str, str]:
    """What every function gets, whatever the function; `endpoint`: the local AWS endpoint (moto)."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "LAMBDA_TASK_ROOT": str(TASK_ROOT),
        "LAMBDA_RUNTIME_DIR": "/var/runtime",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_FORMAT": "JSON",
        "AWS_REGION": LOCAL_REGION,
        "AWS_DEFAULT_REGION": LOCAL_REGION,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",  # moto accepts any credentials
        "AWS_SESSION_TOKEN": "local",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "_X_AMZN_TRACE_ID": TRACE_HEADER,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if endpoint:
        environment["AWS_ENDPOINT_URL"] = endpoint
    return environment


def of_function(function: Function, endpoint: str | None = None, layer: Path | None = None) -> dict[str, str]:
    """A fresh interpreter running `function`'s code as on Lambda; with `layer` (tools.bench.layers), only
    that layer's distributions are importable, as on Lambda (for an interpreter without site-packages)."""
    return {
        **base(endpoint),
        **function.environment,
        "_HANDLER": function.handler,
        "AWS_LAMBDA_FUNCTION_NAME": function.logical_id,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_FUNCTION_TIMEOUT": str(function.timeout),  # not Lambda's: tools.local.worker's
        "PYTHONPATH": f"{PYTHONPATH}:{layer}" if layer else PYTHONPATH,
    }


def of_floor(module: str, layer: Path | None = None) -> dict[str, str]:
    """A floor handler (tools/bench/floors) as a function of its own."""
    floor = Function(f"Floor{module}", f"{module}.lambda_handler", _FLOOR_VARIABLES, 15, 512)
    return of_function(floor, layer=layer)
