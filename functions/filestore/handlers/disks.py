"""GET /api/files/disks: the configured disks. Beyond the spec."""

from typing import Any

from filestore import transfers
from filestore.api import app, session
from shared.observability import http_entrypoint


@app.get("/api/files/disks", summary="List the disks")
def disks() -> dict[str, Any]:
    session()
    return transfers.disks()


lambda_handler = http_entrypoint(app)
