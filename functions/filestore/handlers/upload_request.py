"""POST /api/files/upload/request (disk, folder, file_name): a one-time upload token, and a presigned form."""

from typing import Any

from filestore import transfers
from filestore.api import app, params, session
from shared.observability import http_entrypoint


@app.post("/api/files/upload/request", summary="Ask to upload a file")
def upload_request() -> dict[str, Any]:
    caller, given = session(), params()
    return transfers.request_upload(caller, given.get("disk"), given.get("folder"), given.get("file_name"))


lambda_handler = http_entrypoint(app)
