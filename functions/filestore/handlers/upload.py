"""POST /api/files/upload/{TOKEN}: the file, as a multipart field (any single file field) or the raw body.

Without a file: the file the token's upload form sent straight to S3 is moved into place.
The session comes from the query string (or a bearer): the body is the file, its fields never count.
"""

from filestore import transfers
from filestore.api import app, session
from filestore.schemas import Uploaded, UserTokenQuery
from shared import body
from shared.multipart import single_file
from shared.observability import http_entrypoint


@app.post("/api/files/upload/<token>", summary="Upload the file of an upload token")
def upload(token: str, user_token: UserTokenQuery = None) -> Uploaded:
    caller = session(user_token)
    event = app.current_event
    content, content_type = single_file(body.raw(event.raw_event), event.headers.get("content-type"))
    return transfers.upload(caller, token, content, content_type)


lambda_handler = http_entrypoint(app)
