"""Dependencies come from one lock (uv.lock): the virtualenv is synced from it, the layer pins are exported from it."""

from __future__ import annotations

import subprocess
import tomllib

from tools.local.template import ROOT

UV = str(ROOT / "tools" / "uv.sh")
EXPORT = ["export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes", "--no-annotate", "--no-header"]


def uv(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([UV, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def locked() -> dict[str, str]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    return {package["name"]: package["version"] for package in lock["package"] if "version" in package}


def test_the_lock_matches_pyproject():
    # Given pyproject.toml's dependencies and dev group, When uv checks the lock without the network
    done = uv("lock", "--check", "--offline")
    # Then it is current (else: `make lock`)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_layer_constraints_are_the_locked_runtime_versions():
    # Given the constraints the layer build installs with, When the lock's runtime part is exported again
    done = uv(*EXPORT)
    # Then they are the same file (else: `make lock`)
    assert done.returncode == 0, done.stderr
    assert (ROOT / "layers" / "shared" / "constraints.txt").read_text() == done.stdout


def test_the_versions_the_local_fakes_depend_on_are_locked():
    # Given the lock, Then the fakes' versions are the checked ones (tools/local patches localstripe 1.15.10)
    versions = locked()
    assert versions["moto"] == "5.2.5"
    assert versions["localstripe"] == "1.15.10"
    assert versions["playwright"] == "1.65.2"
    assert versions["bolt11"] == "2.1.1"
    assert int(versions["bitstring"].split(".")[0]) < 5
