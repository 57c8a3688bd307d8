"""A function's life on Lambda: one INIT, then invocations. With SnapStart, INIT runs once per published
version, Lambda snapshots the initialised process, and every new execution environment resumes from that
snapshot: what INIT made is free on a cold start, and shared by every environment restored from it.

So the code that will need something on every request registers, when it is imported, how to make it
(`at_init`: an AWS client, the function's settings) and `prime()` makes it all at the handler's import
(`shared.observability.http_entrypoint`), which on Lambda is INIT. A step may read configuration and build
objects; it must not call AWS (creating a boto3 client only reads configuration and credentials) and must
make nothing meant to be unique to an environment: ids, tokens and salts come from `secrets` / os.urandom
at request time. After a restore, `random` is reseeded (`after_restore`), or every environment restored
from one snapshot would draw the same retry jitter and log sampling.

Outside Lambda (tests, the OpenAPI tool) nothing is primed at import: the same steps run lazily on first
use, and tests switch environments between cases.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from typing import Any

try:  # part of Lambda's Python runtimes (and on PyPI as snapshot-restore-py)
    from snapshot_restore_py import register_after_restore
except ImportError:  # no snapshot is ever taken outside Lambda: nothing to hook

    def register_after_restore(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[..., Any]:
        return func


_steps: list[Callable[[], object]] = []


def at_init[Step: Callable[[], object]](step: Step) -> Step:
    """Registers something every request needs, made once at init by `prime()` (or lazily outside Lambda)."""
    _steps.append(step)
    return step


def on_lambda() -> bool:
    """Running as a Lambda function (or as one of the local server's function workers, which set the same)."""
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))


def prime() -> None:
    """Makes what the imported code registered: clients, settings. On Lambda, at the handler's import."""
    for step in _steps:
        step()


@register_after_restore
def after_restore() -> None:
    # Environments resumed from one snapshot share its `random` state: reseed it from os.urandom.
    random.seed()
