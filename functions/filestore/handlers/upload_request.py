"""POST /api/files/upload/request (disk, folder, file_name): a one-time upload token, and a presigned form."""

from filestore import transfers
from filestore.api import app, session
from filestore.schemas import FileTarget, UploadGranted
from shared.observability import http_entrypoint


@app.post("/api/files/upload/request", summary="Ask to upload a file")
def upload_request(given: FileTarget) -> UploadGranted:
    return transfers.request_upload(session(given.user_token), given.disk, given.folder, given.file_name)


lambda_handler = http_entrypoint(app)
