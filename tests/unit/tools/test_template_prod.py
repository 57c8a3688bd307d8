"""The template as an operator needs it: logs, access logs, throttling, alarms, rollbacks, least privilege, and a
prod configuration that refuses demo values. No network: the template and samconfig.toml are read as files."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest
import yaml

from tools import iam
from tools.local.template import ROOT, Template, _CfnLoader
from tools.rules import deploy_overrides, refusals

API_LOGS = "ApiAccessLogs"
WEBHOOKS = {"Bank2xlsStripeWebhookFunction", "CinqBtcpayWebhookFunction"}
PASSWORD_HASHING = {
    "CinqAuthRegisterFunction",
    "CinqAuthLoginFunction",
    "InvoiceApiLoginFunction",
    "FilestoreUserSignFunction",
    "FilestoreUserLoginFunction",
}
# login, sign-up, OTP and gift-code routes: the tighter throttling
AUTH_ROUTES = {
    "Bank2xlsApi": {"POST /api/auth/otp/request", "POST /api/auth/otp/verify"},
    "CinqApi": {
        f"{method} {base}{name}"
        for base in ("/api/", "/.netlify/functions/")
        for method, name in (
            ("POST", "auth-login"),
            ("POST", "auth-register"),
            ("POST", "gift-verify"),
            ("GET", "gift-verify/{code}"),
            ("POST", "gift-redeem"),
        )
    },
    "InvoiceApi": {"POST /api/v1/login"},
    "FilestoreApi": {"GET /api/user/login", "POST /api/user/sign"},
}
PLACEHOLDERS_FILLED = {
    "LightningApiUrl": "https://lnbits.example.org",
    "CorsAllowOrigins": "https://upload.example.org,https://files.example.org",
    "InvoiceApiAllowedOrigins": "https://invoices.example.org",
    "BtcpayUrl": "https://btcpay.example.org",
}


@cache
def template() -> Template:
    return Template(overrides={})


@cache
def operations() -> dict[str, Any]:
    return yaml.load((ROOT / "ops" / "operations.yaml").read_text(), Loader=_CfnLoader)  # noqa: S506 - safe loader


def resources(kind: str) -> dict[str, dict[str, Any]]:
    return template().of_type(kind)


def test_every_function_logs_json_into_its_own_retained_log_group():
    functions = resources("AWS::Serverless::Function")
    groups = [props["Properties"]["LoggingConfig"] for props in functions.values()]
    assert all(config["LogFormat"] == "JSON" for config in groups)
    targets = [config["LogGroup"]["Ref"] for config in groups]
    assert len(set(targets)) == len(functions) == 56  # one each
    for name in targets:
        group = template().resources[name]
        assert group["Type"] == "AWS::Logs::LogGroup"
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_every_api_writes_json_access_logs_into_a_retained_group():
    logs = template().resources[API_LOGS]
    assert logs["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    for logical_id, api in resources("AWS::Serverless::HttpApi").items():
        settings = api["Properties"]["AccessLogSettings"]
        assert settings["DestinationArn"] == {"Fn::GetAtt": [API_LOGS, "Arn"]}, logical_id
        line_format, variables = settings["Format"]["Fn::Sub"]
        sample = line_format.replace("${Api}", variables["Api"]).replace("$context.status", "200")
        sample = sample.replace("$context.responseLatency", "12")
        fields = json.loads(sample)  # a JSON line, each request
        assert fields["api"] == template().http_apis[logical_id].name
        for field in ("requestId", "ip", "routeKey", "status", "responseLatency", "integrationLatency"):
            assert field in fields, (logical_id, field)
        assert fields["integrationError"] == "$context.integrationErrorMessage"  # ApiIntegrationErrorsFilter


def test_every_api_is_throttled_and_tighter_on_its_auth_routes():
    for logical_id, api in resources("AWS::Serverless::HttpApi").items():
        props = api["Properties"]
        assert props["DefaultRouteSettings"] == {
            "ThrottlingRateLimit": {"Ref": "ApiThrottlingRateLimit"},
            "ThrottlingBurstLimit": {"Ref": "ApiThrottlingBurstLimit"},
        }, logical_id
        tighter = props.get("RouteSettings", {})
        assert set(tighter) == AUTH_ROUTES.get(logical_id, set()), logical_id
        routes = {route.key for route in template().http_apis[logical_id].routes}
        assert set(tighter) <= routes, "RouteSettings must name existing routes"
        for settings in tighter.values():
            assert settings == {
                "ThrottlingRateLimit": {"Ref": "AuthThrottlingRateLimit"},
                "ThrottlingBurstLimit": {"Ref": "AuthThrottlingBurstLimit"},
            }


def test_webhooks_and_password_hashing_have_reserved_concurrency():
    functions = resources("AWS::Serverless::Function")
    with_url = {name for name, fn in functions.items() if "FunctionUrlConfig" in fn["Properties"]}
    assert with_url == WEBHOOKS
    reserved = {name for name, fn in functions.items() if "ReservedConcurrentExecutions" in fn["Properties"]}
    assert reserved == WEBHOOKS | PASSWORD_HASHING
    for name in WEBHOOKS:
        assert "WebhookReservedConcurrency" in json.dumps(functions[name]["Properties"]["ReservedConcurrentExecutions"])


def test_every_function_deploys_through_codedeploy_rolled_back_by_its_apis_failure_alarm():
    preference = template().raw["Globals"]["Function"]["DeploymentPreference"]
    assert preference["Type"] == {"Fn::If": ["IsProd", "Canary10Percent5Minutes", "AllAtOnce"]}
    apis = {function.api: function for function in template().functions.values()}
    assert len(apis) == 5
    for name, fn in resources("AWS::Serverless::Function").items():
        alarms = [alarm["Ref"] for alarm in fn["Properties"]["DeploymentPreference"]["Alarms"]]
        prefix = next(p for p in ("Lnupload", "Bank2xls", "Cinq", "InvoiceApi", "Filestore") if name.startswith(p))
        assert f"{prefix}FunctionErrorsAlarm" in alarms, name
        if name in WEBHOOKS:
            assert f"{name.removesuffix('Function')}ErrorsAlarm" in alarms
        for alarm in alarms:
            props = template().resources[alarm]["Properties"]
            assert props["AlarmActions"] == [{"Ref": "AlarmTopic"}]
            # no reference to an API: the API depends on the alias, whose deployment group depends on the alarm
            assert not set(re.findall(r"'Ref': '(\w+)'", str(props))) & set(resources("AWS::Serverless::HttpApi"))


def test_operations_stack_alarms_each_api_and_table_and_draws_a_dashboard_per_api():
    ops = operations()["Resources"]
    for prefix in ("Lnupload", "Bank2xls", "Cinq", "InvoiceApi", "Filestore"):
        assert ops[f"{prefix}Api5xxRateAlarm"]["Type"] == "AWS::CloudWatch::Alarm"
        latency = ops[f"{prefix}ApiLatencyAlarm"]["Properties"]
        assert latency["ExtendedStatistic"] == "p99"
        assert ops[f"{prefix}TableThrottlesAlarm"]["Type"] == "AWS::CloudWatch::Alarm"
        body = ops[f"{prefix}Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"][0]
        titles = {widget["properties"]["title"] for widget in json.loads(body)["widgets"]}
        assert {"Requests, 4xx, 5xx", "Latency (ms)", "Cold starts (SnapStart restores) per function"} <= titles
        for alarm in (f"{prefix}Api5xxRateAlarm", f"{prefix}ApiLatencyAlarm", f"{prefix}TableThrottlesAlarm"):
            assert ops[alarm]["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopicArn"}]
    nested = template().resources["Operations"]["Properties"]
    assert nested["Location"] == "ops/operations.yaml"
    assert set(nested["Parameters"]) == set(operations()["Parameters"])


def test_dashboards_chart_the_business_metrics_the_code_emits():
    emitted: dict[str, set[str]] = {}
    for path in (ROOT / "functions").rglob("*.py"):
        for line in path.read_text().splitlines():
            if "add_metric(name=" in line:  # name="X", or name="X" if ... else "Y"
                names = re.findall(r'"([A-Z]\w+)"', line.split("add_metric(")[1].split("unit=")[0])
                emitted.setdefault(path.relative_to(ROOT / "functions").parts[0], set()).update(names)
    prefixes = {"lnupload": "Lnupload", "bank2xls": "Bank2xls", "cinq": "Cinq", "filestore": "Filestore"}
    for api, names in emitted.items():
        body = operations()["Resources"][f"{prefixes[api]}Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"][0]
        for name in names:
            assert f'"{name}", "service", "{api}"' in body, (api, name)


# ------------------------------------------------------------------ prod values
def test_the_prod_config_is_refused_until_the_operators_values_replace_its_placeholders():
    refused = refusals(template(), deploy_overrides("prod"))
    assert sorted(message.split(":")[0] for message in refused) == sorted(PLACEHOLDERS_FILLED)
    filled = {**deploy_overrides("prod"), **PLACEHOLDERS_FILLED}
    assert refusals(template(), filled) == []


def test_prod_sets_every_value_whose_default_is_for_dev():
    prod = deploy_overrides("prod")
    for name in (
        "Stage",
        "LightningApiUrl",
        "CorsAllowOrigins",
        "Bank2xlsAllowedOrigins",
        "Bank2xlsAppUrl",
        "CinqAllowedOrigins",
        "InvoiceApiAllowedOrigins",
        "BtcpayUrl",
    ):
        assert name in prod, name
    for name, value in prod.items():
        assert "localhost" not in value and "127.0.0.1" not in value and "demo" not in value, name


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("LightningApiUrl", "https://demo.lnbits.com"),
        ("CorsAllowOrigins", "*"),
        ("CorsAllowOrigins", "https://a.example.org,*"),
        ("Bank2xlsAllowedOrigins", "http://localhost:5173"),
        ("Bank2xlsAllowedOrigins", "https://app.example.org,http://127.0.0.1:3001"),
        ("Bank2xlsAppUrl", ""),
        ("Bank2xlsSecureCookies", "false"),
        ("StripeApiBase", "http://127.0.0.1:3910"),
        ("CinqAllowedOrigins", "*"),
        ("InvoiceApiAllowedOrigins", "*"),
        ("LogLevel", "DEBUG"),
    ],
)
def test_prod_refuses_demo_local_and_wildcard_values_naming_the_parameter(parameter: str, value: str):
    values = {**deploy_overrides("prod"), **PLACEHOLDERS_FILLED, parameter: value}
    refused = refusals(template(), values)
    assert refused and all(message.startswith(f"{parameter}:") for message in refused), refused


def test_the_template_defaults_are_refused_in_prod():
    refused = {message.split(":")[0] for message in refusals(template(), {"Stage": "prod"})}
    assert {"LightningApiUrl", "CorsAllowOrigins", "Bank2xlsAllowedOrigins", "Bank2xlsAppUrl"} <= refused
    assert {"CinqAllowedOrigins", "InvoiceApiAllowedOrigins"} <= refused
    assert refusals(template(), {"Stage": "dev"}) == []  # dev keeps its defaults


def test_a_custom_domain_needs_its_certificate():
    refused = refusals(template(), {"CinqDomainName": "api.cinq.app"})
    assert refused == ["CinqCertificateArn: CinqDomainName needs its ACM certificate (same region)"]


def test_url_parameters_must_be_https():
    params = template().raw["Parameters"]
    for name in ("LightningApiUrl", "StripeApiBase", "BtcpayUrl", "Bank2xlsAppUrl", "LnuploadFilesBaseUrl"):
        assert "https://" in params[name]["AllowedPattern"], name


def test_outputs_name_every_secret_the_operator_must_fill():
    outputs = template().raw["Outputs"]
    named = {output["Value"].get("Ref") for output in outputs.values() if isinstance(output["Value"], dict)}
    for name, secret in resources("AWS::SecretsManager::Secret").items():
        if "placeholder" in secret["Properties"]["Description"].lower():
            assert name in named, name
            output = next(o for o in outputs.values() if o["Value"] == {"Ref": name})
            assert output["Description"].startswith("TO FILL"), name


def test_every_api_has_an_optional_custom_domain_and_its_public_url_is_an_output():
    ops = operations()["Resources"]
    for prefix, api in (("Lnupload", "LnuploadApi"), ("Cinq", "CinqApi"), ("InvoiceApi", "InvoiceApi")):
        assert ops[f"{prefix}CustomDomain"]["Condition"] == f"Has{prefix}Domain"
        assert ops[f"{prefix}CustomDomainMapping"]["Properties"]["Stage"] == {"Ref": f"{prefix}Stage"}
        url = template().raw["Outputs"][f"{api}Url"]["Value"]["Fn::If"]
        assert url[0] == f"Has{prefix}Domain"


# ------------------------------------------------------------------ least privilege (static)
def test_every_policy_is_explicit_and_names_the_stacks_resources():
    policies = iam.function_policies(template())  # refuses SAM policy templates such as DynamoDBCrudPolicy
    for name, policy in policies.items():
        for statement in policy.statements:
            assert not any(action.endswith("*") for action in statement.actions), name
            assert "dynamodb:Scan" not in statement.actions, name  # queries and gets only
            if statement.resources == ("*",):
                assert statement.actions == ("ses:GetSendQuota",), name  # no resource-level permission exists


def test_read_only_functions_write_nothing():
    writes = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "s3:PutObject", "s3:DeleteObject")
    read_only = {
        "CinqWaitlistCountFunction",
        "CinqUserProfileGetFunction",
        "CinqContactsListFunction",
        "InvoiceApiUsersListFunction",
        "InvoiceApiUserShowFunction",
        "InvoiceApiInvoicesListFunction",
        "InvoiceApiInvoiceShowFunction",
        "FilestoreDownloadFunction",
        "FilestoreFilesListFunction",
        "FilestoreDisksFunction",
        "Bank2xlsHealthFunction",
    }
    for name, policy in iam.function_policies(template()).items():
        granted = {action for s in policy.statements if s.effect == "Allow" for action in s.actions}
        if name in read_only:
            assert not granted & set(writes), name
        if name.endswith("NotFoundFunction"):
            assert granted == set(), name
