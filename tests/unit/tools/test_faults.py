"""The fault rules and the AWS protocol parts of the fault proxy (no sockets): each injected failure parses,
through botocore's own parsers, as the error the real service answers."""

from __future__ import annotations

import botocore.session
import pytest
from botocore import parsers
from botocore.awsrequest import HeadersDict

from tools.local.faults.aws import Call, error_answer, identify
from tools.local.faults.rules import InvalidRule, Rule, Rules

FORM = b'--x\r\nContent-Disposition: form-data; name="x-amz-credential"\r\n\r\nlocal/20261130/us-east-1/s3/aws4_request'
AUTH = "AWS4-HMAC-SHA256 Credential=local/20261130/us-east-1/{}/aws4_request, SignedHeaders=host, Signature=0"


def headers(service: str, **more: str) -> dict[str, str]:
    return {"authorization": AUTH.format(service), **more}


@pytest.mark.parametrize(
    ("method", "path", "query", "given", "body", "expected"),
    [
        (
            "POST",
            "/",
            "",
            headers("dynamodb", **{"x-amz-target": "DynamoDB_20120810.PutItem"}),
            b"{}",
            Call("dynamodb", "PutItem", "json"),
        ),
        (
            "POST",
            "/",
            "",
            headers("secretsmanager", **{"x-amz-target": "secretsmanager.GetSecretValue"}),
            b"{}",
            Call("secretsmanager", "GetSecretValue", "json"),
        ),
        (
            "POST",
            "/",
            "",
            headers("ses", **{"content-type": "application/x-www-form-urlencoded"}),
            b"Action=GetSendQuota&Version=2010-12-01",
            Call("ses", "GetSendQuota", "query"),
        ),
        ("POST", "/v2/email/outbound-emails", "", headers("ses"), b"{}", Call("ses", "SendEmail", "rest-json")),
        ("PUT", "/bucket/public/a.png", "", headers("s3"), b"x", Call("s3", "PutObject", "rest-xml")),
        (
            "PUT",
            "/bucket/k",
            "",
            headers("s3", **{"x-amz-copy-source": "bucket/src"}),
            b"",
            Call("s3", "CopyObject", "rest-xml"),
        ),
        (
            "PUT",
            "/bucket/k",
            "partNumber=2&uploadId=u",
            headers("s3", **{"x-amz-copy-source": "b/s"}),
            b"",
            Call("s3", "UploadPartCopy", "rest-xml"),
        ),
        ("HEAD", "/bucket/k", "", headers("s3"), b"", Call("s3", "HeadObject", "rest-xml")),
        ("GET", "/bucket", "list-type=2&prefix=a", headers("s3"), b"", Call("s3", "ListObjectsV2", "rest-xml")),
        ("DELETE", "/bucket/k", "", headers("s3"), b"", Call("s3", "DeleteObject", "rest-xml")),
        (
            "GET",
            "/bucket/k",
            "X-Amz-Credential=local%2F20261130%2Fus-east-1%2Fs3%2Faws4_request",
            {},
            b"",
            Call("s3", "GetObject", "rest-xml"),
        ),  # a presigned GET
        (
            "POST",
            "/bucket",
            "",
            {"content-type": "multipart/form-data; boundary=x"},
            FORM,
            Call("s3", "PostObject", "rest-xml"),
        ),  # a presigned form
    ],
)
def test_requests_are_named_by_service_and_operation(method, path, query, given, body, expected):
    assert identify(method, path, query, given, body) == expected


@pytest.mark.parametrize(
    ("service", "operation", "protocol", "kind", "status", "code"),
    [
        ("dynamodb", "PutItem", "json", "throttle", 400, "ProvisionedThroughputExceededException"),
        ("dynamodb", "TransactWriteItems", "json", "500", 500, "InternalServerError"),
        ("secretsmanager", "GetSecretValue", "json", "throttle", 400, "ThrottlingException"),
        ("s3", "PutObject", "rest-xml", "throttle", 503, "SlowDown"),
        ("s3", "GetObject", "rest-xml", "500", 500, "InternalError"),
        ("s3", "HeadObject", "rest-xml", "503", 503, "503"),  # HEAD: no body, botocore names it by its status
        ("ses", "GetSendQuota", "query", "throttle", 400, "Throttling"),
        ("sesv2", "SendEmail", "rest-json", "throttle", 429, "TooManyRequestsException"),
        ("sesv2", "SendEmail", "rest-json", "503", 503, "ServiceUnavailableException"),
    ],
)
def test_injected_errors_parse_as_the_services_own(service, operation, protocol, kind, status, code):
    model = botocore.session.get_session().get_service_model(service)  # no client: no credentials looked up
    target = {"x-amz-target": "DynamoDB_20120810.X"} if service == "dynamodb" else {}
    target |= {"x-amz-target": "secretsmanager.X"} if service == "secretsmanager" else {}
    method = "HEAD" if operation == "HeadObject" else "POST"
    answer_status, answer_headers, body = error_answer(Call(service, operation, protocol), kind, method, target)
    parsed = parsers.create_parser(model.protocol).parse(
        {"status_code": answer_status, "headers": HeadersDict(answer_headers), "body": body},
        model.operation_model(operation).output_shape,
    )
    assert (answer_status, parsed["Error"]["Code"]) == (status, code)


def test_rules_parse_and_refuse_what_they_do_not_know():
    assert Rule.parse({"service": "dynamodb", "operation": "Transact*", "error": "throttle", "rate": 0.3}) == Rule(
        "dynamodb", "Transact*", "throttle", 0.3, 0
    )
    assert Rule.parse({"service": "s3", "error": ["500", "drop"]}).errors == ("500", "drop")
    for wrong in (
        {"service": "kinesis"},
        {"service": "s3", "error": "boom"},
        {"service": "s3", "rate": 2},
        {"service": "s3", "speed": 1},
        "s3",
    ):
        with pytest.raises(InvalidRule):
            Rule.parse(wrong)


def test_rules_hit_their_share_of_matching_requests_and_count_what_they_injected():
    rules = Rules(seed=7)
    rules.replace([Rule("dynamodb", "PutItem", "throttle", 0.3), Rule("s3", latency_ms=50)])
    decisions = [rules.decide("dynamodb", "PutItem") for _ in range(2000)]
    assert 0.25 < sum(d.error == "throttle" for d in decisions) / 2000 < 0.35
    assert rules.decide("dynamodb", "GetItem").error is None  # another operation
    assert rules.decide("s3", "PutObject").delay == 0.05
    stats = rules.stats()
    assert (
        stats["dynamodb"]["requests"] == 2001 and stats["dynamodb"]["faults"] == stats["dynamodb"]["errors"]["throttle"]
    )
    assert stats["s3"]["delayed"] == 1 and stats["s3"]["operations"]["PutObject"]["requests"] == 1
