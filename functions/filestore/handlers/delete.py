"""DELETE /api/files/delete (disk, folder, file_name): remove one of the caller's files."""

from typing import Any

from filestore import transfers
from filestore.api import app, params, session
from shared.observability import http_entrypoint


@app.delete("/api/files/delete", summary="Delete a file")
def delete() -> dict[str, Any]:
    caller, given = session(), params()
    return transfers.delete(caller, given.get("disk"), given.get("folder"), given.get("file_name"))


lambda_handler = http_entrypoint(app)
