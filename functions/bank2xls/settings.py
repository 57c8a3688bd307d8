"""bank2xls's configuration, validated once per cold start."""

from functools import cache

from pydantic import BaseModel, Field, Json

from shared.lifecycle import at_init
from shared.settings import BucketSettings, MailSettings, StripeSettings, TableSettings


class Plan(BaseModel):
    credits: int = Field(gt=0)
    amount: int = Field(gt=0, description="Price in the currency's smallest unit.")
    currency: str = "eur"
    lookup_key: str = Field(alias="lookupKey", description="The Stripe Price's lookup key.")
    name: str = ""


class Bank2xlsSettings(TableSettings, BucketSettings, MailSettings, StripeSettings):
    plans: Json[dict[str, Plan]]
    otp_pepper_secret: str
    secure_cookies: bool = True
    # Where Stripe sends the browser back after checkout / the portal.
    app_url: str


@at_init
@cache
def settings() -> Bank2xlsSettings:
    return Bank2xlsSettings.from_env()
