"""GET /api/files/download/{TOKEN}: the bytes (small files) or a redirect to a short-lived S3 link (large)."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from filestore import transfers
from filestore.api import app, session
from filestore.schemas import UserTokenQuery
from shared.observability import http_entrypoint
from shared.storage import attachment

# No return annotation: Powertools would serialize a `Response[bytes]` body through pydantic (as UTF-8 text),
# which breaks binary files; the answers are documented here instead.
ANSWERS: dict[int, OpenAPIResponse] = {
    200: {
        "description": "The file's bytes, with its content type and a Content-Disposition carrying its name",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    },
    302: {"description": "A large file: Location is a short-lived S3 link to it"},
}


@app.get("/api/files/download/<token>", summary="Download the file of a download token", responses=ANSWERS)
def download(token: str, user_token: UserTokenQuery = None):  # unannotated, see ANSWERS
    found = transfers.download(session(user_token), token)
    if found.redirect:
        return Response(status_code=302, headers={"Location": found.redirect}, body=b"")
    return Response(
        status_code=200,
        content_type=found.content_type,
        headers={"Content-Disposition": attachment(found.file_name), "Cache-Control": "private, no-store"},
        body=found.content or b"",  # bytes: Powertools answers base64 with isBase64Encoded
    )


lambda_handler = http_entrypoint(app)
