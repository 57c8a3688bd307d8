"""Warm worker processes per function, spawned on demand like Lambda execution environments.

Each function runs in its own processes with exactly its template environment,
so module-level caches and settings never leak between functions. A function
scales out to `max_per_function` concurrent environments; further requests wait.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import Any

from tools.local import bootstrap
from tools.local.template import Function
from tools.local.worker import read_frame, write_frame


class FunctionError(Exception):
    """The function crashed, timed out, or answered nothing usable."""


class _Worker:
    def __init__(self, function: Function, environment: dict[str, str]) -> None:
        env = {
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
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tools.local.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=bootstrap.ROOT,
        )
        ready = read_frame(self.process.stdout)  # type: ignore[arg-type]
        if not ready:
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


class FunctionPool:
    def __init__(self, function: Function, environment: dict[str, str], max_per_function: int = 4) -> None:
        self.function = function
        self.environment = environment
        self.max = max_per_function
        self._idle: list[_Worker] = []
        self._count = 0
        self._cond = threading.Condition()

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        worker = self._acquire()
        try:
            result = worker.invoke(event, timeout=self.function.timeout)
        except FunctionError:
            self._release(worker)
            raise
        self._release(worker)
        return result

    def warm(self) -> None:
        self._release(self._acquire())

    def _acquire(self) -> _Worker:
        with self._cond:
            while not self._idle and self._count >= self.max:
                self._cond.wait()
            if self._idle:
                return self._idle.pop()
            self._count += 1
        try:
            return _Worker(self.function, self.environment)  # a cold start, outside the lock
        except Exception:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            if worker.alive:
                self._idle.append(worker)
            else:
                self._count -= 1
            self._cond.notify()

    def idle_pids(self) -> list[int]:
        """Process ids of the live workers waiting for a request (all of them when none is in flight)."""
        with self._cond:
            return [worker.process.pid for worker in self._idle if worker.alive]

    def stop(self) -> None:
        with self._cond:
            for worker in self._idle:
                worker.stop()
            self._idle.clear()
