"""Lambda's import paths for code run outside Lambda: CodeUri as root, then the layer (/opt/python)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.local.template import Function

ROOT = Path(__file__).resolve().parents[2]
CODE_PATHS = [ROOT / "functions", ROOT / "layers" / "shared"]


def install() -> None:
    for path in reversed(CODE_PATHS):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))


def pythonpath() -> str:
    return ":".join(str(path) for path in CODE_PATHS)


def local_aws_environment(endpoint: str) -> dict[str, str]:
    """What every function sees locally besides its template environment."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",  # moto accepts any credentials
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_DEV": "false",
        "AWS_SAM_LOCAL": "true",
    }


@contextmanager
def function_environment(function: Function, endpoint: str | None = None) -> Iterator[None]:
    """Runs a function's code in this process as Lambda would: its environment, and the local AWS
    endpoint when one is given (code that only imports, like the OpenAPI tool, needs none)."""
    saved = dict(os.environ)
    os.environ.update({**(local_aws_environment(endpoint) if endpoint else {}), **function.environment})
    install()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
