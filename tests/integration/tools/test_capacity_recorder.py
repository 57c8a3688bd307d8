"""make capacity's recorder: botocore loads it as a client plugin and it records each DynamoDB call."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError

from tools.capacity import recorder


@pytest.fixture
def recording(aws_mock: None, tmp_path, monkeypatch) -> object:
    path = tmp_path / "capacity.jsonl"
    for name, value in {**recorder.environment(str(path)), "AWS_LAMBDA_FUNCTION_NAME": "SomeFunction"}.items():
        monkeypatch.setenv(name, value)
    return path


def test_every_client_botocore_creates_records_its_calls_with_their_units(recording):
    # Given a table, and a client created the ordinary way (botocore loads the plugin on its own)
    table = f"Recorded-{uuid.uuid4().hex[:8]}"
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    event = {"requestContext": {"routeKey": "POST /things", "http": {"sourceIp": "198.51.100.7"}}}
    # When one invocation writes an item, then fails a conditional write on it
    with recorder.invocation(event):
        dynamodb.put_item(TableName=table, Item={"pk": {"S": "COUNTER"}, "n": {"N": "1"}})
        with pytest.raises(ClientError):
            dynamodb.put_item(
                TableName=table, Item={"pk": {"S": "COUNTER"}}, ConditionExpression="attribute_not_exists(pk)"
            )
    records = [json.loads(line) for line in recording.read_text().splitlines()]
    calls = [r for r in records if r["type"] == "call" and r["operation"] == "PutItem"]
    (done,) = [r for r in records if r["type"] == "invocation"]
    # Then both calls are there, the refused one too (DynamoDB charges it), attributed to the invocation
    assert [call["error"] for call in calls] == [None, "ConditionalCheckFailedException"]
    assert all(call["invocation"] == done["invocation"] for call in calls)
    assert calls[0]["accesses"] == [
        {"table": table, "kind": "write", "units": 1.0, "attributes": {"pk": "COUNTER", "n": "1"}}
    ]
    assert (done["function"], done["route"], done["caller"], done["calls"]) == (
        "SomeFunction",
        "POST /things",
        "198.51.100.7",
        {"dynamodb": 2},
    )
    # CPU time is the whole process's (a Lambda environment's vCPU serves all its threads): it can pass the wall clock
    assert done["first"] is True and done["cpu_ms"] > 0 and done["ms"] > 0
