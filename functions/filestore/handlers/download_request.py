"""GET /api/files/download/request (disk, folder, file_name, timeout): a download token valid `timeout` seconds."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from filestore import transfers
from filestore.api import app, session
from filestore.schemas import DownloadGranted, DownloadTarget
from shared.observability import http_entrypoint


@app.get("/api/files/download/request", summary="Ask to download a file")
def download_request(given: Annotated[DownloadTarget, Query()]) -> DownloadGranted:
    caller = session(given.user_token)
    return transfers.request_download(caller, given.disk, given.folder, given.file_name, given.timeout)


lambda_handler = http_entrypoint(app)
