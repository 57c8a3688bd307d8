"""invoice_api's configuration, validated once per cold start."""

from functools import cache

from pydantic import Field

from shared.lifecycle import at_init
from shared.settings import TableSettings


class InvoiceApiSettings(TableSettings):
    token_ttl_seconds: int = Field(default=86_400, ge=60)


@at_init
@cache
def settings() -> InvoiceApiSettings:
    return InvoiceApiSettings.from_env()
