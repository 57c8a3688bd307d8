"""Just enough of the AWS protocols to name a request's service and operation, and to fail it as the service
would, so botocore's retry logic treats the failure as it treats the real one.

- service: the SigV4 credential scope (`Credential=<key>/<date>/<region>/<service>/aws4_request`, in the
  Authorization header, a presigned URL's X-Amz-Credential or a POST form's x-amz-credential field); SES v1
  and v2 both sign as `ses`;
- operation: `X-Amz-Target` (JSON protocols: DynamoDB, Secrets Manager), `Action=` (query protocol: SES v1),
  the path (REST-JSON: SES v2), method + path + query (S3, path-style);
- errors: DynamoDB and Secrets Manager answer JSON with `__type`; S3 XML `<Error><Code>` (status only for
  HEAD); SES v1 XML `<ErrorResponse>`; SES v2 `x-amzn-ErrorType` with a JSON message.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs

_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/]+/([a-z0-9-]+)/aws4_request", re.IGNORECASE)
_FORM_SCOPE = re.compile(rb"[^/\s\"]+/\d{8}/[^/]+/([a-z0-9-]+)/aws4_request")
_SES_V2 = {("POST", "/v2/email/outbound-emails"): "SendEmail", ("GET", "/v2/email/account"): "GetAccount"}

Answer = tuple[int, dict[str, str], bytes]


@dataclass(frozen=True)
class Call:
    service: str  # the signing name: dynamodb, s3, ses, secretsmanager
    operation: str
    protocol: str  # json (DynamoDB, Secrets Manager), query (SES v1), rest-json (SES v2), rest-xml (S3)


def identify(method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> Call:
    """The service, operation and protocol of a request sent to the AWS endpoint (lower-case header names)."""
    service = _service(query, headers, body)
    target = headers.get("x-amz-target", "")
    if target:
        return Call(service, target.rsplit(".", 1)[-1], "json")
    action = _action(query, headers, body)
    if action:
        return Call(service, action, "query")
    if service == "s3":
        return Call(service, s3_operation(method, path, query, headers), "rest-xml")
    return Call(service, _SES_V2.get((method, path), f"{method} {path}"), "rest-json")


def _service(query: str, headers: dict[str, str], body: bytes) -> str:
    target = headers.get("x-amz-target", "")
    if target.startswith("DynamoDB_"):
        return "dynamodb"
    if target.startswith("secretsmanager."):
        return "secretsmanager"
    found = _SCOPE.search(headers.get("authorization", "")) or _SCOPE.search(
        "Credential=" + (parse_qs(query).get("X-Amz-Credential") or [""])[0]
    )
    if found:
        return found.group(1).lower()
    form = _FORM_SCOPE.search(body[:8192]) if headers.get("content-type", "").startswith("multipart/") else None
    return form.group(1).decode().lower() if form else "s3"


def _action(query: str, headers: dict[str, str], body: bytes) -> str | None:
    fields = parse_qs(query)
    if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        fields.update(parse_qs(body.decode("utf-8", "replace")))
    action = fields.get("Action")
    return action[0] if action else None


def s3_operation(method: str, path: str, query: str, headers: dict[str, str]) -> str:
    on_object = len([part for part in path.split("/") if part]) > 1
    fields = set(parse_qs(query, keep_blank_values=True))
    if method == "PUT" and on_object and {"partNumber", "uploadId"} <= fields:
        return "UploadPartCopy" if "x-amz-copy-source" in headers else "UploadPart"
    if method == "PUT" and on_object:
        return "CopyObject" if "x-amz-copy-source" in headers else "PutObject"
    if method == "POST":
        return next((name for flag, name in _S3_POSTS if flag in fields), "PostObject")  # else a browser form
    if method == "DELETE" and "uploadId" in fields:
        return "AbortMultipartUpload"
    if method == "GET" and not on_object and "list-type" in fields:
        return "ListObjectsV2"
    return _S3_PLAIN.get((method, on_object), f"{method} S3")


_S3_POSTS = (("uploads", "CreateMultipartUpload"), ("uploadId", "CompleteMultipartUpload"), ("delete", "DeleteObjects"))
_S3_PLAIN = {
    ("PUT", False): "CreateBucket",
    ("DELETE", True): "DeleteObject",
    ("DELETE", False): "DeleteBucket",
    ("HEAD", True): "HeadObject",
    ("HEAD", False): "HeadBucket",
    ("GET", True): "GetObject",
    ("GET", False): "ListObjects",
}


# (status, code, message) per service and kind of fault
_DYNAMODB = {
    "throttle": (
        400,
        "ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput "
        "for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.",
    ),
    "500": (500, "InternalServerError", "Internal server error"),
    "503": (503, "ServiceUnavailable", "Service unavailable"),
}
_JSON11 = {
    "throttle": (400, "ThrottlingException", "Rate exceeded"),
    "500": (500, "InternalServiceError", "An error occurred on the server side."),
    "503": (503, "ServiceUnavailable", "Service unavailable"),
}
_S3 = {
    "throttle": (503, "SlowDown", "Please reduce your request rate."),
    "500": (500, "InternalError", "We encountered an internal error. Please try again."),
    "503": (503, "ServiceUnavailable", "Please reduce your request rate."),
}
_SES_QUERY = {
    "throttle": (400, "Throttling", "Maximum sending rate exceeded."),
    "500": (500, "InternalFailure", "The request processing has failed because of an unknown error."),
    "503": (503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."),
}
_SES_REST = {
    "throttle": (429, "TooManyRequestsException", "Maximum sending rate exceeded."),
    "500": (500, "InternalServiceErrorException", "The request processing has failed."),
    "503": (503, "ServiceUnavailableException", "The request has failed due to a temporary failure of the server."),
}


def error_answer(call: Call, kind: str, method: str, headers: dict[str, str]) -> Answer:
    """The service's own answer for an injected `throttle`, `500` or `503`."""
    request_id = str(uuid.uuid4())
    if call.protocol == "json":
        dynamodb = headers.get("x-amz-target", "").startswith("DynamoDB_")
        status, code, message = (_DYNAMODB if dynamodb else _JSON11)[kind]
        error_type = f"com.amazonaws.dynamodb.v20120810#{code}" if dynamodb else code
        content_type = "application/x-amz-json-1.0" if dynamodb else "application/x-amz-json-1.1"
        body = _json({"__type": error_type, "message": message})
        return status, {"Content-Type": content_type, "x-amzn-RequestId": request_id}, body
    if call.protocol == "query":
        return _ses_query(kind, request_id)
    if call.protocol == "rest-json":
        status, code, message = _SES_REST[kind]
        answer_headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code, "x-amzn-RequestId": request_id}
        return status, answer_headers, _json({"message": message})
    status, code, message = _S3[kind]
    amz_id = request_id.replace("-", "")[:16].upper()
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
        f"<RequestId>{amz_id}</RequestId></Error>"
    ).encode()
    return status, {"Content-Type": "application/xml", "x-amz-request-id": amz_id}, b"" if method == "HEAD" else xml


def _ses_query(kind: str, request_id: str) -> Answer:
    status, code, message = _SES_QUERY[kind]
    xml = (
        '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>'
        f"{'Receiver' if status >= 500 else 'Sender'}</Type><Code>{code}</Code><Message>{message}</Message>"
        f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
    return status, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, xml


def _json(body: dict[str, str]) -> bytes:
    return json.dumps(body).encode()
