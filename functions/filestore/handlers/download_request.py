"""GET /api/files/download/request (disk, folder, file_name, timeout): a download token valid `timeout` seconds."""

from typing import Any

from pydantic import TypeAdapter, ValidationError

from filestore import transfers
from filestore.api import app, params, session
from filestore.errors import BadDownloadTarget
from shared.observability import http_entrypoint

Timeout = TypeAdapter(int)


@app.get("/api/files/download/request", summary="Ask to download a file")
def download_request() -> dict[str, Any]:
    caller, given = session(), params()
    try:
        timeout = Timeout.validate_python(given.get("timeout"))
    except ValidationError:
        raise BadDownloadTarget() from None
    if not 1 <= timeout <= 86_400:
        raise BadDownloadTarget()
    return transfers.request_download(caller, given.get("disk"), given.get("folder"), given.get("file_name"), timeout)


lambda_handler = http_entrypoint(app)
