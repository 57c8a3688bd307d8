"""Function configuration: small pydantic models read from the environment once per cold start.

Each function composes the mixins it needs; the variable names are the field
names in upper case, exactly as template.yaml sets them.
"""

from __future__ import annotations

import os
from typing import Self

from pydantic import BaseModel, ConfigDict, Field


class EnvSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    @classmethod
    def from_env(cls) -> Self:
        return cls.model_validate({key.lower(): value for key, value in os.environ.items()})


class TableSettings(EnvSettings):
    table_name: str = Field(min_length=3)


class BucketSettings(EnvSettings):
    bucket_name: str = Field(min_length=3)


class LightningSettings(EnvSettings):
    lightning_api_url: str
    # Name or ARN of the Secrets Manager secret holding the wallet's invoice key.
    lightning_api_key_secret: str
    lightning_timeout_seconds: float = 5.0  # one call, no retry: well under the function's 15 s


class MailSettings(EnvSettings):
    mail_sender: str


class StripeSettings(EnvSettings):
    stripe_api_base: str = "https://api.stripe.com"
    # Names or ARNs of Secrets Manager secrets.
    stripe_secret_key_secret: str
    stripe_webhook_secret_secret: str
