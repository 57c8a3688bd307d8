"""Money, dates and the pt-BR relative times exactly as the original (Laravel, Carbon, pt_BR) showed them."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from invoice_api.formatting import TIMEZONE, diff_for_humans, local_datetime, money

NOW = datetime(2023, 12, 15, 12, 0, tzinfo=TIMEZONE)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("0.01", "R$ 0.01"),
        ("1", "R$ 1.00"),
        ("89.9", "R$ 89.90"),
        ("999.99", "R$ 999.99"),
        ("1000", "R$ 1,000.00"),
        ("3128.00", "R$ 3,128.00"),
        ("9918.00", "R$ 9,918.00"),
        ("12000.00", "R$ 12,000.00"),
        ("1234567.8", "R$ 1,234,567.80"),
        ("9E+3", "R$ 9,000.00"),  # how DynamoDB may hand a number back
        ("999999999999.99", "R$ 999,999,999,999.99"),
    ],
)
def test_money_is_the_specs_format_from_an_exact_decimal(value, shown):
    assert money(Decimal(value)) == shown


def test_money_never_goes_through_a_float():
    # 0.1 + 0.2 in binary floating point is 0.30000000000000004; as decimals it is exact.
    assert money(Decimal("0.1") + Decimal("0.2")) == "R$ 0.30"
    assert money(Decimal("1234567890123.45")) == "R$ 1,234,567,890,123.45"


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        (datetime(2023, 11, 30, 11, 59, 47, tzinfo=UTC), "30/11/2023 08:59:47"),  # the spec's example, UTC-3
        (datetime(2023, 11, 16, 2, 22, 48, tzinfo=UTC), "15/11/2023 23:22:48"),  # the day before, in São Paulo
        (datetime(2018, 12, 1, 12, 0, 0, tzinfo=UTC), "01/12/2018 10:00:00"),  # summer time then (UTC-2)
        (datetime(2024, 1, 5, 3, 4, 5, tzinfo=UTC), "05/01/2024 00:04:05"),
    ],
)
def test_payment_dates_are_d_m_Y_H_i_s_in_sao_paulo(utc, shown):
    assert local_datetime(utc) == shown


AGO = [
    (timedelta(0), "há alguns segundos"),
    (timedelta(seconds=1), "há alguns segundos"),
    (timedelta(seconds=59), "há alguns segundos"),
    (timedelta(minutes=1), "há 1 minuto"),
    (timedelta(minutes=2), "há 2 minutos"),
    (timedelta(minutes=5), "há 5 minutos"),
    (timedelta(minutes=59, seconds=59), "há 59 minutos"),
    (timedelta(hours=1), "há 1 hora"),
    (timedelta(hours=2), "há 2 horas"),
    (timedelta(hours=23, minutes=59), "há 23 horas"),
    (timedelta(days=1), "há 1 dia"),
    (timedelta(days=2), "há 2 dias"),
    (timedelta(days=6, hours=23), "há 6 dias"),
    (timedelta(days=7), "há 1 semana"),
    (timedelta(days=13, hours=23), "há 1 semana"),
    (timedelta(days=14), "há 2 semanas"),
    (timedelta(days=21), "há 3 semanas"),
    (timedelta(days=29), "há 4 semanas"),  # 16/11 12:00: a calendar month back is 15/11
]


@pytest.mark.parametrize(("elapsed", "shown"), AGO)
def test_diff_for_humans_in_the_past(elapsed, shown):
    assert diff_for_humans(NOW - elapsed, NOW) == shown


@pytest.mark.parametrize(("elapsed", "shown"), AGO[1:])  # no difference at all is "há", as in Carbon
def test_diff_for_humans_in_the_future(elapsed, shown):
    assert diff_for_humans(NOW + elapsed, NOW) == shown.replace("há ", "em ")


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2023, 11, 15, 12, 0), "há 1 mês"),
        (datetime(2023, 11, 15, 12, 0, 1), "há 4 semanas"),
        (datetime(2023, 10, 15, 12, 0), "há 2 meses"),
        (datetime(2023, 9, 1), "há 3 meses"),
        (datetime(2023, 1, 15, 12, 0), "há 11 meses"),
        (datetime(2022, 12, 15, 12, 0, 1), "há 11 meses"),
        (datetime(2022, 12, 15, 12, 0), "há 1 ano"),
        (datetime(2021, 12, 15, 12, 0), "há 2 anos"),
        (datetime(2013, 1, 1), "há 10 anos"),
        (datetime(2024, 3, 15, 12, 0), "em 3 meses"),
        (datetime(2025, 1, 1), "em 1 ano"),
    ],
)
def test_diff_for_humans_counts_calendar_months_and_years(moment, shown):
    assert diff_for_humans(moment.replace(tzinfo=TIMEZONE), NOW) == shown


def test_the_specs_two_examples_seen_on_the_same_day():
    # "30/11/2023 08:59:47" -> "há 2 semanas" and "15/11/2023 23:22:48" -> "há 4 semanas" (the spec's list)
    assert diff_for_humans(datetime(2023, 11, 30, 8, 59, 47, tzinfo=TIMEZONE), NOW) == "há 2 semanas"
    assert diff_for_humans(datetime(2023, 11, 15, 23, 22, 48, tzinfo=TIMEZONE), NOW) == "há 4 semanas"


def test_months_are_not_clamped_to_shorter_months_like_php():
    # 31/01 -> 28/02 is not yet "a month" for PHP's DateTime::diff (no 31/02): 4 weeks.
    now = datetime(2023, 2, 28, 12, 0, tzinfo=TIMEZONE)
    assert diff_for_humans(datetime(2023, 1, 31, 12, 0, tzinfo=TIMEZONE), now) == "há 4 semanas"
    assert diff_for_humans(datetime(2023, 1, 28, 12, 0, tzinfo=TIMEZONE), now) == "há 1 mês"


def test_the_difference_is_taken_in_sao_paulo_whatever_the_zones_given():
    moment = datetime(2023, 12, 14, 12, 0, tzinfo=TIMEZONE).astimezone(UTC)
    assert diff_for_humans(moment, NOW.astimezone(UTC)) == "há 1 dia"


def test_sao_paulo_time_needs_no_system_time_zone_database():
    # Lambda's python3.13 image has none: zoneinfo must find the zone in the layer's tzdata package.
    import subprocess
    import sys

    code = "from invoice_api.formatting import TIMEZONE; print(TIMEZONE.key)"
    env = {"PYTHONTZPATH": "", "PYTHONPATH": ":".join(sys.path)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "America/Sao_Paulo"
