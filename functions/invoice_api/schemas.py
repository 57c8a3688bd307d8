"""invoice_api's request and response bodies; field descriptions become the OpenAPI document.

Responses are the spec's shapes, field for field and in its order; `id` on an invoice and `errors` on
a refusal are additions. Request values are checked like the original's validator rules, and an
amount is an exact decimal (JSON numbers are read as decimals, never floats).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator

from shared.validation import Text

MAX_ID = 10**15 - 1
MAX_VALUE = Decimal("999999999999.99")
CENT = Decimal("0.01")


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


# ------------------------------------------------------------------ requests


def _whole_number(value: Any) -> Any:
    """An integer, or a string of digits (the original accepted form values); never a bool or a fraction."""
    if isinstance(value, bool):
        raise ValueError("not an integer")
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _amount(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        raise ValueError("not a number")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_VALUE or amount != amount.quantize(CENT):
        raise ValueError("must be greater than 0, at most 999999999999.99, with at most two decimals")
    return amount.quantize(CENT)


def _trimmed(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value  # Laravel's TrimStrings middleware


UserId = Annotated[
    int,
    BeforeValidator(_whole_number),
    Field(ge=1, le=MAX_ID, description="An existing user's id.", strict=True),
]
InvoiceType = Annotated[
    Literal["P", "B", "C"],
    BeforeValidator(_trimmed),
    Field(description="P: Pix, B: Boleto, C: Cartão."),
]
PaidFlag = Annotated[
    Literal[0, 1],
    BeforeValidator(_whole_number),
    Field(description="0: not paid, 1: paid (sets payment_date to now; 1 to 0 clears it)."),
]
Amount = Annotated[
    Decimal,
    BeforeValidator(_amount),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0, "maximum": 999999999999.99, "multipleOf": 0.01},
                {"type": "string", "pattern": r"^\s*\d{1,12}(\.\d{1,2})?\s*$"},
            ],
            "description": "Greater than 0, at most two decimals.",
        }
    ),
]


class Login(Body):
    email: Text = Field(max_length=320)
    password: Text = Field(max_length=256)


class InvoiceFields(Body):
    """POST and PUT: every field."""

    user_id: UserId
    type: InvoiceType
    paid: PaidFlag
    value: Amount


class InvoiceChanges(Body):
    """PATCH: the fields to change (null is not a value)."""

    user_id: UserId | None = None
    type: InvoiceType | None = None
    paid: PaidFlag | None = None
    value: Amount | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null")
        return value


# ----------------------------------------------------------------- responses


class Token(BaseModel):
    token: str = Field(description="`<id>|<secret>`: send it as `Authorization: Bearer <token>`.")


class Authorized(BaseModel):
    message: str = "Authorized"
    status: int = 200
    data: Token


class Done(BaseModel):
    message: str
    status: int = 200
    data: list[Any] = Field(default_factory=list, max_length=0)


class UserResource(BaseModel):
    first_name: str
    last_name: str
    full_name: str
    email: str


class Users(BaseModel):
    data: list[UserResource]


class OneUser(BaseModel):
    data: UserResource


class InvoiceUser(BaseModel):
    firstName: str
    lastName: str
    fullName: str
    email: str


class InvoiceResource(BaseModel):
    user: InvoiceUser
    type: Literal["Pix", "Boleto", "Cartão"]
    value: str = Field(description='"R$ 9,918.00"')
    paid: Literal["Pago", "Não Pago"]
    paymentDate: str | None = Field(description="d/m/Y H:i:s, São Paulo time; null when not paid.")
    paymentSince: str | None = Field(description='pt-BR relative time ("há 2 semanas"); null when not paid.')
    id: int = Field(description="Not in the original API's resource: added so clients can address the invoice.")


class OneInvoice(BaseModel):
    data: InvoiceResource


class InvoiceSaved(BaseModel):
    message: str
    status: int = 200
    data: InvoiceResource


class PageLinks(BaseModel):
    first: str
    last: str
    prev: str | None
    next: str | None


class PageLink(BaseModel):
    url: str | None
    label: str
    active: bool


class PageMeta(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    current_page: int
    from_: int | None = Field(alias="from")
    last_page: int
    links: list[PageLink]
    path: str
    per_page: int
    to: int | None
    total: int


class InvoicePage(BaseModel):
    data: list[InvoiceResource]
    links: PageLinks
    meta: PageMeta


class Failure(BaseModel):
    message: str
    status: int
    data: list[Any] = Field(max_length=0)
    errors: dict[str, list[str]] | None = Field(default=None, description="Added: which fields were refused, and why.")
