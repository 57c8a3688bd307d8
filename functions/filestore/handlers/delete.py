"""DELETE /api/files/delete (disk, folder, file_name): remove one of the caller's files."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from filestore import transfers
from filestore.api import app, session
from filestore.schemas import Deleted, FileTarget
from shared.observability import http_entrypoint


@app.delete("/api/files/delete", summary="Delete a file")
def delete(given: Annotated[FileTarget, Query()]) -> Deleted:
    return transfers.delete(session(given.user_token), given.disk, given.folder, given.file_name)


lambda_handler = http_entrypoint(app)
