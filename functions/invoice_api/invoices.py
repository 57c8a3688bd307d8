"""Invoices: the resource as the original showed it, create / replace / change / delete, and the filtered list.

Writes are single conditional requests: an update sets paid and payment_date in one UpdateItem
(`if_not_exists` keeps the date of an invoice that stays paid), so concurrent updates never leave a paid
invoice without a date or an unpaid one with one. The list is served by index queries (see filters.plan); on the indexes
keyed by paid or type, each of them reads the INDEX_SHARDS partitions of its value (models.py).

Ids come from blocks of the counter per execution environment (ids.py): the list is in id order, which is
stable (ids never change, so pages never repeat or skip an invoice between requests) but is not creation
order across environments: a new invoice can land on an earlier page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from itertools import chain
from typing import Any

from pynamodb.expressions.update import Action

from invoice_api import filters, ids, users
from invoice_api.errors import InvoiceNotCreated, InvoiceNotDeleted, InvoiceNotFound, InvoiceNotUpdated
from invoice_api.formatting import PAID, TYPES, diff_for_humans, local_datetime, money
from invoice_api.models import INDEX_SHARDS, Invoice, User, index_shard
from invoice_api.pagination import Page
from invoice_api.schemas import MAX_ID, InvoiceChanges, InvoiceFields, InvoiceResource, InvoiceUser
from shared.dynamo import applied

UNKNOWN_USER = {"user_id": ["The selected user_id is invalid."]}
UNKNOWN_INVOICE = {"invoice_id": ["No invoice has this id."]}
_INDEXES = {
    "ByUser": Invoice.by_user,
    "ByType": Invoice.by_type,
    "ByPaid": Invoice.by_paid,
    "ByPaymentDate": Invoice.by_payment_date,
}
_RANGE_KEYS: Mapping[str, Any] = {"ByType": Invoice.value, "ByPaymentDate": Invoice.payment_date}


def resource(invoice: Invoice, user: User, now: datetime) -> InvoiceResource:
    paid_at = invoice.payment_date
    return InvoiceResource(
        user=InvoiceUser(
            firstName=user.first_name,
            lastName=user.last_name,
            fullName=f"{user.first_name} {user.last_name}",
            email=user.email,
        ),
        type=TYPES[invoice.type],  # type: ignore[arg-type]
        value=money(invoice.value),
        paid=PAID[int(invoice.paid)],  # type: ignore[arg-type]
        paymentDate=local_datetime(paid_at) if paid_at else None,
        paymentSince=diff_for_humans(paid_at, now) if paid_at else None,
        id=int(invoice.invoice_id),
    )


def show(invoice_id: int) -> InvoiceResource:
    invoice = _find(invoice_id)
    if invoice is None:
        raise InvoiceNotFound()
    return _present(invoice)


def create(fields: InvoiceFields) -> InvoiceResource:
    user = users.find(fields.user_id)
    if user is None:
        raise InvoiceNotCreated(errors=UNKNOWN_USER)
    now = _now()
    invoice_id = ids.next_id("invoice")
    invoice = Invoice(
        *Invoice.key(invoice_id),
        invoice_id=invoice_id,
        user_id=fields.user_id,
        type=fields.type,
        paid=fields.paid,
        value=fields.value,
        payment_date=now if fields.paid else None,
        created_at=now,
        updated_at=now,
    ).shard_index_keys()
    invoice.save(condition=Invoice.pk.does_not_exist())
    return resource(invoice, user, now)


def replace(invoice_id: int, fields: InvoiceFields) -> InvoiceResource:
    """PUT: every field is given."""
    return change(invoice_id, InvoiceChanges.model_validate(fields.model_dump()))


def change(invoice_id: int, changes: InvoiceChanges) -> InvoiceResource:
    """PATCH (and PUT): the given fields; paid 0 -> 1 sets payment_date to now, 1 -> 0 clears it."""
    given = changes.model_dump(exclude_unset=True)
    if "user_id" in given and users.find(given["user_id"]) is None:
        raise InvoiceNotUpdated(errors=UNKNOWN_USER)
    now = _now()
    actions: list[Action] = [Invoice.updated_at.set(now)]
    for name in ("user_id", "type", "value"):
        if name in given:
            actions.append(getattr(Invoice, name).set(given[name]))
    if "type" in given:
        actions.append(Invoice.type_shard.set(index_shard(given["type"], invoice_id)))
    if given.get("paid") == 1:
        actions += [Invoice.paid.set(1), Invoice.payment_date.set(Invoice.payment_date | now)]
    elif given.get("paid") == 0:
        actions += [Invoice.paid.set(0), Invoice.payment_date.remove()]
    if given.get("paid") in (0, 1):
        actions.append(Invoice.paid_shard.set(index_shard(given["paid"], invoice_id)))
    invoice = Invoice(*Invoice.key(invoice_id))
    if not 1 <= invoice_id <= MAX_ID or not applied(
        lambda: invoice.update(actions=actions, condition=Invoice.pk.exists())
    ):
        raise InvoiceNotUpdated(errors=UNKNOWN_INVOICE)
    return _present(invoice, now)


def delete(invoice_id: int) -> None:
    invoice = Invoice(*Invoice.key(invoice_id))
    if not 1 <= invoice_id <= MAX_ID or not applied(lambda: invoice.delete(condition=Invoice.pk.exists())):
        raise InvoiceNotDeleted(errors=UNKNOWN_INVOICE)


def listing(
    conditions: list[filters.Condition], number: int, per_page: int, path: str, query: Iterable[tuple[str, str]]
) -> tuple[list[InvoiceResource], Page]:
    """One page of the invoices matching every condition, in id order, and its Laravel pagination."""
    found: dict[int, Invoice] = {}
    for index_query in filters.plan(conditions):
        for invoice in _query(index_query):
            if filters.matches(conditions, _filterable(invoice)):
                found[int(invoice.invoice_id)] = invoice
    ordered = [found[invoice_id] for invoice_id in sorted(found)]
    offset = (number - 1) * per_page
    on_page = ordered[offset : offset + per_page]
    owners = users.by_id(int(invoice.user_id) for invoice in on_page)
    now = _now()
    resources = [resource(invoice, owners[int(invoice.user_id)], now) for invoice in on_page]
    others = tuple((name, value) for name, value in query if name != "page")
    return resources, Page(number, per_page, len(ordered), len(on_page), path, others)


def _query(index_query: filters.IndexQuery) -> Iterable[Invoice]:
    condition = None
    if index_query.bounds is not None:
        key, low, high = _RANGE_KEYS[index_query.index], index_query.bounds.low, index_query.bounds.high
        if low is not None and high is not None:
            condition = key.between(low, high)
        elif low is not None:
            condition = key >= low
        else:
            condition = key <= high
    index = _INDEXES[index_query.index]
    if index_query.index == "ByUser":
        return index.query(index_query.hash_key, range_key_condition=condition)
    shards = (index_shard(index_query.hash_key, shard) for shard in range(INDEX_SHARDS))
    return chain.from_iterable(index.query(key, range_key_condition=condition) for key in shards)


def _filterable(invoice: Invoice) -> dict[str, Any]:
    return {
        "type": invoice.type,
        "paid": int(invoice.paid),
        "value": invoice.value,
        "payment_date": invoice.payment_date,
        "user_id": int(invoice.user_id),
    }


def _find(invoice_id: int) -> Invoice | None:
    if not 1 <= invoice_id <= MAX_ID:
        return None
    try:
        return Invoice.get(*Invoice.key(invoice_id), consistent_read=True)
    except Invoice.DoesNotExist:
        return None


def _present(invoice: Invoice, now: datetime | None = None) -> InvoiceResource:
    user = users.find(int(invoice.user_id))
    if user is None:
        raise LookupError(f"invoice {invoice.invoice_id} belongs to no user")
    return resource(invoice, user, now or _now())


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
