"""filestore's request and response bodies; descriptions become the OpenAPI document.

Parameters are read where the spec's method puts them: the query string for GET and DELETE, a JSON body
for POST (`api.parameters_where_read` brings them there from wherever the original's clients send them).
Fields are plain optional text: what makes a value wrong (an unknown disk, a path leaving the user's
tree, a name rule) is the logic's to say, in the endpoint's own refusal.
"""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, BeforeValidator, Field

MAX_TIMEOUT = 86_400  # a download token lives at most a day
SESSION = "The session token (sign-up's or login's `token`); `Authorization: Bearer <token>` works too."
UserToken = Annotated[str | None, Field(description=SESSION)]  # among a route's parameters
UserTokenQuery = Annotated[str | None, Query(description=SESSION)]  # a route's only parameter


class Failure(BaseModel):
    message: str


class SignUpRefusal(BaseModel):
    """Sign-up's 400: each field's message, an empty string for each correct field."""

    username: str = Field(description="Empty, the length rule, or « Utilisateur déjà existant »")
    lastname: str = Field(description="Empty, or the rule: 1 to 32 letters (accents allowed) or '-'")
    firstname: str = Field(description="Empty, or the rule: 1 to 32 letters (accents allowed) or '-'")
    password: str = Field(description="Empty, or the rule: 6 to 15 characters")


# Sign-up answers each field's own rule: a value that is no text is as wrong as none, not a broken request.
FieldText = Annotated[str | None, BeforeValidator(lambda value: value if isinstance(value, str) else None)]


class SignUp(BaseModel):
    username: FieldText = Field(default=None, description="1 to 20 characters, unique whatever their case")
    lastname: FieldText = Field(default=None, description="1 to 32 letters (accents allowed) or '-'")
    firstname: FieldText = Field(default=None, description="1 to 32 letters (accents allowed) or '-'")
    password: FieldText = Field(default=None, description="6 to 15 characters")


class Credentials(BaseModel):
    username: str | None = None
    password: str | None = None


class SignedIn(BaseModel):
    """Sign-up's and login's answer: the account and a fresh session token."""

    id: int
    token: str = Field(description="The session: `user_token`, or `Authorization: Bearer <token>`")
    username: str
    lastname: str
    firstname: str


class Folder(BaseModel):
    user_token: UserToken = None
    disk: str | None = Field(default=None, description="One of GET /api/files/disks")
    folder: str | None = Field(default=None, description='"a/b" under the user\'s own tree; empty for its root')


class FileTarget(Folder):
    file_name: str | None = None


class DownloadTarget(FileTarget):
    timeout: int = Field(ge=1, le=MAX_TIMEOUT, description="Seconds the download token is valid")


class UploadForm(BaseModel):
    """A presigned POST straight to S3, for files too large to go through the API."""

    url: str
    fields: dict[str, str] = Field(description="Send them all, unchanged, before the file (field `file`)")
    maxBytes: int
    expiresAt: str


class UploadGranted(BaseModel):
    upload_token: str
    upload: UploadForm


class Uploaded(BaseModel):
    message: Literal["Fichier téléversé"] = "Fichier téléversé"
    file_name: str
    size: int


class DownloadGranted(BaseModel):
    download_token: str


class Deleted(BaseModel):
    message: Literal["Fichier supprimé"] = "Fichier supprimé"


class ListedFile(BaseModel):
    name: str
    size: int
    content_type: str = Field(description="The type the file's name implies")
    modified_at: str


class Listing(BaseModel):
    disk: str
    folder: str
    folders: list[str]
    files: list[ListedFile]
    truncated: bool = Field(description="More than 1,000 entries: only the first are listed")


class Disks(BaseModel):
    disks: list[str]
