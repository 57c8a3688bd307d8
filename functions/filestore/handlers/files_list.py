"""GET /api/files/list (disk, folder): the folder's files (size, type, date) and sub-folders. Beyond the spec."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from filestore import transfers
from filestore.api import app, session
from filestore.schemas import Folder, Listing
from shared.observability import http_entrypoint


@app.get("/api/files/list", summary="List a folder")
def files_list(given: Annotated[Folder, Query()]) -> Listing:
    return transfers.listing(session(given.user_token), given.disk, given.folder)


lambda_handler = http_entrypoint(app)
