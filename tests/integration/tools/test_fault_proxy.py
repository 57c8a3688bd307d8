"""The fault proxy in front of a real moto server, and the payment fakes' switches, seen by our own clients:
botocore retries what it should and names the failure as the service would, and the invocation's deadline
ends a hanging dependency in time for the function to answer."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import stripe
from botocore.exceptions import ClientError, ConnectionClosedError
from moto.server import ThreadedMotoServer

from shared import aws, deadline, outages, stripe_billing
from shared.lightning import LightningClient, LightningError
from tools.local.console import Console, serve
from tools.local.faults import FaultProxy, Rule, Rules
from tools.local.faults.fakes import stripe_faults
from tools.local.lightning import FakeWallet
from tools.local.stripe_fake import StripeFake
from tools.local.template import Template

TABLE = "fault-proxy-test"


@pytest.fixture(scope="module")
def proxy() -> Iterator[FaultProxy]:
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    _, port = moto.get_host_and_port()
    faults = FaultProxy(port, 0, Rules(seed=3))
    faults.start()
    yield faults
    faults.stop()
    moto.stop()


@pytest.fixture
def rules(proxy: FaultProxy) -> Iterator[Rules]:
    proxy.rules.reset_stats()
    yield proxy.rules
    proxy.rules.clear()


@pytest.fixture(scope="module")
def dynamodb(proxy: FaultProxy) -> Any:
    """A client configured as the functions' (shared.aws.CONFIG and its deadline hooks), through the proxy."""
    made = boto3.session.Session().client(
        "dynamodb",
        endpoint_url=proxy.endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=aws.CONFIG,
    )
    made.meta.events.register("before-send", aws._refuse_late_attempt)
    made.meta.events.register_first("needs-retry", aws._refuse_late_retry)
    keys = {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}
    made.create_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **keys,
    )
    return made


def attempts(rules: Rules, service: str, operation: str) -> int:
    return int(rules.stats()[service]["operations"][operation]["requests"])


def test_a_throttled_call_is_tried_three_times_then_fails_as_dynamodb_throttling(rules, dynamodb):
    rules.replace([Rule("dynamodb", "PutItem", "throttle")])
    with pytest.raises(ClientError) as failed:
        dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": "a"}})
    assert failed.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    assert attempts(rules, "dynamodb", "PutItem") == 3 and outages.unavailable(failed.value)


def test_a_dropped_connection_is_retried_and_a_partial_outage_mostly_gets_through(rules, dynamodb):
    rules.replace([Rule("dynamodb", "PutItem", "drop")])
    with pytest.raises(ConnectionClosedError):
        dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": "b"}})
    assert attempts(rules, "dynamodb", "PutItem") == 3

    rules.replace([Rule("dynamodb", "GetItem", ["throttle", "500", "503", "drop"], rate=0.3)], seed=11)
    rules.reset_stats()
    answered = 0
    for _ in range(30):
        try:
            dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "b"}})
            answered += 1
        except (ClientError, ConnectionClosedError):
            pass
    stats = rules.stats()["dynamodb"]
    assert stats["faults"] >= 5 and answered >= 27  # a call fails only when its three attempts all do (2.7%)


def test_latency_is_added_before_forwarding(rules, dynamodb):
    rules.replace([Rule("dynamodb", "GetItem", latency_ms=300)])
    started = time.monotonic()
    dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "c"}})
    assert time.monotonic() - started >= 0.3


def test_a_hanging_dependency_ends_in_time_for_the_function_to_answer(rules, dynamodb):
    # Given DynamoDB answering nothing, in an invocation with 5 s left
    rules.replace([Rule("dynamodb", "GetItem", "hang", latency_ms=20_000)])
    deadline.begin(5000)
    started = time.monotonic()
    try:
        # When a call is made
        with pytest.raises(Exception) as failed:
            dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "d"}})
    finally:
        deadline.end()
    # Then it gives up (read timeout, no retry that could not finish) before the reserve to answer is touched
    assert time.monotonic() - started < 5 - deadline.RESERVE_SECONDS
    assert outages.unavailable(failed.value), repr(failed.value)


@pytest.fixture(scope="module")
def console_faults() -> Iterator[tuple[Rules, str]]:
    rules = Rules(seed=5)
    wallet = FakeWallet("key")
    server = serve(Console(Template(), wallet, aws_endpoint="http://127.0.0.1:1", faults=rules), port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield rules, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_the_lightning_wallet_fails_hangs_or_slows_down_on_demand(console_faults):
    rules, console = console_faults
    wallet = LightningClient(f"{console}/lightning", "key")
    assert wallet.create_invoice(100, "memo", 600).payment_hash
    for error in ("503", "500", "throttle", "drop"):
        rules.replace([Rule("lightning", "POST /api/v1/payments", error)])
        with pytest.raises(LightningError):
            wallet.create_invoice(100, "memo", 600)
    rules.replace([Rule("lightning", "*", "hang", latency_ms=10_000)])
    deadline.begin(3000)
    started = time.monotonic()
    try:
        with pytest.raises(LightningError):
            wallet.create_invoice(100, "memo", 600)
    finally:
        deadline.end()
        rules.clear()
    assert time.monotonic() - started < 3 - deadline.RESERVE_SECONDS + 0.2
    assert rules.stats()["lightning"]["errors"] == {"503": 1, "500": 1, "throttle": 1, "drop": 1, "hang": 1}


def test_the_stripe_fake_fails_on_demand_and_the_sdk_retries_once(stripe_fake: StripeFake):
    rules = Rules()
    rules.replace([Rule("stripe", "POST /v1/customers", "503")])
    stripe_faults.rules = rules
    try:
        client = stripe_billing.stripe_client("sk_test_local", stripe_fake.base_url)
        with pytest.raises(stripe.APIError):
            client.v1.customers.create(params={"email": "faults@example.com"})
    finally:
        stripe_faults.rules = None
    assert rules.stats()["stripe"]["operations"]["POST /v1/customers"]["requests"] == 2  # the call and its retry
