"""One measurement in a fresh interpreter, run by the bench as `python -P child.py MODE ...` with a
Lambda-like environment (tools.bench.lambda_env). Prints one `BENCH-RESULT {json}` line on stdout,
where the function's own logs go too, as on Lambda.

  import MODULE                CPU ms of importing MODULE
  import-from-source MODULE    the same, compiling everything but the standard library from source,
                               as on Lambda when the artefact ships no bytecode (the runtime's
                               standard library has its own)
  first-request MODULE EVENT   import MODULE, then the CPU ms of its first invocation with the event
                               file EVENT, its status and the AWS calls it made
  warm MODULE EVENT N          median wall ms of N warm invocations with EVENT (after a first one)

CPU ms: user + system time of this process (getrusage), not wall time: it does not count the
time others' processes hold the CPU. Only the standard library the Lambda runtime has already
loaded before importing a handler is imported before measuring.
"""

import json
import os
import resource
import statistics
import sys
import time
from importlib import import_module
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def cpu_ms() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return (usage.ru_utime + usage.ru_stime) * 1000


def report(**figures: Any) -> None:
    print("BENCH-RESULT " + json.dumps(figures), flush=True)


def compile_from_source() -> None:
    """Ignore bytecode caches outside the standard library: a path hook ahead of the default one."""
    import sysconfig
    from importlib.machinery import (
        BYTECODE_SUFFIXES,
        EXTENSION_SUFFIXES,
        SOURCE_SUFFIXES,
        ExtensionFileLoader,
        FileFinder,
        SourceFileLoader,
        SourcelessFileLoader,
    )

    class FromSource(SourceFileLoader):
        def get_code(self, fullname: str) -> Any:
            return self.source_to_code(self.get_data(self.path), self.path)

    stdlib = sysconfig.get_paths()["stdlib"]
    finder = FileFinder.path_hook(
        (ExtensionFileLoader, EXTENSION_SUFFIXES),
        (FromSource, SOURCE_SUFFIXES),
        (SourcelessFileLoader, BYTECODE_SUFFIXES),
    )

    def hook(path: str) -> Any:
        if path.startswith(stdlib) and "site-packages" not in path:
            raise ImportError  # the next hook: the standard one, with bytecode
        return finder(path)

    sys.path_hooks.insert(0, hook)
    sys.path_importer_cache.clear()


def measure_import(module: str) -> None:
    start = cpu_ms()
    import_module(module)
    report(cpu_ms=cpu_ms() - start)


def invoke(module: str, event_file: str, calls: int) -> None:
    sys.path.append(str(ROOT))  # for the bench's own helpers, after Lambda's paths
    from tools.bench import recorder
    from tools.local.worker import LambdaContext

    recorder.install()  # before any AWS client exists
    handler = import_module(module).lambda_handler
    event = json.loads(Path(event_file).read_text())
    context: Any = LambdaContext(
        os.environ["AWS_LAMBDA_FUNCTION_NAME"],
        int(os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]),
        int(os.environ["AWS_LAMBDA_FUNCTION_TIMEOUT"]),
        "bench-first",
    )
    with recorder.recording() as aws:
        start = cpu_ms()
        try:
            answer = handler(event, context)
        except Exception as exc:  # reported, not raised: the bench prints it as the status
            report(cpu_ms=cpu_ms() - start, status=type(exc).__name__, aws_calls=aws.summary())
            return
        first = cpu_ms() - start
    if not calls:
        report(
            cpu_ms=first, status=answer.get("statusCode"), aws_calls=aws.summary(), body=answer.get("body", "")[:200]
        )
        return
    durations = []
    for _ in range(calls):
        start_wall = time.perf_counter()
        handler(event, context)
        durations.append((time.perf_counter() - start_wall) * 1000)
    report(wall_ms=statistics.median(durations), status=answer.get("statusCode"))


def main() -> None:
    mode, module, *rest = sys.argv[1:]
    match mode:
        case "import":
            measure_import(module)
        case "import-from-source":
            compile_from_source()
            measure_import(module)
        case "first-request":
            invoke(module, rest[0], 0)
        case "warm":
            invoke(module, rest[0], int(rest[1]))


if __name__ == "__main__":
    main()
