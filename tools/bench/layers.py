"""Each API's layer as Lambda sees it, for the cold imports: only the distributions that API ships
(layers/shared/requirements/<api>.txt at constraints.txt's versions, as `sam build` installs them, but
for this machine's platform) with unchecked-hash bytecode, in .local/bench/layers/<api>/python.

The project's virtualenv would not do: it holds the test tools too, and some libraries import what they
find (PyJWT loads `cryptography` when it is installed, which no layer ships). The floors get the layer
every API shares (requirements/common.txt). A layer is reinstalled only when its lists change.
"""

from __future__ import annotations

import compileall
import hashlib
import py_compile
import shutil
import subprocess
import sys
from pathlib import Path

from tools.local.bootstrap import ROOT

REQUIREMENTS = ROOT / "layers" / "shared" / "requirements"
CONSTRAINTS = ROOT / "layers" / "shared" / "constraints.txt"
HOME = ROOT / ".local" / "bench" / "layers"
COMMON = "common"  # the floors' layer
INTERPRETER = Path(getattr(sys, "_base_executable", sys.executable))  # Python without the venv's site-packages


def _fingerprint(name: str) -> str:
    digest = hashlib.sha256(INTERPRETER.as_posix().encode())
    for path in (CONSTRAINTS, *sorted(REQUIREMENTS.glob("*.txt"))):
        digest.update(path.read_bytes())
    return f"{name}:{digest.hexdigest()}"


def layer(name: str) -> Path:
    """The site directory (Lambda's /opt/python) of API `name`'s layer, or COMMON: installed on first use."""
    target = HOME / name / "python"
    stamp = target / ".bench-layer"
    if stamp.exists() and stamp.read_text() == _fingerprint(name):
        return target
    shutil.rmtree(target, ignore_errors=True)
    print(f"  bench: installing the {name} layer for this machine", file=sys.stderr, flush=True)
    subprocess.run(
        [str(ROOT / "tools" / "uv.sh"), "pip", "install", "--quiet", "--no-compile", "--target", str(target),
         "--python", str(INTERPRETER), "-r", str(REQUIREMENTS / f"{name}.txt"), "-c", str(CONSTRAINTS)],
        check=True,
    )  # fmt: skip
    compileall.compile_dir(target, quiet=1, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    stamp.write_text(_fingerprint(name))
    return target
