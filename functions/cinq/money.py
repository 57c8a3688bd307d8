"""Amounts in cents and how cinq shows them ("15.00 EUR")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from cinq.schemas import Amount

CURRENCIES = ("EUR", "USD", "GBP")


def amount(cents: int, currency: str) -> Amount:
    return Amount(cents=cents, formatted=f"{Decimal(cents) / 100:.2f} {currency}")


def to_cents(value: Decimal) -> int:
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
