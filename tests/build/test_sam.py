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


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("sam") / "build"
    done = sam(
        "build", "--build-dir", str(target), "--cache-dir", str(ROOT / ".aws-sam" / "cache"), "--cached", "--parallel"
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return target


def test_each_function_ships_its_own_api_only(build: Path):
    apis = {function.api for function in Template().functions.values()}
    for logical_id, function in Template().functions.items():
        module = build / logical_id / (function.module.replace(".", "/") + ".py")
        assert module.exists(), module
        shipped = {path.name for path in (build / logical_id).iterdir() if path.name in apis}
        assert shipped == {function.api}, (logical_id, shipped)


def test_each_api_layer_has_shared_and_only_its_dependencies(build: Path):
    for api in ("Lnupload", "Bank2xls", "Cinq", "InvoiceApi", "Filestore"):
        layer = build / f"{api}Layer" / "python"
        assert (layer / "shared" / "resolver.py").exists()
        native = next((layer / "pydantic_core").glob("_pydantic_core*.so"))
        assert "aarch64" in native.name  # built for the template's arm64 functions
        assert (layer / "stripe").exists() == (api in ("Bank2xls", "Cinq")), api  # 17 MB where unused
        assert (layer / "argon2").exists() == (api in ("Cinq", "InvoiceApi", "Filestore")), api


def test_the_artefact_carries_bytecode(build: Path):
    # /var/task and /opt are read-only on Lambda: without .pyc every cold start compiles every module
    sources = list(build.rglob("*.py"))
    compiled = [p for p in sources if (p.parent / "__pycache__" / f"{p.stem}.cpython-313.pyc").exists()]
    assert len(compiled) >= 0.99 * len(sources), f"{len(compiled)} of {len(sources)} .py files compiled"
    sample = next((build / "LnuploadLayer" / "python" / "shared" / "__pycache__").glob("*.pyc")).read_bytes()
    assert int.from_bytes(sample[4:8], "little") == 0b01  # hash-based, unchecked: zip timestamps can't void it
