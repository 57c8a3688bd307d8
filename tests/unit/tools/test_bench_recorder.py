"""tools.bench.recorder: AWS calls recorded on botocore's events, whatever session made the client."""

import json
from typing import Any

import boto3
import botocore.session
import pytest
from botocore import handlers
from botocore.stub import Stubber

from tools.bench import recorder

KEY = {"pk": {"S": "USER#1"}, "sk": {"S": "PROFILE"}}
CREDENTIALS = {"region_name": "us-east-1", "aws_access_key_id": "x", "aws_secret_access_key": "x"}


@pytest.fixture(autouse=True)
def _own_handler_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """install() extends botocore's list: on a copy, so other tests' sessions never see it."""
    monkeypatch.setattr(handlers, "BUILTIN_HANDLERS", list(handlers.BUILTIN_HANDLERS))
    recorder.install()


def _dynamodb(factory: str) -> Any:
    if factory == "boto3":
        return boto3.session.Session().client("dynamodb", **CREDENTIALS)
    return botocore.session.Session().create_client("dynamodb", **CREDENTIALS)  # as pynamodb makes its own


@pytest.mark.parametrize("factory", ["boto3", "botocore"])
def test_records_operation_params_and_answer(factory: str) -> None:
    # Given a DynamoDB client made after install(), from either kind of session
    client = _dynamodb(factory)
    with Stubber(client) as stub, recorder.recording() as calls:
        stub.add_response("get_item", {"Item": KEY}, {"TableName": "t", "Key": KEY})
        stub.add_response("put_item", {}, {"TableName": "t", "Item": KEY})
        # When it reads then writes
        client.get_item(TableName="t", Key=KEY)
        client.put_item(TableName="t", Item=KEY)
    # Then both calls are recorded, in order, with the caller's params and the answer
    assert calls.operations("dynamodb") == ["GetItem", "PutItem"]
    assert calls.calls[0].params == {"TableName": "t", "Key": KEY}
    assert calls.calls[0].response["Item"] == KEY
    assert calls.calls[0].status == 200
    assert calls.summary() == "2 dynamodb"


def test_consumed_capacity_is_asked_for_reads_only() -> None:
    # Given a recording that wants consumed capacity, and what the client sends seen before the Stubber answers
    client = _dynamodb("boto3")
    sent: list[dict[str, Any]] = []
    client.meta.events.register_first("before-call.*.*", lambda params, **_: sent.append(json.loads(params["body"])))
    with Stubber(client) as stub, recorder.recording(consumed_capacity=True) as calls:
        stub.add_response("query", {"Items": []})
        stub.add_response("put_item", {})
        # When it reads then writes
        client.query(TableName="t")
        client.put_item(TableName="t", Item=KEY)
    # Then the read is sent with ReturnConsumedCapacity=TOTAL, the write as is
    assert sent == [{"TableName": "t", "ReturnConsumedCapacity": "TOTAL"}, {"TableName": "t", "Item": KEY}]
    # And the recorded params are the caller's
    assert calls.calls[0].params == {"TableName": "t"}


def test_nothing_is_recorded_or_changed_outside_a_recording() -> None:
    # Given a client, and a recording that ended
    client = _dynamodb("boto3")
    with recorder.recording() as calls:
        pass
    with Stubber(client) as stub:
        stub.add_response("get_item", {"Item": KEY}, {"TableName": "t", "Key": KEY})
        # When it calls
        client.get_item(TableName="t", Key=KEY)
    # Then the ended recording has nothing
    assert calls.calls == []
