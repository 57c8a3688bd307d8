"""GET /api/files/disks: the configured disks. Beyond the spec."""

from filestore import transfers
from filestore.api import app, session
from filestore.schemas import Disks, UserTokenQuery
from shared.observability import http_entrypoint


@app.get("/api/files/disks", summary="List the disks")
def disks(user_token: UserTokenQuery = None) -> Disks:
    session(user_token)
    return transfers.disks()


lambda_handler = http_entrypoint(app)
