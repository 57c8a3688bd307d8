from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from cinq import codes, gifts
from cinq.errors import CodeRedeemed, RedemptionRace
from cinq.models import GiftCode
from shared.aws import client as aws_client
from tests.integration.cinq.conftest import ADMIN_KEY, Client, new_code

FORMAT = re.compile(r"CINQ-[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{4}(-[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{4}){2}")


def test_create_needs_service_authentication(cinq):
    body = {"amount_cents": 1500}
    assert Client().call("gift_create", body, drop_headers=("x-api-key",)).status == 401
    assert Client().call("gift_create", body, headers={"x-api-key": "wrong"}).status == 401
    bearer = Client().call(
        "gift_create", body, headers={"authorization": f"Bearer {ADMIN_KEY}"}, drop_headers=("x-api-key",)
    )
    assert bearer.status == 201


def test_create_returns_the_code_once_and_stores_only_its_hash_and_prefix(cinq):
    answer = Client().call("gift_create", {"amount_cents": 1500, "currency": "EUR"}, headers={"x-api-key": ADMIN_KEY})
    assert answer.status == 201
    code = answer.json["code"]
    assert FORMAT.fullmatch(code)
    assert answer.json["gift_code"]["prefix"] == code[:9]
    assert answer.json["gift_code"]["amount"] == {"cents": 1500, "formatted": "15.00 EUR"}
    assert "cannot be retrieved later" in answer.json["message"]
    table = aws_client("dynamodb").scan(TableName="CinqTable")["Items"]
    assert code not in str(table) and code[10:] not in str(table)


@pytest.mark.parametrize(
    "body",
    [
        {"amount_cents": 0},
        {"amount_cents": 50_001},
        {"amount_cents": 15.5},
        {"amount_cents": 1500, "currency": "JPY"},
        {"amount_cents": 1500, "gift_message": "x" * 501},
        {"amount_cents": 1500, "expires_days": 0},
        {"amount_cents": 1500, "expires_days": 731},
        {},
    ],
)
def test_create_validates_as_documented(cinq, body):
    answer = Client().call("gift_create", body, headers={"x-api-key": ADMIN_KEY})
    assert answer.status == 400 and answer.json["success"] is False


def test_verify_by_path_and_body_never_consumes(cinq):
    code = new_code(2500, currency="USD", expires_days=30)
    by_path = Client().call("gift_verify_code", path={"code": code})
    by_body = Client().call("gift_verify", {"code": code.lower()})
    for answer in (by_path, by_body):
        assert answer.status == 200
        assert answer.json["valid"] is True and answer.json["status"] == "active"
        assert answer.json["amount"] == {"cents": 2500, "formatted": "25.00 USD"}
        assert answer.json["days_until_expiry"] in (29, 30)
    assert gifts.find(code).status == "active"


def test_verify_tells_malformed_from_unknown(cinq):
    assert Client().call("gift_verify", {"code": "CINQ-1234"}).status == 400
    assert Client().call("gift_verify", {"code": "CINQ-AAAA-BBBB-CCCC"}).status == 404


def test_redeem_once_then_already_redeemed(cinq):
    code = new_code()
    first = Client().call("gift_redeem", {"code": code, "email": "User@Example.com"})
    assert first.status == 200
    assert first.json["redemption"]["email"] == "user@example.com"
    assert first.json["discount"] == {"type": "fixed_amount", "amount_cents": 1500, "currency": "EUR"}
    second = Client().call("gift_redeem", {"code": code, "order_id": "o-2"})
    assert second.status == 400 and second.json["code"] == "CODE_ALREADY_REDEEMED"
    assert Client().call("gift_verify", {"code": code}).json["status"] == "redeemed"
    assert Client().call("gift_redeem", {"code": new_code()}).status == 400  # neither email nor order_id


def test_expired_and_revoked_codes(cinq):
    expired, revoked = new_code(), new_code()
    gifts.find(expired).update(actions=[GiftCode.valid_until.set(datetime.now(UTC) - timedelta(seconds=1))])
    gifts.find(revoked).update(actions=[GiftCode.status.set("revoked")])
    assert Client().call("gift_verify", {"code": expired}).json["status"] == "expired"
    assert Client().call("gift_verify", {"code": revoked}).json["status"] == "revoked"
    assert Client().call("gift_redeem", {"code": expired, "order_id": "x"}).json["code"] == "CODE_EXPIRED"
    assert Client().call("gift_redeem", {"code": revoked, "order_id": "x"}).json["code"] == "CODE_REVOKED"


def test_sixteen_parallel_redemptions_of_one_code_exactly_one_wins(cinq):
    code = new_code()

    def redeem(i: int) -> str:
        try:
            gifts.redeem(code, f"racer{i}@example.com", None)
        except RedemptionRace:
            return "409"
        except CodeRedeemed:
            return "400"
        return "200"

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(redeem, range(16)))
    assert outcomes.count("200") == 1
    assert set(outcomes) <= {"200", "409", "400"}


def test_codes_are_drawn_from_an_unambiguous_alphabet():
    drawn = {codes.new_code() for _ in range(200)}
    assert len(drawn) == 200 and all(FORMAT.fullmatch(code) for code in drawn)
