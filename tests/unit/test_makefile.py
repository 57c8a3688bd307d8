"""`make help` lists every target the Makefile declares, each with a description."""

from __future__ import annotations

import re
import subprocess

from tools.local.template import ROOT


def test_make_help_lists_every_phony_target_with_a_description():
    # Given the targets the Makefile declares
    makefile = (ROOT / "Makefile").read_text()
    phony = set(re.search(r"^\.PHONY:(.*)$", makefile, re.MULTILINE).group(1).split())

    # When a developer asks for help
    done = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, timeout=30, check=True)

    # Then each target is there, described
    listed = dict(re.findall(r"^\s+make (\S+)\s+(.+)$", done.stdout, re.MULTILINE))
    assert phony <= set(listed), f"missing from make help: {sorted(phony - set(listed))}"
    assert all(description.strip() for description in listed.values())
