"""Policy as code on the templates: cfn-lint with the AWS serverless rules, and checkov. Any finding fails.

A check that does not fit is skipped in the template, next to what it skips, with its reason:
checkov's in the resource's `Metadata.checkov.skip` (`id` + `comment`), cfn-lint's in
`Metadata.cfn-lint.config.ignore_checks` with a comment. `make policy` prints the findings;
tests/build/test_policy.py runs the same checks in `make test`.

checkov runs from its own virtualenv (.tools/checkov, `make tools`): its pins conflict with the project's.
It runs offline: no guideline download, no platform.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tools.local.template import ROOT

TEMPLATES = [ROOT / "template.yaml", ROOT / "ops" / "operations.yaml"]
CHECKOV = ROOT / ".tools" / "checkov" / "bin" / "checkov"
SAM_PYTHON = ROOT / ".tools" / "sam" / "bin" / "python"
RESOURCE_LIMIT = 500  # CloudFormation's, per stack, counted once SAM has expanded its resources
# SAM's own translator (the SAM CLI's virtualenv has it): template.yaml as CloudFormation receives it.
_EXPAND = """
import json, sys
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse
template = yaml_parse(open(sys.argv[1]).read())
template["Globals"]["Function"]["CodeUri"] = "s3://bucket/code.zip"
for resource in template["Resources"].values():
    if resource["Type"] == "AWS::Serverless::LayerVersion":
        resource["Properties"]["ContentUri"] = "s3://bucket/layer.zip"
class NoManagedPolicies:
    def load(self):
        return {}
print(json.dumps(sorted(r["Type"] for r in transform(template, {}, NoManagedPolicies())["Resources"].values())))
"""


def _relative(paths: list[Path]) -> list[str]:
    return [str(path.relative_to(ROOT)) for path in paths]


def cfn_lint(paths: list[Path] = TEMPLATES) -> list[str]:
    """cfn-lint findings (errors, warnings and informational ones), with the serverless rules appended."""
    rules = ("--append-rules", "cfn_lint_serverless.rules", "--format", "parseable")
    done = subprocess.run(
        [sys.executable, "-c", "from cfnlint.runner import main; main()", *_relative(paths), *rules],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 2, 4, 6, 8, 10, 12, 14):  # a bitmask of the finding levels; else it crashed
        raise RuntimeError(f"cfn-lint failed to run ({done.returncode}): {done.stderr[-2000:]}")
    return [line for line in done.stdout.splitlines() if line.strip()]


def checkov(paths: list[Path] = TEMPLATES) -> list[str]:
    """checkov's failed checks (skips in the templates' Metadata honoured), as `ID resource file:line name`."""
    if not CHECKOV.exists():
        raise FileNotFoundError(f"{CHECKOV} is missing: `make tools` installs checkov")
    files = [arg for path in _relative(paths) for arg in ("-f", path)]
    options = ("--framework", "cloudformation", "--compact", "--quiet", "--skip-download", "--output", "json")
    done = subprocess.run(
        [str(CHECKOV), *files, *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},  # no guideline download: the suite runs offline
    )
    if done.returncode not in (0, 1):
        raise RuntimeError(f"checkov failed to run ({done.returncode}): {done.stderr[-2000:]}")
    reports: Any = json.loads(done.stdout or "[]")
    failed = []
    for report in reports if isinstance(reports, list) else [reports]:
        for check in report.get("results", {}).get("failed_checks", []):
            where = f"{check['file_path'].lstrip('/')}:{check['file_line_range'][0]}"
            failed.append(f"{check['check_id']} {check['resource']} {where} {check['check_name']}")
    return sorted(set(failed))


def expanded_resources() -> list[str]:
    """The type of every resource of template.yaml once SAM expands it (what counts towards the 500)."""
    if not SAM_PYTHON.exists():
        raise FileNotFoundError(f"{SAM_PYTHON} is missing: `make tools` installs the SAM CLI")
    done = subprocess.run(
        [str(SAM_PYTHON), "-c", _EXPAND, str(TEMPLATES[0])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-west-1")},
    )
    return list(json.loads(done.stdout.splitlines()[-1]))


def findings() -> dict[str, list[str]]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        lint, kov = pool.submit(cfn_lint), pool.submit(checkov)
        return {"cfn-lint": lint.result(), "checkov": kov.result()}


def main() -> int:
    found = findings()
    for tool, lines in found.items():
        print(f"{tool}: {len(lines)} finding(s)")
        for line in lines:
            print(f"  {line}")
    count = len(expanded_resources())
    print(f"template.yaml: {count} resources once SAM expands them (CloudFormation's limit: {RESOURCE_LIMIT})")
    return 1 if any(found.values()) or count > RESOURCE_LIMIT else 0


if __name__ == "__main__":
    sys.exit(main())
