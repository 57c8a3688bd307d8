"""`make bench`: figures, printed; nothing asserted (speed is not a test).

Per handler, API by API: CPU ms of a cold import with bytecode, its ratio to floor (b) (a handler
doing the least any of ours must do), CPU ms and status of its first request, and the peak RSS of
its worker after serving real traffic against its MemorySize. Then the local server (GET
/getInvoice req/s and latency, the HTTP + worker hop) and bank2xls's DynamoDB calls per consume.
`--full` adds the slow sections: invoice_api's list on 10,000 invoices, a 50 MB file through
filestore. BENCH_RUNS: rounds of cold imports (default 7).

Everything runs as on Lambda (tools.bench.lambda_env): Tracer on, the template's environment,
Lambda's import paths. The bench starts its own local stack on the `make run` ports: stop
`make run` first.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from tools.bench import cold, consume, filestore, invoice_api, lambda_env, local_server, recorder, traffic
from tools.local.functions_pool import FunctionPool
from tools.local.local_values import CONSOLE_PORT
from tools.local.server import LocalStack
from tools.local.template import Template

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
APIS = ("lnupload", "bank2xls", "cinq", "invoice_api", "filestore")
GOAL = 1.2  # every handler within 1.2x floor (b)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__)
    parser.add_argument("--full", action="store_true", help="add the slow sections (10,000 invoices, 50 MB file)")
    parser.add_argument("--cold", action="store_true", help="cold imports only (no local stack, no ports)")
    args = parser.parse_args()
    recorder.install()  # before this process makes any AWS client
    template = Template()
    imports = cold.import_rounds(template, APIS, RUNS)
    if args.cold:
        cold.print_floors(imports)
        for lid, samples in imports.handlers.items():
            over = " >" if samples.ratio > GOAL else "  "
            print(f"{template.functions[lid].module:<48} {samples.median:7.0f} ms {samples.ratio:6.2f}{over}")
        print_goal(template, imports)
        return
    stack = LocalStack(template)
    workers = lambda_env.base(stack.endpoint)  # Lambda-like workers: Tracer on, as the cold figures
    stack.pools = {lid: FunctionPool(function, workers) for lid, function in template.functions.items()}
    with functions_log():
        try:
            stack.start()
        except OSError as exc:
            sys.exit(f"cannot start the local server ({exc}): stop `make run` first")
        try:
            measure_on_stack(template, stack, imports, args.full)
        finally:
            stack.stop()


def measure_on_stack(template: Template, stack: LocalStack, imports: cold.ImportFigures, full: bool) -> None:
    print("  first requests", file=sys.stderr, flush=True)
    firsts = cold.first_requests(template, APIS, stack.endpoint)
    print("  traffic", file=sys.stderr, flush=True)
    urls = {api: f"http://127.0.0.1:{template.api(api).port}" for api in APIS}
    console = f"http://127.0.0.1:{CONSOLE_PORT}"
    traffic.lnupload(urls["lnupload"], console)
    traffic.bank2xls(urls["bank2xls"], console)
    traffic.cinq(urls["cinq"], console)
    traffic.invoice_api(urls["invoice_api"])
    traffic.filestore(urls["filestore"])
    rss = {lid: local_server.peak_rss_mb(pool) for lid, pool in stack.pools.items()}
    cold.print_floors(imports)
    for api in APIS:
        print_api(template, api, imports, firsts, rss)
    print_goal(template, imports)
    local_server.bench(urls["lnupload"], template.functions["LnuploadGetInvoiceFunction"], stack.endpoint)
    consume.bench(template, stack.endpoint)
    if full:
        filestore.bench(urls["filestore"], stack.endpoint, template.physical_name("FilestoreBucket"))
        invoice_api.bench(stack.endpoint)


@contextmanager
def functions_log() -> Iterator[None]:
    """The workers' logs and the local servers' errors (this process's stderr, which workers inherit)
    go to a file while the stack runs; the bench's own progress lines still reach the terminal."""
    terminal = os.dup(2)
    with tempfile.NamedTemporaryFile("w", prefix="bench-functions-", suffix=".log", delete=False) as log:
        print(f"  functions' logs: {log.name}", file=sys.stderr, flush=True)
        sys.stderr.flush()
        os.dup2(log.fileno(), 2)
        progress = os.fdopen(os.dup(terminal), "w", buffering=1)
        saved, sys.stderr = sys.stderr, progress
        try:
            yield
        finally:
            sys.stderr = saved
            progress.close()
            os.dup2(terminal, 2)
            os.close(terminal)


def print_api(
    template: Template,
    api: str,
    imports: cold.ImportFigures,
    firsts: dict[str, cold.FirstRequest],
    rss: dict[str, float | None],
) -> None:
    print(f"\n== {api}: import CPU ms median (min), x floor (b); first request CPU ms; peak RSS of its worker")
    print(
        f"{'handler':<20} {'import ms':>14} {'x (b)':>7}   {'1st req ms':>10} {'status':>6}  "
        f"{'peak RSS / MemorySize':>21}   AWS calls of the 1st request"
    )
    for lid, function in template.functions.items():
        if function.api != api:
            continue
        samples, first, peak = imports.handlers[lid], firsts[lid], rss[lid]
        over = " >" if samples.ratio > GOAL else "  "
        memory = f"{peak:.0f} / {function.memory_mb} MB" if peak else f"(not run) / {function.memory_mb} MB"
        print(
            f"{function.module.rsplit('.', 1)[1]:<20} {samples.median:7.0f} ({min(samples.cpu_ms):4.0f})"
            f" {samples.ratio:6.2f}{over} {first.cpu_ms:10.0f} {first.status:>6}  {memory:>21}   {first.aws_calls}"
        )


def print_goal(template: Template, imports: cold.ImportFigures) -> None:
    ratios = {template.functions[lid].module: samples.ratio for lid, samples in imports.handlers.items()}
    within = [module for module, ratio in ratios.items() if ratio <= GOAL]
    worst = max(ratios, key=lambda module: ratios[module])
    print(
        f"\nGoal, every handler <= {GOAL}x floor (b): {len(within)} of {len(ratios)} within "
        f"(> marks the others); worst {worst} {ratios[worst]:.2f}x."
    )
    print(
        "First request: the handler's events/ file, in a fresh process after its import, against the bench's moto; "
        "a 4xx is that event refused on the bench's data (placeholder session, token or signature), "
        "not_found's 404 by design."
    )


if __name__ == "__main__":
    main()
