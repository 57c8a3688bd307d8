"""tools.local.stripe_fake patches localstripe's internals: any other localstripe than the locked one is refused."""

from __future__ import annotations

import subprocess
import sys

from tools.local.template import ROOT

OTHER_VERSION = """
import importlib.metadata
importlib.metadata.version = lambda name: "1.16.0" if name == "localstripe" else "0"
import tools.local.stripe_fake
"""


def test_another_localstripe_fails_loudly_at_import():
    # Given an environment whose localstripe reports another version, When the fake is imported
    done = subprocess.run([sys.executable, "-c", OTHER_VERSION], cwd=ROOT, capture_output=True, text=True, timeout=60)
    # Then the import fails, saying which version it needs and what to do
    assert done.returncode != 0
    assert "ImportError: tools.local.stripe_fake patches localstripe 1.15.10 but 1.16.0 is installed" in done.stderr


def test_the_locked_localstripe_imports():
    from tools.local.stripe_fake import LOCALSTRIPE_VERSION, StripeFake

    assert LOCALSTRIPE_VERSION == "1.15.10" and StripeFake
