"""cinq's request and response bodies (specs/cinq.md); their descriptions become the OpenAPI document.

Times are strings already formatted as the spec shows them (ISO 8601 UTC with milliseconds and a Z,
`shared.timefmt`), not datetimes: pydantic would write microseconds.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from shared.validation import Text

GiftStatus = Literal["active", "redeemed", "expired", "revoked"]
ISO_TIME = "ISO 8601 UTC with milliseconds, e.g. 2026-01-31T10:00:00.000Z."

# Requests.


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class WaitlistJoin(Body):
    email: Text = Field(max_length=320)
    referrer: Text | None = Field(default=None, max_length=200)
    utm_source: Text | None = Field(default=None, max_length=200)
    utm_medium: Text | None = Field(default=None, max_length=200)
    utm_campaign: Text | None = Field(default=None, max_length=200)


class GiftCreate(Body):
    amount_cents: StrictInt = Field(ge=1, le=50_000, description="Amount in cents (max 50000).")
    currency: Text = Field(default="EUR", pattern="^(EUR|USD|GBP)$")
    purchaser_email: Text | None = Field(default=None, max_length=320)
    purchaser_name: Text | None = Field(default=None, max_length=200)
    purchase_order_id: Text | None = Field(default=None, max_length=200)
    recipient_email: Text | None = Field(default=None, max_length=320)
    recipient_name: Text | None = Field(default=None, max_length=200)
    gift_message: Text | None = Field(default=None, max_length=500)
    expires_days: StrictInt = Field(default=365, ge=1, le=730)


class CodeBody(Body):
    code: Text = Field(max_length=64, description="CINQ-XXXX-XXXX-XXXX")


class GiftRedeem(CodeBody):
    email: Text | None = Field(default=None, max_length=320)
    order_id: Text | None = Field(default=None, max_length=200)


class Register(Body):
    email: Text = Field(max_length=320)
    password: Text = Field(max_length=256, description="At least 8 characters, a letter and a digit.")
    giftCode: Text = Field(max_length=64)


class Login(Body):
    email: Text = Field(max_length=320)
    password: Text = Field(max_length=256)


class ProfileAction(Body):
    action: Text = Field(pattern="^(add_contact|remove_contact)$")
    email: Text | None = Field(default=None, max_length=320, description="For add_contact.")
    contact_id: Text | None = Field(default=None, max_length=64, description="For remove_contact.")


class ContactAdd(Body):
    email: Text = Field(max_length=320)


class MessageSend(Body):
    contact_id: UUID = Field(description="The contact's user id (a UUID; anything else is 400).")
    content: Text | None = Field(default=None, max_length=2000, description="1 to 500 characters.")
    is_ping: StrictBool = False


class BtcpayEvent(Body):
    """A BTCPay Server webhook delivery, as far as cinq reads it: the amount is read back from BTCPay."""

    type: str | None = Field(default=None, description="InvoiceSettled and InvoicePaymentSettled buy a gift code.")
    invoiceId: str | None = None
    storeId: str | None = None
    metadata: dict[str, Any] | None = Field(default=None, description="buyerEmail, buyerName, recipientName, orderId.")
    deliveryId: str | None = None
    originalDeliveryId: str | None = Field(default=None, description="Set on a redelivery: the first delivery's id.")


# Answers.


class Answer(BaseModel):
    """Documented as written: every field is always present (a default is a fixed value, not an omission)."""

    model_config = ConfigDict(
        json_schema_mode_override="serialization", json_schema_serialization_defaults_required=True
    )


class Amount(Answer):
    cents: int
    formatted: str = Field(description='"15.00 EUR"')


class GiftSummary(Answer):
    id: str
    prefix: str = Field(description="CINQ-XXXX: enough to talk about a code, not to use it.")
    amount: Amount
    currency: str
    expires_at: str = Field(description=ISO_TIME)
    created_at: str = Field(description=ISO_TIME)


class ContactView(Answer):
    id: str = Field(description="The contact's id (DELETE /api/contacts?id=).")
    user_id: str = Field(description="The contact's user id (the messages' contact_id).")
    email: str
    added_at: str = Field(description=ISO_TIME)


class MessageView(Answer):
    id: str
    sender_id: str
    receiver_id: str
    content: str = Field(description="The text, or 💫 for a ping.")
    is_ping: bool
    is_mine: bool = Field(description="Sent by the caller.")
    created_at: str = Field(description=ISO_TIME)


class WaitlistCount(Answer):
    count: int


class WaitlistJoined(Answer):
    success: bool = True
    message: str = "Bienvenue dans le cercle !"
    count: int = Field(description="The waitlist's size with this sign-up.")


class GiftCreated(Answer):
    """The new gift code."""

    success: bool = True
    code: str = Field(description="The code, shown this once: only its keyed hash is stored.")
    gift_code: GiftSummary
    message: str = "Gift code created successfully. Store this code securely - it cannot be retrieved later."


class EventAcknowledged(Answer):
    """A Stripe event that buys nothing (or nothing more: a redelivery)."""

    success: bool = True
    message: str = "Event acknowledged"


class GiftVerification(Answer):
    success: bool = True
    valid: bool = Field(description="Active: it can be redeemed.")
    code_prefix: str
    status: GiftStatus
    amount: Amount
    currency: str
    expires_at: str = Field(description=ISO_TIME)
    days_until_expiry: int
    message: str


class Redemption(Answer):
    id: str
    amount: Amount
    currency: str
    redeemed_at: str = Field(description=ISO_TIME)
    email: str | None


class Discount(Answer):
    type: Literal["fixed_amount"] = "fixed_amount"
    amount_cents: int
    currency: str


class GiftRedeemed(Answer):
    success: bool = True
    redemption: Redemption
    discount: Discount
    message: str = "Gift code successfully redeemed!"


class RegisteredUser(Answer):
    id: str
    email: str
    created_at: str = Field(description=ISO_TIME)


class Registered(Answer):
    success: bool = True
    message: str = "Welcome to CINQ! 🎉"
    user: RegisteredUser
    requiresLogin: bool = True


class Session(Answer):
    access_token: str = Field(description="A JWT for `Authorization: Bearer`, valid expires_in seconds.")
    refresh_token: str
    expires_at: int = Field(description="Unix time.")
    expires_in: int
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (a token type, not a secret)


class SessionUser(Answer):
    id: str
    email: str
    created_at: str = Field(description=ISO_TIME)
    contact_count: int
    contact_limit: int
    unread_messages: int


class LoggedIn(Answer):
    success: bool = True
    session: Session
    user: SessionUser


class ProfileView(Answer):
    id: str
    email: str
    created_at: str = Field(description=ISO_TIME)
    member_since: str = Field(description=ISO_TIME)


class CircleView(Answer):
    count: int
    limit: int
    remaining: int
    list: list[ContactView]


class MessagesTotal(Answer):
    total: int = Field(description="Messages and pings sent and received.")


class Overview(Answer):
    success: bool = True
    profile: ProfileView
    contacts: CircleView
    messages: MessagesTotal


class ProfileContactAdded(Answer):
    """add_contact: the contact added."""

    success: bool = True
    message: str = "Contact added successfully"
    contact: ContactView
    contacts_remaining: int


class ProfileContactRemoved(Answer):
    """remove_contact: the contact is gone."""

    success: bool = True
    message: str = "Contact removed"
    contacts_remaining: int


class ContactList(Answer):
    success: bool = True
    contacts: list[ContactView]
    count: int
    limit: int
    remaining: int


class ContactAdded(Answer):
    success: bool = True
    message: str = "Contact ajouté !"
    contact: ContactView
    count: int
    remaining: int


class ContactRemoved(Answer):
    success: bool = True
    message: str = "Contact retiré"
    removed_id: str
    count: int
    remaining: int


class Conversation(Answer):
    success: bool = True
    messages: list[MessageView] = Field(description="Oldest first.")
    contact_id: str
    count: int


class MessageSent(Answer):
    success: bool = True
    message: MessageView


class BtcpayGift(Answer):
    id: str
    prefix: str
    amount: Amount
    expiresAt: str = Field(description=ISO_TIME)


class BtcpayGiftCreated(Answer):
    success: bool = True
    message: str = "Gift code created successfully"
    requestId: str
    invoiceId: str
    giftCode: BtcpayGift
    action: Literal["created"] = "created"


class BtcpayAlreadyProcessed(Answer):
    """A redelivery of a settled invoice's event: its gift code exists."""

    success: bool = True
    message: str = "Already processed"
    requestId: str
    invoiceId: str
    action: Literal["already_processed"] = "already_processed"


class BtcpayAcknowledged(Answer):
    """Any other event: nothing to do."""

    success: bool = True
    message: str = "Event acknowledged"
    requestId: str
    type: str | None
    action: Literal["acknowledged"] = "acknowledged"


BtcpayOutcome = BtcpayGiftCreated | BtcpayAlreadyProcessed | BtcpayAcknowledged


class Failure(BaseModel):
    """Every refusal; a 429 has `retryAfter` (seconds) instead of `code`."""

    success: bool = False
    error: str
    code: str | None = None
    retryAfter: int | None = None
