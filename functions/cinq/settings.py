"""cinq's configuration, validated once per cold start."""

from functools import cache

from shared.lifecycle import at_init
from shared.settings import MailSettings, TableSettings


class CinqSettings(TableSettings, MailSettings):
    # Names or ARNs of Secrets Manager secrets.
    jwt_secret_secret: str
    gift_pepper_secret: str
    admin_api_key_secret: str
    stripe_webhook_secret_secret: str
    btcpay_api_key_secret: str
    btcpay_webhook_secret_secret: str
    btcpay_url: str
    access_token_seconds: int = 3600
    refresh_token_days: int = 30


@at_init
@cache
def settings() -> CinqSettings:
    return CinqSettings.from_env()
