from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.lnbits_real import LnbitsHandle, install_lnbits, running_lnbits

LNBITS_VENV = Path(__file__).resolve().parents[2] / ".tools" / "lnbits"


@pytest.fixture(scope="session")
def lnbits() -> Iterator[LnbitsHandle]:
    install_lnbits(LNBITS_VENV)  # no-op when already installed; ~10 s otherwise
    with running_lnbits(LNBITS_VENV) as handle:
        yield handle
