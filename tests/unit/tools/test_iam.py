"""tools/iam.py: SDK calls translated into the authorisations AWS makes, and IAM's evaluation of them."""

from __future__ import annotations

import pytest

from tools.iam import Call, FunctionPolicy, Request, Statement, arn, function_policies, requests_of, violations
from tools.local.template import TEMPLATE, Template


def test_a_transaction_needs_the_item_action_on_each_items_table():
    params = {
        "TransactItems": [
            {"Put": {"TableName": "T", "Item": {}}},
            {"Update": {"TableName": "T", "Key": {}}},
            {"ConditionCheck": {"TableName": "U", "Key": {}}},
        ]
    }
    assert requests_of("dynamodb", "TransactWriteItems", params) == [
        Request("dynamodb:PutItem", arn("T")),
        Request("dynamodb:UpdateItem", arn("T")),
        Request("dynamodb:ConditionCheckItem", arn("U")),
    ]


def test_a_query_on_an_index_names_the_index():
    request = requests_of("dynamodb", "Query", {"TableName": "T", "IndexName": "ByUser"})
    assert request == [Request("dynamodb:Query", arn("T/index/ByUser"))]


def test_a_copy_reads_its_source_and_writes_its_target():
    params = {"Bucket": "b", "Key": "disk/1/a.txt", "CopySource": {"Bucket": "b", "Key": "incoming/x"}}
    assert requests_of("s3", "UploadPartCopy", params) == [
        Request("s3:PutObject", arn("b/disk/1/a.txt")),
        Request("s3:GetObject", arn("b/incoming/x")),
    ]
    versioned = requests_of("s3", "CopyObject", {**params, "CopySource": "b/incoming/x?versionId=3"})
    assert Request("s3:GetObjectVersion", arn("b/incoming/x")) in versioned


def test_head_and_list_map_to_get_and_list_bucket_with_the_prefix():
    assert requests_of("s3", "HeadObject", {"Bucket": "b", "Key": "k"}) == [Request("s3:GetObject", arn("b/k"))]
    listing = requests_of("s3", "ListObjectsV2", {"Bucket": "b", "Prefix": "main/1/"})
    assert listing == [Request("s3:ListBucket", arn("b"), (("s3:prefix", "main/1/"),))]


def test_mail_is_sent_as_the_senders_identity():
    (request,) = requests_of("sesv2", "SendEmail", {"FromEmailAddress": "Cinq <no-reply@cinq.app>"})
    assert request.action == "ses:SendEmail" and request.resource.endswith(":identity/no-reply@cinq.app")


def test_an_explicit_deny_wins_and_conditions_must_hold():
    policy = FunctionPolicy(
        "F",
        [
            Statement("Allow", ("s3:GetObject",), (arn("b/*"),)),
            Statement("Deny", ("s3:GetObject",), (arn("b/incoming/*"),)),
            Statement("Allow", ("s3:ListBucket",), (arn("b"),), (("StringLike", "s3:prefix", ("main/*",)),)),
        ],
    )
    assert policy.allows(Request("s3:GetObject", arn("b/main/1/a")))
    assert not policy.allows(Request("s3:GetObject", arn("b/incoming/a")))
    assert not policy.allows(Request("s3:PutObject", arn("b/main/1/a")))
    assert policy.allows(Request("s3:ListBucket", arn("b"), (("s3:prefix", "main/1/"),)))
    assert not policy.allows(Request("s3:ListBucket", arn("b"), (("s3:prefix", "incoming/"),)))
    assert not policy.allows(Request("s3:ListBucket", arn("b")))  # no prefix: the condition does not hold


def test_violations_name_the_function_the_call_and_what_is_missing():
    CINQ = arn("CinqTable")
    policies = function_policies(Template(overrides={}))
    calls = [
        Call("CinqWaitlistCountFunction", "dynamodb", "BatchGetItem", (Request("dynamodb:BatchGetItem", CINQ),)),
        Call("CinqWaitlistCountFunction", "dynamodb", "PutItem", (Request("dynamodb:PutItem", arn("CinqTable")),)),
        Call("CinqWaitlistCountFunction", "dynamodb", "GetItem", (Request("dynamodb:GetItem", arn("Bank2xlsTable")),)),
    ]
    assert violations(policies, calls) == [
        "CinqWaitlistCountFunction (dynamodb.GetItem) needs dynamodb:GetItem on arn:aws:local:::Bank2xlsTable",
        "CinqWaitlistCountFunction (dynamodb.PutItem) needs dynamodb:PutItem on arn:aws:local:::CinqTable",
    ]


def test_the_templates_statements_resolve_to_its_resources():
    policies = function_policies(Template(overrides={}))
    upload = policies["FilestoreUploadFunction"]
    assert upload.allows(Request("s3:PutObject", arn("filestorebucket/main/1/a.txt")))
    assert not upload.allows(Request("s3:PutObject", arn("filestorebucket/incoming/abc")))
    assert upload.allows(Request("s3:GetObject", arn("filestorebucket/incoming/abc")))
    listing = policies["FilestoreFilesListFunction"]
    assert listing.allows(Request("s3:ListBucket", arn("filestorebucket"), (("s3:prefix", "archive/7/"),)))
    assert not listing.allows(Request("s3:ListBucket", arn("filestorebucket"), (("s3:prefix", "incoming/"),)))
    otp = policies["Bank2xlsOtpRequestFunction"]
    sender = "arn:aws:ses:us-east-1:123456789012:identity/"
    assert otp.allows(Request("ses:SendEmail", sender + "no-reply@convertir-releve-compte-pdf-excel.com"))
    assert otp.allows(Request("ses:SendEmail", sender + "convertir-releve-compte-pdf-excel.com"))
    assert not otp.allows(Request("ses:SendEmail", sender + "no-reply@cinq.app"))


def test_sam_policy_templates_are_refused_as_not_explicit(tmp_path):
    text = TEMPLATE.read_text().replace(
        "        - Statement:\n            - Effect: Allow # the counter's shards",
        "        - DynamoDBCrudPolicy: {TableName: !Ref CinqTable}\n        - Statement:\n"
        "            - Effect: Allow # the counter's shards",
        1,
    )
    path = tmp_path / "template.yaml"
    path.write_text(text)
    with pytest.raises(ValueError, match="CinqWaitlistCountFunction: only explicit Statement policies"):
        function_policies(Template(path, overrides={}))
