"""POST, GET, PUT, PATCH and DELETE of one invoice: the documented messages, refusals and payment dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from invoice_api.formatting import local_datetime
from invoice_api.models import Invoice
from tests.integration.invoice_api.conftest import Client

INVOICE = {"user_id": 1, "type": "P", "paid": 0, "value": 12000}
VALUE_RULE = "The value field must be a number greater than 0 with at most two decimals."


def created(api: Client, **fields) -> dict:
    answer = api.call("invoice_create", {**INVOICE, **fields})
    assert answer.status == 200, answer.json
    return answer.json["data"]


def test_create_as_documented(api):
    # Given the spec's example body (an unpaid Pix of 12,000.00 for user 1)
    answer = api.call("invoice_create", INVOICE)
    # Then the spec's envelope and resource, field for field, with the invoice's id added last
    assert answer.status == 200
    invoice_id = answer.json["data"]["id"]
    assert answer.text == (
        '{"message":"Invoice created","status":200,"data":{"user":{"firstName":"Example","lastName":"One",'
        '"fullName":"Example One","email":"example.one@example.com"},"type":"Pix","value":"R$ 12,000.00",'
        f'"paid":"Não Pago","paymentDate":null,"paymentSince":null,"id":{invoice_id}}}}}'
    )
    assert api.call("invoice_show", path={"invoice_id": str(invoice_id)}).json == {"data": answer.json["data"]}


def test_the_event_files_body_creates_a_paid_invoice_dated_now(api):
    before = datetime.now(UTC).replace(microsecond=0)
    data = api.call("invoice_create").json["data"]  # {"user_id": 1, "type": "P", "paid": 1, "value": 9000.00}
    assert (data["type"], data["value"], data["paid"], data["paymentSince"]) == (
        "Pix",
        "R$ 9,000.00",
        "Pago",
        "há alguns segundos",
    )
    stored = Invoice.get(*Invoice.key(data["id"]))
    assert before <= stored.payment_date <= datetime.now(UTC)
    assert data["paymentDate"] == local_datetime(stored.payment_date)


def test_ids_increase_within_an_execution_environment(api):
    # ids come from this environment's block of the counter (invoice_api.ids): unique, increasing here
    first, second = created(api)["id"], created(api)["id"]
    assert second > first


def test_values_are_exact_decimals(api):
    assert created(api, value=0.1)["value"] == "R$ 0.10"
    assert created(api, value="1234567.89")["value"] == "R$ 1,234,567.89"
    assert created(api, value=999999999999.99)["value"] == "R$ 999,999,999,999.99"
    invoice_id = created(api, value=9000.10)["id"]
    assert Invoice.get(*Invoice.key(invoice_id)).value == Decimal("9000.10")
    # As a float, 1.0000000000000001 is 1.0: read as a decimal it has too many decimals, and is refused.
    body = '{"user_id": 1, "type": "P", "paid": 0, "value": 1.0000000000000001}'
    assert api.call("invoice_create", raw=body).json["errors"] == {"value": [VALUE_RULE]}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"type": "P", "paid": 0, "value": 10}, ["user_id"]),
        ({**INVOICE, "user_id": 999}, ["user_id"]),
        ({**INVOICE, "user_id": "abc"}, ["user_id"]),
        ({**INVOICE, "type": "X"}, ["type"]),
        ({**INVOICE, "type": "p"}, ["type"]),
        ({**INVOICE, "paid": 2}, ["paid"]),
        ({**INVOICE, "paid": True}, ["paid"]),
        ({**INVOICE, "value": 0}, ["value"]),
        ({**INVOICE, "value": -5}, ["value"]),
        ({**INVOICE, "value": 1.234}, ["value"]),
        ({**INVOICE, "value": "9,000.00"}, ["value"]),
        ({**INVOICE, "value": 1e13}, ["value"]),
        ({**INVOICE, "value": None}, ["value"]),
        ({}, ["user_id", "type", "paid", "value"]),
    ],
)
def test_any_invalid_field_is_400_invoice_not_created_naming_it(api, body, fields):
    answer = api.call("invoice_create", body)
    assert answer.status == 400
    assert {k: answer.json[k] for k in ("message", "status", "data")} == {
        "message": "Invoice not created",
        "status": 400,
        "data": [],
    }
    assert sorted(answer.json["errors"]) == sorted(fields)


def test_a_body_that_is_not_an_object_is_refused_in_the_envelope(api):
    for raw in ("{broken", "[1, 2]", '"text"'):
        answer = api.call("invoice_create", raw=raw)
        assert (answer.status, answer.json["message"]) == (400, "Invoice not created"), raw
    plain = api.call("invoice_create", raw="user_id=1", headers={"content-type": "text/plain"})
    assert (plain.status, plain.json["message"]) == (400, "Invoice not created")


def test_show_of_an_unknown_or_non_integer_id_is_404(api):
    for invoice_id in ("99999", "0", "-3", "abc", "1.5"):
        answer = api.call("invoice_show", path={"invoice_id": invoice_id})
        assert (answer.status, answer.json) == (404, {"message": "Invoice not found", "status": 404, "data": []})


def test_put_replaces_every_field(api):
    invoice_id = created(api)["id"]
    answer = api.call(
        "invoice_update", {"user_id": 3, "type": "C", "paid": 0, "value": "3128"}, path={"invoice_id": str(invoice_id)}
    )
    assert answer.status == 200 and answer.json["message"] == "Invoice updated"
    data = answer.json["data"]
    assert (data["user"]["fullName"], data["type"], data["value"], data["paid"]) == (
        "Example Three",
        "Cartão",
        "R$ 3,128.00",
        "Não Pago",
    )
    assert answer.json == {"message": "Invoice updated", "status": 200, "data": data}


def test_put_needs_every_field(api):
    invoice_id = created(api)["id"]
    answer = api.call("invoice_update", {"type": "B"}, path={"invoice_id": str(invoice_id)})
    assert (answer.status, answer.json["message"]) == (400, "Invoice not updated")
    assert sorted(answer.json["errors"]) == ["paid", "user_id", "value"]


def test_patch_changes_only_the_given_fields(api):
    invoice_id = created(api)["id"]
    answer = api.call("invoice_update_patch", {"value": 45.5}, path={"invoice_id": str(invoice_id)})
    assert answer.status == 200
    assert answer.json["data"] | {"value": "R$ 12,000.00"} == created_view(api, invoice_id) | {"value": "R$ 12,000.00"}
    assert answer.json["data"]["value"] == "R$ 45.50" and answer.json["data"]["type"] == "Pix"
    assert api.call("invoice_update_patch", {}, path={"invoice_id": str(invoice_id)}).status == 200


def created_view(api: Client, invoice_id: int) -> dict:
    return api.call("invoice_show", path={"invoice_id": str(invoice_id)}).json["data"]


def test_paid_0_to_1_sets_the_date_1_to_1_keeps_it_1_to_0_clears_it(api):
    invoice_id = created(api)["id"]
    path = {"invoice_id": str(invoice_id)}
    # 0 -> 1: now
    paid = api.call("invoice_update_patch", {"paid": 1}, path=path).json["data"]
    assert paid["paid"] == "Pago" and paid["paymentSince"] == "há alguns segundos"
    # 1 -> 1 keeps the original date (made older here to tell them apart)
    older = datetime.now(UTC).replace(microsecond=0) - timedelta(days=15)
    Invoice(*Invoice.key(invoice_id)).update(actions=[Invoice.payment_date.set(older)])
    again = api.call("invoice_update", {**INVOICE, "paid": 1}, path=path).json["data"]
    assert again["paymentDate"] == local_datetime(older) and again["paymentSince"] == "há 2 semanas"
    # 1 -> 0 clears it, and the invoice leaves the payment-date index
    unpaid = api.call("invoice_update_patch", {"paid": "0"}, path=path).json["data"]
    assert (unpaid["paid"], unpaid["paymentDate"], unpaid["paymentSince"]) == ("Não Pago", None, None)
    assert Invoice.get(*Invoice.key(invoice_id)).payment_date is None


@pytest.mark.parametrize("name", ["invoice_update", "invoice_update_patch"])
def test_updates_refused_are_400_invoice_not_updated(api, name):
    invoice_id = str(created(api)["id"])
    cases = [
        ({**INVOICE, "value": 0}, invoice_id, "value"),
        ({**INVOICE, "user_id": 42}, invoice_id, "user_id"),
        ({**INVOICE, "paid": None}, invoice_id, "paid"),
        (INVOICE, "999999", "invoice_id"),
        (INVOICE, "abc", "invoice_id"),
    ]
    for body, target, field in cases:
        answer = api.call(name, body, path={"invoice_id": target})
        assert (answer.status, answer.json["message"], answer.json["data"]) == (400, "Invoice not updated", []), body
        assert field in answer.json["errors"], answer.json


def test_delete_then_it_is_gone(api):
    invoice_id = str(created(api)["id"])
    answer = api.call("invoice_delete", path={"invoice_id": invoice_id})
    assert (answer.status, answer.json) == (200, {"message": "Invoice deleted", "status": 200, "data": []})
    assert api.call("invoice_show", path={"invoice_id": invoice_id}).status == 404
    again = api.call("invoice_delete", path={"invoice_id": invoice_id})
    assert (again.status, again.json["message"], again.json["data"]) == (400, "Invoice not deleted", [])
    for bad in ("abc", "0", "1.5"):
        assert api.call("invoice_delete", path={"invoice_id": bad}).json["message"] == "Invoice not deleted"
