import base64

from shared.http import coerce_json_content_type, source_ip


def event(body, content_type, encoded=False):
    if encoded:
        body = base64.b64encode(body.encode()).decode()
    return {"headers": {"Content-Type": content_type}, "body": body, "isBase64Encoded": encoded}


def test_form_encoded_json_is_declared_json_and_keeps_its_bytes():
    sent = event('{"a": 1}', "application/x-www-form-urlencoded", encoded=True)
    coerced = coerce_json_content_type(sent)
    assert coerced["headers"]["content-type"] == "application/json"
    assert (coerced["body"], coerced["isBase64Encoded"]) == (sent["body"], True)  # shared.body decodes it


def test_multipart_and_json_are_left_alone():
    multipart = event("xx", "multipart/form-data; boundary=b", encoded=True)
    assert coerce_json_content_type(multipart) is multipart
    as_json = event("{}", "application/json")
    assert coerce_json_content_type(as_json) is as_json


def test_source_ip_comes_from_the_request_context():
    assert source_ip({"requestContext": {"http": {"sourceIp": "203.0.113.7"}}}) == "203.0.113.7"
    assert source_ip({}) == ""
