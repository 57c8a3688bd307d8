"""Amounts in cents and how cinq shows them ("15.00 EUR")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CURRENCIES = ("EUR", "USD", "GBP")


def amount(cents: int, currency: str) -> dict[str, object]:
    return {"cents": cents, "formatted": f"{Decimal(cents) / 100:.2f} {currency}"}


def to_cents(value: Decimal) -> int:
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
