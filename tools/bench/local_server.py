"""The local server's own figures: GET /getInvoice req/s and latency, the HTTP + worker hop, workers' RSS."""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tools.bench import cold
from tools.bench.traffic import Client
from tools.local.functions_pool import FunctionPool
from tools.local.template import Function


def peak_rss_mb(pool: FunctionPool) -> float | None:
    """The highest VmHWM of the function's workers, None if none ever started."""
    peaks = []
    for pid in pool.idle_pids():
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks) if peaks else None


def _percentile(latencies: list[float], share: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _line(label: str, count: int, seconds: float, latencies: list[float]) -> str:
    p50, p99 = statistics.median(latencies) * 1000, _percentile(latencies, 0.99) * 1000
    return f"{label:<30} {count / seconds:7.1f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms"


def bench(base: str, function: Function, endpoint: str, count: int = 300, clients: int = 4) -> None:
    print(f"\n== Local server: GET /getInvoice (lnupload), Lambda-like workers, {count} requests each way")

    def client(requests_count: int) -> list[float]:
        own = Client(base)
        latencies = []
        for _ in range(requests_count):
            start = time.perf_counter()
            own("GET", "/getInvoice")
            latencies.append(time.perf_counter() - start)
        return latencies

    with ThreadPoolExecutor(max_workers=clients) as pool:  # warm as many workers as clients, untimed
        list(pool.map(client, [2] * clients))
    start = time.perf_counter()
    sequential = client(count)
    print(_line("sequential, keep-alive", count, time.perf_counter() - start, sequential))
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        together = [latency for own in pool.map(client, [count // clients] * clients) for latency in own]
    print(_line(f"{clients} concurrent clients", len(together), time.perf_counter() - start, together))
    alone = cold.warm_call_ms(function, endpoint, count)
    http = statistics.median(sequential) * 1000
    print(f"{'the handler alone, warm':<30} {'':>13}   p50 {alone:6.1f} ms   (called in a process of its own)")
    hop = f"p50 {http - alone:6.1f} ms   ({http / alone:.2f}x the handler alone)"
    print(f"{'local HTTP + worker hop':<30} {'':>13}   {hop}")
