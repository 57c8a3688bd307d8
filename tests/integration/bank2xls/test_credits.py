from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from moto.dynamodb.exceptions import TransactionCanceledException
from moto.dynamodb.models import DynamoDBBackend

from bank2xls import credits
from bank2xls.errors import IdempotencyConflict, InsufficientFunds
from bank2xls.models import UserItem
from bank2xls.schemas import Consumed, FreeConsumed, PaidConsumed
from bank2xls.sessions import Caller
from tests.integration.bank2xls.conftest import Browser


def signed_in_with(credits: int) -> tuple[Browser, str]:
    browser = Browser()
    user_id = browser.sign_in(f"rich-{uuid.uuid4().hex[:8]}@example.com").json["userId"]
    UserItem(*UserItem.key(user_id)).update(actions=[UserItem.balance.set(credits)])
    return browser, user_id


def test_anonymous_callers_get_a_session_and_one_free_credit_a_day(browser):
    balance = browser.call("credits_balance")
    assert balance.json["mode"] == "anonymous"
    assert balance.json["freeDaily"]["limit"] == 1 and balance.json["freeDaily"]["remaining"] == 1
    assert balance.json["freeDaily"]["resetAt"].endswith("T00:00:00.000Z")
    assert "pg1_session" in browser.jar and any("Max-Age=604800" in c for c in balance.cookies)
    first = browser.call("credits_consume", {"reason": "bank2xls_conversion"})
    assert first.json == {
        "debited": 1,
        "type": "free-daily",
        "date": datetime.now(UTC).date().isoformat(),
        "remainingToday": 0,
    }
    second = browser.call("credits_consume", {"reason": "bank2xls_conversion"})
    assert (second.status, second.json["error"]["code"]) == (402, "DAILY_QUOTA_EXCEEDED")
    assert browser.call("credits_balance").json["freeDaily"]["usedToday"] == 1


def test_paid_consume_debits_and_records_the_conversion(bank2xls):
    browser, user_id = signed_in_with(5)
    answer = browser.call(
        "credits_consume",
        {"reason": "bank2xls_conversion", "amount": 2, "metadata": {"fileName": "releve.pdf", "fileSize": 1024000}},
    )
    assert answer.status == 200
    assert (
        answer.json["debited"] == 2 and answer.json["newBalance"] == 3 and answer.json["entryId"].startswith("entry_")
    )
    history = browser.call("conversions_history").json["conversions"]
    assert history[0]["type"] == "bank2xls" and history[0]["cost"] == 2 and history[0]["userId"] == user_id
    assert history[0]["metadata"] == {"fileName": "releve.pdf", "fileSize": 1024000}
    assert browser.call("credits_balance").json["paidCredits"]["balance"] == 3


def test_never_below_zero(bank2xls):
    browser, _ = signed_in_with(1)
    answer = browser.call("credits_consume", {"amount": 2})
    assert (answer.status, answer.json["error"]["code"]) == (402, "INSUFFICIENT_FUNDS")
    assert browser.call("credits_balance").json["paidCredits"]["balance"] == 1


def test_request_id_replays_the_first_answer_and_never_debits_twice(bank2xls):
    browser, _ = signed_in_with(10)
    body = {"reason": "bank2xls_conversion", "amount": 3, "requestId": "req_123"}
    first = browser.call("credits_consume", body).json
    again = browser.call("credits_consume", body).json
    assert first == again and first["newBalance"] == 7
    assert browser.call("credits_balance").json["paidCredits"]["balance"] == 7
    conflict = browser.call("credits_consume", {**body, "amount": 4})
    assert (conflict.status, conflict.json["error"]["code"]) == (409, "IDEMPOTENCY_CONFLICT")
    header = browser.call("credits_consume", {"amount": 1}, headers={"x-idempotency-key": "key-1"}).json
    assert browser.call("credits_consume", {"amount": 1}, headers={"x-idempotency-key": "key-1"}).json == header


def test_sixteen_parallel_debits_of_ten_against_one_hundred(bank2xls):
    # Given 100 credits and 16 concurrent debits of 10 (through the logic: one Lambda process never runs two
    # invocations at once, so the handler's resolver is not shared across threads; e2e covers it over HTTP)
    _, user_id = signed_in_with(100)
    caller = Caller(session_id="session_parallel", source_ip="198.18.0.1", user_id=user_id)

    def debit(_: int) -> Consumed | str:
        try:
            return credits.consume(caller, "bank2xls_conversion", 10, None, None)
        except InsufficientFunds:
            return "INSUFFICIENT_FUNDS"

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(debit, range(16)))
    # Then exactly ten succeed, each seeing its own new balance, and the rest are refused
    ok = [answer for answer in answers if isinstance(answer, PaidConsumed)]
    assert len(ok) == 10
    assert sorted(answer.newBalance for answer in ok) == list(range(0, 100, 10))
    assert answers.count("INSUFFICIENT_FUNDS") == 6
    assert UserItem.of(user_id, consistent_read=True).balance == 0


