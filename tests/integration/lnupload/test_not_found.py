from tests.events import load_event
from tests.integration.lnupload.conftest import NOT_FOUND


def test_unknown_routes_answer_in_the_envelope(lnupload, invoke):
    status, body, _ = invoke(NOT_FOUND, load_event("lnupload", "not_found"))
    assert status == 200
    assert body["success"] is False and body["message"].startswith("Unknown endpoint")
