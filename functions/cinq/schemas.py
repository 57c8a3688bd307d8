"""cinq's request bodies; descriptions become the OpenAPI document. Responses are the spec's dicts."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from shared.validation import Text


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
    email: Text | None = Field(default=None, max_length=320)
    contact_id: Text | None = Field(default=None, max_length=64)


class ContactAdd(Body):
    email: Text = Field(max_length=320)


class MessageSend(Body):
    contact_id: UUID = Field(description="The contact's user id (a UUID; anything else is 400).")
    content: Text | None = Field(default=None, max_length=2000, description="1 to 500 characters.")
    is_ping: StrictBool = False
