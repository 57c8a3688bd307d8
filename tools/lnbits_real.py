"""Run a real LNbits 1.6.2 (FakeWallet backend) for contract tests.

LNbits needs Python < 3.13, so it lives in its own 3.12 venv; this module only
drives it over HTTP (stdlib + requests) and works from the 3.13 project venv.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import requests

LNBITS_VERSION = "1.6.2"
STARTUP_TIMEOUT_S = 60.0
HTTP_TIMEOUT_S = 10.0
PAYER_FUNDING_SAT = 1_000_000

_ADMIN_USER = "contract"
_ADMIN_PASSWORD = "contract-test-pw"  # noqa: S105 - throwaway local instance


class LnbitsError(RuntimeError):
    pass


@dataclass
class LnbitsHandle:
    base_url: str
    inkey: str  # receiving wallet
    adminkey: str  # receiving wallet
    payer_adminkey: str
    session: requests.Session = field(repr=False)

    def pay(self, bolt11: str) -> str:
        """Pay `bolt11` from the funded payer wallet; returns the payment hash."""
        resp = self.session.post(
            f"{self.base_url}/api/v1/payments",
            headers={"X-Api-Key": self.payer_adminkey},
            json={"out": True, "bolt11": bolt11},
            timeout=HTTP_TIMEOUT_S,
        )
        _check(resp, "pay invoice")
        body = resp.json()
        if body.get("status") != "success":
            raise LnbitsError(f"LNbits payment not settled: {body}")
        return str(body["payment_hash"])


def install_lnbits(venv_dir: Path) -> None:
    """Create the 3.12 venv with lnbits unless `venv_dir/bin/lnbits` exists (uv: ~10 s, pip took ~80)."""
    if (venv_dir / "bin" / "lnbits").exists():
        return
    uv = str(Path(__file__).resolve().parent / "uv.sh")
    subprocess.run([uv, "venv", "-q", "--allow-existing", "--python", _find_python312(), str(venv_dir)], check=True)
    packages = [f"lnbits=={LNBITS_VERSION}", "bitstring<5"]
    subprocess.run([uv, "pip", "install", "-q", "--python", str(venv_dir / "bin" / "python"), *packages], check=True)


def _find_python312() -> str:
    pyenv = shutil.which("pyenv")
    if pyenv:
        res = subprocess.run([pyenv, "prefix", "3.12.1"], capture_output=True, text=True, check=False)
        candidate = Path(res.stdout.strip()) / "bin" / "python3.12"
        if res.returncode == 0 and candidate.exists():
            return str(candidate)
    found = shutil.which("python3.12")
    if not found:
        raise LnbitsError("no python3.12 found (pyenv 3.12.1 or python3.12 on PATH)")
    return found


@contextmanager
def running_lnbits(venv_dir: Path) -> Iterator[LnbitsHandle]:
    """Start LNbits on a free loopback port with a fresh data folder; stop it on exit."""
    venv_dir = venv_dir.resolve()
    lnbits_bin = venv_dir / "bin" / "lnbits"
    site_packages = next(iter(sorted(venv_dir.glob("lib/python3.*/site-packages"))), None)
    if not lnbits_bin.exists() or site_packages is None:
        raise LnbitsError(f"LNbits is not installed in {venv_dir} (see install_lnbits)")

    with tempfile.TemporaryDirectory(prefix="lnbits-", ignore_cleanup_errors=True) as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        log_path = Path(tmp) / "lnbits.log"
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        # Don't let an LNBITS_* setting from the caller's shell change the instance.
        env = {k: v for k, v in os.environ.items() if not k.startswith("LNBITS_")}
        env |= {
            # Admin UI is what creates a super user, which is the only way to fund
            # a FakeWallet payer (PUT /users/api/v1/balance).
            "LNBITS_ADMIN_UI": "true",
            "LNBITS_DATA_FOLDER": str(data_dir),
            "LNBITS_BACKEND_WALLET_CLASS": "FakeWallet",
            "LNBITS_EXTENSIONS_DEACTIVATE_ALL": "true",
        }
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [str(lnbits_bin), "--host", "127.0.0.1", "--port", str(port)],
                cwd=site_packages,  # LNbits resolves its static/extension paths from cwd
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group, so we can stop its children too
            )
        session = requests.Session()
        try:
            _wait_healthy(proc, base_url, session, log_path)
            yield _bootstrap(base_url, session)
        finally:
            session.close()
            _stop(proc)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(proc: subprocess.Popen[bytes], base_url: str, session: requests.Session, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise LnbitsError(f"LNbits exited with code {proc.returncode}\n{_tail(log)}")
        try:
            # Before first install every route redirects (307) to /first_install:
            # that still means the server is up.
            resp = session.get(f"{base_url}/api/v1/health", allow_redirects=False, timeout=2)
            if resp.status_code in (200, 307):
                return
        except requests.RequestException:  # not listening yet, or still booting
            pass
        time.sleep(0.25)
    raise LnbitsError(f"LNbits not healthy at {base_url} after {STARTUP_TIMEOUT_S:.0f} s\n{_tail(log)}")


def _bootstrap(base_url: str, session: requests.Session) -> LnbitsHandle:
    resp = session.put(
        f"{base_url}/api/v1/auth/first_install",
        json={"username": _ADMIN_USER, "password": _ADMIN_PASSWORD, "password_repeat": _ADMIN_PASSWORD},
        timeout=HTTP_TIMEOUT_S,
    )
    _check(resp, "first install")
    bearer = {"Authorization": f"Bearer {resp.json()['access_token']}"}

    receiver = _create_wallet(base_url, session, "receiver")
    payer = _create_wallet(base_url, session, "payer")
    resp = session.put(
        f"{base_url}/users/api/v1/balance",
        headers=bearer,
        json={"id": payer["id"], "amount": PAYER_FUNDING_SAT},  # sats, not msat
        timeout=HTTP_TIMEOUT_S,
    )
    _check(resp, "fund payer")
    return LnbitsHandle(
        base_url=base_url,
        inkey=receiver["inkey"],
        adminkey=receiver["adminkey"],
        payer_adminkey=payer["adminkey"],
        session=session,
    )


def _create_wallet(base_url: str, session: requests.Session, name: str) -> dict[str, str]:
    resp = session.post(f"{base_url}/api/v1/account", json={"name": name}, timeout=HTTP_TIMEOUT_S)
    _check(resp, f"create wallet {name!r}")
    return dict(resp.json())


def _check(resp: requests.Response, what: str) -> None:
    if not resp.ok:
        raise LnbitsError(f"LNbits {what} failed: HTTP {resp.status_code} {resp.text[:500]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    with suppress(ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    # Whatever is still in the group (the leader or its workers) goes now.
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=5)


def _tail(log: Path, lines: int = 40) -> str:
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return "(no LNbits log)"
    return "--- LNbits log tail ---\n" + "\n".join(text.splitlines()[-lines:])
