"""lnupload's configuration, validated once per cold start."""

from functools import cache

from pydantic import Field

from shared.lifecycle import at_init
from shared.settings import BucketSettings, LightningSettings, TableSettings

MIB = 1024 * 1024


class LnuploadSettings(TableSettings, BucketSettings, LightningSettings):
    invoice_amount_sat: int = Field(default=100, gt=0)
    invoice_memo: str = "100"
    invoice_expiry_seconds: int = Field(default=48 * 3600, gt=0)
    # Public base URL of uploaded files (CloudFront in production).
    files_base_url: str
    # A direct upload travels inside the Lambda event (6 MB, base64 adds a third).
    max_direct_upload_bytes: int = Field(default=4 * MIB, gt=0, le=4_500_000)
    max_upload_bytes: int = Field(default=100 * MIB, gt=0)
    upload_form_expiry_seconds: int = Field(default=900, gt=0)


@at_init
@cache
def settings() -> LnuploadSettings:
    return LnuploadSettings.from_env()