def test_amount_must_be_a_positive_integer(browser):
    for amount in (0, -1, 1.5, "2", True):
        answer = browser.call("credits_consume", {"amount": amount})
        assert (answer.status, answer.json["error"]["code"]) == (400, "INVALID_REQUEST"), amount


def test_auth_required_endpoints_refuse_anonymous_callers(browser):
    for name in ("conversions_history", "billing_checkout", "billing_portal", "billing_invoices"):
        answer = browser.call(name, {"planId": "monthly_100"} if name == "billing_checkout" else None)
        assert answer.status == 401 and answer.json == {"error": {"code": "FORBIDDEN", "message": "Accès refusé"}}


def test_history_limit_is_bounded(bank2xls):
    browser, _ = signed_in_with(30)
    for _ in range(12):
        browser.call("credits_consume", {"amount": 1})
    assert len(browser.call("conversions_history", query="").json["conversions"]) == 10
    assert len(browser.call("conversions_history", query="limit=3").json["conversions"]) == 3
    created = [c["createdAt"] for c in browser.call("conversions_history", query="limit=12").json["conversions"]]
    assert created == sorted(created, reverse=True)
    assert browser.call("conversions_history", query="limit=1000").status == 400


def test_parallel_retries_of_one_request_id_all_get_the_first_answer(bank2xls):
    # Given 5 credits and 16 concurrent retries of one debit of 5, sharing a requestId
    browser, user_id = signed_in_with(5)
    caller = Caller(session_id="session_retries", source_ip="198.18.0.2", user_id=user_id)
    request_id = f"req_{uuid.uuid4().hex[:8]}"

    def retry(_: int) -> Consumed | str:
        try:
            return credits.consume(caller, "bank2xls_conversion", 5, request_id, {"fileName": "releve.pdf"})
        except IdempotencyConflict as exc:  # the documented 409 while the first is in flight
            return exc.code

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(retry, range(16)))
    # Then every one answers the first answer (one entryId), never a 500 nor "insufficient funds"
    first = next(answer for answer in answers if isinstance(answer, PaidConsumed))
    assert first.newBalance == 0
    assert all(answer in (first, "IDEMPOTENCY_CONFLICT") for answer in answers), answers
    # And the debit and its conversion happened once
    assert UserItem.of(user_id, consistent_read=True).balance == 0
    assert len(browser.call("conversions_history").json["conversions"]) == 1


def test_parallel_retries_of_one_free_debit_all_get_the_first_answer(bank2xls):
    caller = Caller(session_id=f"session_{uuid.uuid4().hex}", source_ip="198.18.0.3", user_id=None)

    def retry(_: int) -> Consumed | str:
        try:
            return credits.consume(caller, "bank2xls_conversion", 1, "req_free", None)
        except IdempotencyConflict as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(retry, range(12)))
    assert all(answer == answers[0] for answer in answers) and isinstance(answers[0], FreeConsumed), answers


def test_a_transaction_conflict_is_retried_not_a_500(bank2xls, monkeypatch):
    # Given DynamoDB cancelling the next two transactions for a concurrent one on the same item (moto never does)
    browser, user_id = signed_in_with(10)
    conflicts = iter(range(2))
    original = DynamoDBBackend.transact_write_items

    def conflicting(self: DynamoDBBackend, transact_items: list) -> None:
        if next(conflicts, None) is not None:
            raise TransactionCanceledException([("TransactionConflict", "Transaction is ongoing", None)] * 3)
        return original(self, transact_items)

    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", conflicting)
    # When a debit is made
    answer = browser.call("credits_consume", {"amount": 3, "requestId": "req_conflict"})
    # Then it goes through on the third attempt, once
    assert (answer.status, answer.json["newBalance"]) == (200, 7)
    assert UserItem.of(user_id, consistent_read=True).balance == 7


def test_a_request_id_that_never_gets_through_answers_409_in_flight(bank2xls, monkeypatch):
    # Given every transaction cancelled for a conflict (the first request still holding the item)
    browser, _ = signed_in_with(10)

    def always_conflicting(self: DynamoDBBackend, transact_items: list) -> None:
        raise TransactionCanceledException([("TransactionConflict", "Transaction is ongoing", None)] * 3)

    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", always_conflicting)
    answer = browser.call("credits_consume", {"amount": 3, "requestId": "req_stuck"})
    assert (answer.status, answer.json["error"]["code"]) == (409, "IDEMPOTENCY_CONFLICT")
    assert "en cours" in answer.json["error"]["message"]
