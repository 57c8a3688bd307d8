"""How the original (Laravel, pt-BR) showed an invoice: money, dates and Carbon-like relative times.

Amounts are exact decimals from end to end (never a float); times are stored in UTC and shown in
America/Sao_Paulo, the original's application timezone.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("America/Sao_Paulo")
CENT = Decimal("0.01")
TYPES = {"P": "Pix", "B": "Boleto", "C": "Cartão"}
PAID = {0: "Não Pago", 1: "Pago"}

# Carbon's pt / pt_BR unit names (src/Carbon/Lang/pt.php): singular, plural.
_UNITS = {
    "year": ("ano", "anos"),
    "month": ("mês", "meses"),
    "week": ("semana", "semanas"),
    "day": ("dia", "dias"),
    "hour": ("hora", "horas"),
    "minute": ("minuto", "minutos"),
}
_A_FEW_SECONDS = "alguns segundos"


def money(value: Decimal) -> str:
    """ "R$ 9,918.00": PHP's number_format($value, 2) after "R$ " (comma thousands, dot decimals)."""
    return f"R$ {value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def local_datetime(moment: datetime) -> str:
    """ "30/11/2023 08:59:47": Carbon's d/m/Y H:i:s in São Paulo time."""
    return moment.astimezone(TIMEZONE).strftime("%d/%m/%Y %H:%M:%S")


def diff_for_humans(moment: datetime, now: datetime) -> str:
    """ "há 2 semanas", "em 3 dias": Carbon's diffForHumans() relative to now, one part, truncated, pt_BR.

    The largest non-zero calendar unit wins (years, months, weeks, days, hours, minutes), counted on São
    Paulo wall-clock time like PHP's DateTime::diff; under a minute is "alguns segundos".
    """
    earlier, later = sorted((moment.astimezone(TIMEZONE), now.astimezone(TIMEZONE)))
    phrase = _span(earlier.replace(tzinfo=None), later.replace(tzinfo=None))
    return f"em {phrase}" if moment > now else f"há {phrase}"


def _span(earlier: datetime, later: datetime) -> str:
    months = (later.year * 12 + later.month) - (earlier.year * 12 + earlier.month)
    if _clock(later) < _clock(earlier):
        months -= 1  # the last month is not complete yet (no day clamping, as PHP's diff)
    if months >= 12:
        return _count(months // 12, "year")
    if months >= 1:
        return _count(months, "month")
    elapsed = later - earlier
    if elapsed.days >= 7:
        return _count(elapsed.days // 7, "week")
    if elapsed.days >= 1:
        return _count(elapsed.days, "day")
    if elapsed.seconds >= 3600:
        return _count(elapsed.seconds // 3600, "hour")
    if elapsed.seconds >= 60:
        return _count(elapsed.seconds // 60, "minute")
    return _A_FEW_SECONDS


def _clock(moment: datetime) -> tuple[int, int, int, int, int]:
    return moment.day, moment.hour, moment.minute, moment.second, moment.microsecond


def _count(count: int, unit: str) -> str:
    singular, plural = _UNITS[unit]
    return f"{count} {singular if count == 1 else plural}"
