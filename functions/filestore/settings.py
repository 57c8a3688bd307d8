"""filestore's configuration, validated once per cold start."""

from functools import cache

from pydantic import Field, field_validator

from shared.lifecycle import at_init
from shared.settings import BucketSettings, TableSettings

MIB = 1024 * 1024


class FilestoreSettings(TableSettings, BucketSettings):
    # Disk names, comma-separated; each is a prefix of the bucket.
    disks: str = "main"
    session_days: int = Field(default=30, gt=0)
    upload_token_seconds: int = Field(default=900, gt=0)
    max_direct_upload_bytes: int = Field(default=4 * MIB, gt=0, le=4_500_000)
    max_upload_bytes: int = Field(default=5 * 1024 * MIB, gt=0)
    # Downloads up to this size come in the response; larger ones by a redirect to S3.
    max_direct_download_bytes: int = Field(default=4 * MIB, gt=0, le=4_500_000)

    @field_validator("disks")
    @classmethod
    def _not_the_forms_prefix(cls, disks: str) -> str:
        if "incoming" in [disk.strip() for disk in disks.split(",")]:
            raise ValueError("'incoming' is where upload forms write: it cannot be a disk")
        return disks

    @property
    def disk_names(self) -> list[str]:
        return [disk.strip() for disk in self.disks.split(",") if disk.strip()]


@at_init
@cache
def settings() -> FilestoreSettings:
    return FilestoreSettings.from_env()
