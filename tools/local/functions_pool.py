"""Worker processes per function, spawned on demand and reaped when idle, like Lambda execution environments.

Each function runs in its own processes with exactly its template environment, so module-level caches and
settings never leak between functions. A function scales out to `max_per_function` concurrent environments;
further requests wait. All pools of a stack share one `Environments`: at most `max_total` live environments
(a cold start at the cap first stops the least recently used idle one, of any function), and environments
idle for `idle_timeout` seconds are stopped by a reaper thread, as Lambda freezes and later drops them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from tools.local import bootstrap
from tools.local.template import Function
from tools.local.worker import read_frame, write_frame

LogLine = Callable[[str, str], None]  # (function logical id, one line of its stdout/stderr)

MAX_TOTAL = int(os.environ.get("LOCAL_MAX_ENVIRONMENTS", "24"))
IDLE_TIMEOUT = float(os.environ.get("LOCAL_IDLE_SECONDS", "300"))


class FunctionError(Exception):
    """The function crashed, timed out, or answered nothing usable."""


@dataclass(frozen=True)
class Invocation:
    result: dict[str, Any]
    cold: bool  # this request started the environment
    ms: float  # the function's own time (the init included when cold)


def worker_environment(function: Function, environment: dict[str, str]) -> dict[str, str]:
    """What a worker process sees: ours, the stack's (AWS endpoint...), the function's, and Lambda's own."""
    return {
        **os.environ,
        **environment,
        **function.environment,
        "_HANDLER": function.handler,
        "AWS_LAMBDA_FUNCTION_NAME": function.logical_id,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_FUNCTION_TIMEOUT": str(function.timeout),
        "PYTHONPATH": bootstrap.pythonpath(),
        "PYTHONUNBUFFERED": "1",
    }


def _pump(stream: IO[bytes], function: str, sink: LogLine) -> None:
    for raw in iter(stream.readline, b""):
        sink(function, raw.decode("utf-8", "replace").rstrip("\n"))


class _Worker:
    def __init__(self, function: Function, environment: dict[str, str], log: LogLine | None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tools.local.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE if log else None,
            env=worker_environment(function, environment),
            cwd=bootstrap.ROOT,
        )
        if log is not None:
            assert self.process.stderr
            threading.Thread(target=_pump, args=(self.process.stderr, function.logical_id, log), daemon=True).start()
        self.last_used = time.monotonic()
        self.fresh = True
        ready = read_frame(self.process.stdout)  # type: ignore[arg-type]
        if not ready or not ready.get("ready"):
            self.stop()
            raise FunctionError(f"{function.logical_id} failed to start (init error)")

    def invoke(self, event: dict[str, Any], timeout: float) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        write_frame(self.process.stdin, event)
        answer: list[Any] = []
        stdout = self.process.stdout
        reader = threading.Thread(target=lambda: answer.append(read_frame(stdout)))
        reader.start()
        reader.join(timeout)
        if reader.is_alive() or not answer or answer[0] is None:
            self.stop()
            raise FunctionError("timed out" if reader.is_alive() else "crashed")
        if "error" in answer[0]:
            raise FunctionError(answer[0]["error"])
        return answer[0]["result"]

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream:
                stream.close()


class Environments:
    """The live environments of every pool together: the cap, LRU eviction, idle reaping (one lock for all)."""

    def __init__(self, max_total: int | None = MAX_TOTAL, idle_timeout: float | None = IDLE_TIMEOUT) -> None:
        self.max_total = max_total
        self.idle_timeout = idle_timeout
        self.cond = threading.Condition()
        self.live = 0
        self.pools: list[FunctionPool] = []
        self._reaper: threading.Thread | None = None
        self._stopping = threading.Event()

    def count(self) -> int:
        with self.cond:
            return self.live

    def reap(self) -> int:
        """Stops the environments idle longer than idle_timeout; how many."""
        if self.idle_timeout is None:
            return 0
        deadline = time.monotonic() - self.idle_timeout
        with self.cond:
            expired = [(pool, w) for pool in self.pools for w in pool._idle if w.last_used <= deadline]
            for pool, worker in expired:
                pool._forget(worker)
            self.cond.notify_all()
        for _, worker in expired:
            worker.stop()
        return len(expired)

    def start_reaper(self, interval: float | None = None) -> None:
        if self.idle_timeout is None or self._reaper is not None:
            return
        every = interval if interval is not None else max(0.05, min(30.0, self.idle_timeout / 4))

        def run() -> None:
            while not self._stopping.wait(every):
                self.reap()

        self._reaper = threading.Thread(target=run, name="environment-reaper", daemon=True)
        self._reaper.start()

    def stop_reaper(self) -> None:
        self._stopping.set()

    def _make_room(self) -> _Worker | bool:
        """Under the lock: True if a new environment may start now, the evicted LRU idle worker (to stop
        outside the lock) if one had to go, False when every environment is busy."""
        if self.max_total is None or self.live < self.max_total:
            return True
        idle = [(w.last_used, id(w), pool, w) for pool in self.pools for w in pool._idle]
        if not idle:
            return False
        _, _, pool, victim = min(idle, key=lambda entry: entry[:2])
        pool._forget(victim)
        return victim


class FunctionPool:
    def __init__(
        self,
        function: Function,
        environment: dict[str, str],
        max_per_function: int = 4,
        environments: Environments | None = None,
        log: LogLine | None = None,
    ) -> None:
        self.function = function
        self.environment = environment
        self.max = max_per_function
        self.environments = environments or Environments(max_total=None, idle_timeout=None)
        self.environments.pools.append(self)
        self.log = log
        self._idle: list[_Worker] = []  # most recently used last
        self._count = 0
        self._cond = self.environments.cond

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        return self.call(event).result

    def call(self, event: dict[str, Any]) -> Invocation:
        started = time.perf_counter()
        worker = self._acquire()
        cold, worker.fresh = worker.fresh, False
        try:
            result = worker.invoke(event, timeout=self.function.timeout)
        finally:
            self._release(worker)
        return Invocation(result, cold, (time.perf_counter() - started) * 1000)

    def warm(self) -> None:
        worker = self._acquire()
        worker.fresh = False
        self._release(worker)

    def _acquire(self) -> _Worker:
        evicted: _Worker | None = None
        with self._cond:
            while True:
                if self._idle:
                    return self._idle.pop()
                if self._count < self.max:
                    room = self.environments._make_room()
                    if room is not False:
                        evicted = room if isinstance(room, _Worker) else None
                        break
                self._cond.wait(timeout=1)
            self._count += 1
            self.environments.live += 1
        if evicted is not None:
            evicted.stop()
        try:
            return _Worker(self.function, self.environment, self.log)  # a cold start, outside the lock
        except Exception:
            with self._cond:
                self._count -= 1
                self.environments.live -= 1
                self._cond.notify_all()
            raise

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            if worker.alive:
                worker.last_used = time.monotonic()
                self._idle.append(worker)
            else:
                self._count -= 1
                self.environments.live -= 1
            self._cond.notify_all()

    def _forget(self, worker: _Worker) -> None:
        """Under the lock: an idle worker leaves the pool (the caller stops it)."""
        self._idle.remove(worker)
        self._count -= 1
        self.environments.live -= 1

    def idle_pids(self) -> list[int]:
        """Process ids of the live workers waiting for a request (all of them when none is in flight)."""
        with self._cond:
            return [worker.process.pid for worker in self._idle if worker.alive]

    def stop(self) -> None:
        with self._cond:
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self.environments.live -= len(idle)
            self._cond.notify_all()
        for worker in idle:
            worker.stop()
