"""GET /api/files/list (disk, folder): the folder's files (size, type, date) and sub-folders. Beyond the spec."""

from typing import Any

from filestore import transfers
from filestore.api import app, params, session
from shared.observability import http_entrypoint


@app.get("/api/files/list", summary="List a folder")
def files_list() -> dict[str, Any]:
    caller, given = session(), params()
    return transfers.listing(caller, given.get("disk"), given.get("folder"))


lambda_handler = http_entrypoint(app)
