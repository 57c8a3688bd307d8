"""Policy as code: cfn-lint with the AWS serverless rules and checkov find nothing in the templates (skips live in
the templates' Metadata, each with its reason), and the expanded stack stays under CloudFormation's 500 resources."""

from __future__ import annotations

from collections import Counter

import pytest

from tools import policy


def test_cfn_lint_with_serverless_rules_and_checkov_find_nothing():
    if not policy.CHECKOV.exists():
        pytest.skip("checkov not installed: `make test` installs it (.tools/checkov)")
    found = policy.findings()
    assert found == {"cfn-lint": [], "checkov": []}, "\n".join(line for lines in found.values() for line in lines)


def test_the_expanded_stack_keeps_room_under_cloudformations_resource_limit():
    if not policy.SAM_PYTHON.exists():
        pytest.skip("SAM CLI not installed: `make test` installs it")
    types = Counter(policy.expanded_resources())
    # 56 functions, each a function, role, version, alias, permission(s), log group and deployment group
    assert types["AWS::Lambda::Function"] == types["AWS::CodeDeploy::DeploymentGroup"] == 56
    assert sum(types.values()) <= policy.RESOURCE_LIMIT - 20, f"{sum(types.values())} resources: {types}"
