"""The template stays deployable: sam validate --lint, and sam build producing what Lambda loads."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tools.local.template import ROOT, Template


def sam(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    if not (ROOT / ".tools" / "sam" / "bin" / "sam").exists():
        pytest.skip("SAM CLI not installed: `make test` installs it")
    return subprocess.run(
        [str(ROOT / "tools" / "sam.sh"), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_sam_validate_lint():
    done = sam("validate", "--lint")
    assert done.returncode == 0, done.stdout + done.stderr


def test_sam_build_packages_every_function_and_the_layer(tmp_path: Path):
    done = sam(
        "build",
        "--build-dir",
        str(tmp_path / "build"),
        "--cache-dir",
        str(ROOT / ".aws-sam" / "cache"),
        "--cached",
        "--parallel",
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    build = tmp_path / "build"
    for logical_id, function in Template().functions.items():
        module = build / logical_id / (function.module.replace(".", "/") + ".py")
        assert module.exists(), module
    layer = build / "SharedLayer" / "python"
    assert (layer / "shared" / "resolver.py").exists()
    native = next((layer / "pydantic_core").glob("_pydantic_core*.so"))
    assert "aarch64" in native.name  # built for the template's arm64 functions
