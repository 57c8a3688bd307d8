"""Cold starts: CPU ms of a fresh import of every handler against the floors, and of its first request.

Every sample is a fresh interpreter (tools/bench/child.py) with the function's Lambda-like
environment (tools.bench.lambda_env), bytecode compiled beforehand and never written. Samples are
taken in rounds: each round imports every floor once, then API by API floor (b) and that API's
handlers, so machine noise hits floors and handlers alike; a handler's ratio is its CPU over
the floor (b) sample of its own block, and the figure printed is the median over rounds.
"""

from __future__ import annotations

import compileall
import json
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.bench import lambda_env, layers
from tools.local import bootstrap
from tools.local.template import ROOT, Function, Template

CHILD = Path(__file__).resolve().parent / "child.py"
FLOOR_A, FLOOR_B, FLOOR_TRACED = "floor_bare", "floor_aws", "floor_traced"
FLOOR_B_FROM_SOURCE = "floor_aws (from source)"
FLOORS = {
    FLOOR_A: "(a) bare Powertools APIGatewayHttpResolver handler",
    FLOOR_B: '(b) (a) + boto3.client("dynamodb") + Logger + Metrics',
    FLOOR_TRACED: "(b) + Tracer (X-Ray SDK, patched libraries), for reference",
    FLOOR_B_FROM_SOURCE: "(b) without bytecode (all but the stdlib compiled at import)",
}


class BenchError(RuntimeError):
    """A measurement failed: the bench stops rather than print a wrong figure."""


def run_child(
    mode: str, module: str, environment: dict[str, str], *args: str, timeout: float = 120, isolated: bool = False
) -> dict[str, Any]:
    """`isolated`: the interpreter without the virtualenv's or its own site-packages (-S), for a layer's imports."""
    interpreter = [str(layers.INTERPRETER), "-S"] if isolated else [sys.executable]
    done = subprocess.run(
        [*interpreter, "-P", str(CHILD), mode, module, *args],
        env=environment,
        cwd=lambda_env.TASK_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("BENCH-RESULT "):
            result: dict[str, Any] = json.loads(line.removeprefix("BENCH-RESULT "))
            return result
    raise BenchError(f"{mode} {module}: exit {done.returncode}\n{done.stderr[-2000:]}")


def compile_bytecode() -> None:
    """Bytecode for our code and the floors, as the build ships it (the bench layers have theirs: layers.py)."""
    for directory in (*bootstrap.CODE_PATHS, lambda_env.FLOORS):
        if not compileall.compile_dir(directory, quiet=1):
            raise BenchError(f"compileall failed in {directory}")


@dataclass
class Samples:
    """CPU ms per round of one module, and its ratio to the floor (b) of the same block."""

    cpu_ms: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.cpu_ms)

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)


@dataclass
class ImportFigures:
    floors: dict[str, Samples]
    handlers: dict[str, Samples]  # by logical id
    rounds: int


def import_rounds(template: Template, apis: tuple[str, ...], rounds: int) -> ImportFigures:
    compile_bytecode()
    floors = {name: Samples() for name in FLOORS}
    handlers = {lid: Samples() for lid, fn in template.functions.items() if fn.api in apis}
    common = layers.layer(layers.COMMON)
    floor_env = {name: lambda_env.of_floor(name, common) for name in (FLOOR_A, FLOOR_B, FLOOR_TRACED)}
    handler_env = {
        lid: lambda_env.of_function(function, layer=layers.layer(function.api))
        for lid, function in template.functions.items()
        if function.api in apis
    }

    def floor(name: str) -> float:
        mode, module = ("import-from-source", FLOOR_B) if name == FLOOR_B_FROM_SOURCE else ("import", name)
        return float(run_child(mode, module, floor_env[module], isolated=True)["cpu_ms"])

    for number in range(1, rounds + 1):
        print(f"  cold imports: round {number}/{rounds}", file=sys.stderr, flush=True)
        for index, api in enumerate(apis):
            block_b = floor(FLOOR_B)
            floors[FLOOR_B].cpu_ms.append(block_b)
            floors[FLOOR_B].ratios.append(1.0)
            for name in (FLOOR_A, FLOOR_TRACED, FLOOR_B_FROM_SOURCE) if index == 0 else ():
                cpu = floor(name)
                floors[name].cpu_ms.append(cpu)
                floors[name].ratios.append(cpu / block_b)
            for lid, function in template.functions.items():
                if function.api == api:
                    cpu = float(run_child("import", function.module, handler_env[lid], isolated=True)["cpu_ms"])
                    handlers[lid].cpu_ms.append(cpu)
                    handlers[lid].ratios.append(cpu / block_b)
    return ImportFigures(floors, handlers, rounds)


@dataclass(frozen=True)
class FirstRequest:
    cpu_ms: float
    status: str
    aws_calls: str


def event_file(function: Function) -> Path:
    return ROOT / "events" / function.api / f"{function.module.rsplit('.', 1)[1]}.json"


def first_requests(template: Template, apis: tuple[str, ...], endpoint: str) -> dict[str, FirstRequest]:
    """Each handler's first invocation with its events/ file, in a fresh process, after its import."""
    figures = {}
    for lid, function in template.functions.items():
        if function.api not in apis:
            continue
        environment = lambda_env.of_function(function, endpoint)
        result = run_child("first-request", function.module, environment, str(event_file(function)))
        figures[lid] = FirstRequest(float(result["cpu_ms"]), str(result["status"]), str(result["aws_calls"]))
    return figures


def warm_call_ms(function: Function, endpoint: str, calls: int) -> float:
    """Median wall ms of a warm invocation of `function` with its events/ file, in a process of its own."""
    environment = lambda_env.of_function(function, endpoint)
    result = run_child("warm", function.module, environment, str(event_file(function)), str(calls))
    return float(result["wall_ms"])


def print_floors(figures: ImportFigures, out: Callable[[str], None] = print) -> None:
    out(
        f"\n== Cold import floors: CPU ms of a fresh import, Lambda-like environment (Tracer on), "
        f"with bytecode; median (min) of {figures.rounds} rounds"
    )
    for name, label in FLOORS.items():
        samples = figures.floors[name]
        out(f"{label:<66} {samples.median:7.0f} ({min(samples.cpu_ms):4.0f}) ms  {samples.ratio:5.2f}x (b)")
