"""bank2xls's request and response bodies; descriptions become the OpenAPI document."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictFloat, StrictInt

from shared.validation import Text


class OtpRequest(BaseModel):
    email: Text = Field(max_length=320, description="Where to send the 6-digit code.")


class OtpSent(BaseModel):
    status: Literal["OTP_SENT"] = "OTP_SENT"
    message: str = "Code envoyé par email"


class OtpVerify(BaseModel):
    email: Text = Field(max_length=320)
    otp: Text = Field(max_length=12, description="The 6-digit code received by e-mail.")


class Authenticated(BaseModel):
    status: Literal["AUTHENTICATED"] = "AUTHENTICATED"
    userId: str
    isNewUser: bool


class LoggedOut(BaseModel):
    status: Literal["LOGGED_OUT"] = "LOGGED_OUT"


class FreeDaily(BaseModel):
    limit: int
    usedToday: int
    remaining: int
    resetAt: str


class AnonymousBalance(BaseModel):
    mode: Literal["anonymous"]
    freeDaily: FreeDaily


class PaidCredits(BaseModel):
    balance: int
    lastUpdate: str


class Subscription(BaseModel):
    status: str = Field(description="none, active, past_due, canceled…")
    planId: str | None
    nextInvoiceAt: str | None
    endsAt: str | None = Field(
        None, description="Cancelled at the end of its period (billing portal): when it ends; else null"
    )


class AuthenticatedBalance(BaseModel):
    mode: Literal["authenticated"]
    paidCredits: PaidCredits
    subscription: Subscription
    rollover: bool


# Seconds, kept to the millisecond: DynamoDB numbers cannot hold magnitudes like 1e-159.
Seconds = Annotated[StrictFloat, Field(ge=0, le=86_400), AfterValidator(lambda value: round(value, 3))]


class ConversionMetadata(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fileName: Text | None = Field(default=None, max_length=255)
    fileSize: StrictInt | None = Field(default=None, ge=0, le=10**12)
    processingTime: Seconds | None = None


class ConsumeRequest(BaseModel):
    reason: Text = Field(default="bank2xls_conversion", min_length=1, max_length=64)
    amount: StrictInt = Field(default=1, gt=0, le=10_000)
    requestId: Text | None = Field(
        default=None, min_length=1, max_length=128, description="Makes the call idempotent: a retry replays the answer."
    )
    metadata: ConversionMetadata | None = None
    fileName: Text | None = Field(default=None, max_length=255)
    fileSize: StrictInt | None = Field(default=None, ge=0, le=10**12)
    processingTime: Seconds | None = None

    def conversion_metadata(self) -> dict[str, object] | None:
        merged = {
            **{
                k: v
                for k, v in {
                    "fileName": self.fileName,
                    "fileSize": self.fileSize,
                    "processingTime": self.processingTime,
                }.items()
                if v is not None
            },
            **(self.metadata.model_dump(exclude_none=True) if self.metadata else {}),
        }
        return merged or None


class FreeConsumed(BaseModel):
    debited: int
    type: Literal["free-daily"]
    date: str
    remainingToday: int


class PaidConsumed(BaseModel):
    debited: int
    newBalance: int
    entryId: str


# A debit's answer: the free daily credit, or paid credits. (Validated in this order: a paid answer has no `type`.)
Consumed = FreeConsumed | PaidConsumed


class CheckoutRequest(BaseModel):
    planId: Text = Field(max_length=64, description="A configured plan, e.g. monthly_100.")


class CheckoutCreated(BaseModel):
    checkoutUrl: str


class PortalCreated(BaseModel):
    portalUrl: str


class Invoice(BaseModel):
    id: str
    amount: int
    currency: str
    status: str | None
    created: str
    invoiceUrl: str | None


class Invoices(BaseModel):
    invoices: list[Invoice]


class Conversion(BaseModel):
    conversionId: str
    userId: str | None
    sessionId: str
    type: str
    cost: int
    status: str
    createdAt: str
    metadata: dict[str, object]


class History(BaseModel):
    conversions: list[Conversion]


class Health(BaseModel):
    status: Literal["ok", "error"]
    time: str
    dynamo: str
    s3: str
    stripe: str
    ses: str


class WebhookProcessed(BaseModel):
    status: Literal["processed"] = "processed"
