"""Every dependency call gives up inside its function's timeout: computed from template.yaml and the clients'
configured timeouts, retries and backoff (README, "When dependencies fail")."""

from __future__ import annotations

import importlib

import pytest
from pynamodb.models import Model

from shared import aws, deadline, json_http, stripe_billing
from shared.dynamo import SharedModel
from shared.settings import LightningSettings
from tools.local.template import Template

API_GATEWAY_INTEGRATION_TIMEOUT = 30
FUNCTIONS = Template().functions.values()


def test_the_aws_clients_use_standard_retries_with_three_attempts_in_all():
    # botocore's `max_attempts` counts retries only: `total_max_attempts` is the one that means what it says
    assert aws.CONFIG.retries == {"mode": "standard", "total_max_attempts": 3}
    assert (aws.CONFIG.connect_timeout, aws.CONFIG.read_timeout) == (aws.CONNECT_TIMEOUT, aws.READ_TIMEOUT)


def test_one_aws_call_at_its_worst_is_three_timed_out_attempts_and_the_longest_backoffs():
    assert aws.worst_case_seconds() == 3 * (1.0 + 2.0) + 1.0 + 2.0


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.logical_id)
def test_one_aws_call_ends_in_time_for_the_function_to_answer(function):
    assert aws.worst_case_seconds() + deadline.RESERVE_SECONDS < function.timeout
    assert function.timeout < API_GATEWAY_INTEGRATION_TIMEOUT


@pytest.mark.parametrize(
    "function", [f for f in FUNCTIONS if "STRIPE_API_BASE" in f.environment], ids=lambda f: f.logical_id
)
def test_a_stripe_call_with_its_retry_ends_in_time(function):
    assert stripe_billing.worst_case_seconds() == 2 * (1.0 + 4.0) + 0.5
    assert stripe_billing.worst_case_seconds() + deadline.RESERVE_SECONDS < function.timeout


@pytest.mark.parametrize(
    "function",
    [f for f in FUNCTIONS if {"LIGHTNING_API_URL", "BTCPAY_URL"} & set(f.environment)],
    ids=lambda f: f.logical_id,
)
def test_a_lightning_or_btcpay_call_is_shorter_than_the_function(function):
    lightning = LightningSettings.model_fields["lightning_timeout_seconds"].default
    assert max(lightning, json_http.DEFAULT_TIMEOUT) + deadline.RESERVE_SECONDS < function.timeout


def test_a_call_never_waits_longer_than_the_invocation_has_left(monkeypatch):
    # Given an invocation with 3 s left (2 s once the answer's reserve is kept)
    deadline.begin(3000)
    try:
        # Then a payment call's 5 s timeout is cut to what is left, and an AWS attempt (3 s) is refused
        assert 1.9 < deadline.bounded(5.0) <= 2.0
        with pytest.raises(aws.DeadlineExceeded):
            aws._refuse_late_attempt(request=None, event_name="before-send.dynamodb.GetItem")
    finally:
        deadline.end()
    assert deadline.bounded(5.0) == 5.0  # outside an invocation nothing is cut


def test_nothing_is_attempted_once_the_time_is_up():
    deadline.begin(1000)  # all of it is the reserve
    try:
        with pytest.raises(deadline.OutOfTime):
            deadline.bounded(5.0)
        with pytest.raises(json_http.Unreachable):
            json_http.JsonHttp("http://127.0.0.1:9", {}).request("GET", "/")
    finally:
        deadline.end()


@pytest.mark.parametrize("api", ["lnupload", "bank2xls", "cinq", "invoice_api", "filestore"])
def test_every_model_calls_dynamodb_through_the_shared_client(api):
    # A plain pynamodb Model builds a client of its own: pynamodb's timeouts and retries, no deadline
    module = importlib.import_module(f"{api}.models")
    models = [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, Model) and v is not Model]
    assert models and all(issubclass(model, SharedModel) for model in models)
