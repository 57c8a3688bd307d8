"""The $default route: anything unknown is a 404 in filestore's envelope, never a gateway's bare answer."""

from __future__ import annotations

import pytest

from tests.events import load_event
from tests.integration.conftest import Answer
from tests.integration.filestore.conftest import Client

NOT_FOUND = {"message": "Ressource introuvable."}


def call(method: str, path: str) -> Answer:
    event = load_event("filestore", "not_found")
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = method
    return Client().invoke(event)


def test_the_documented_event_is_a_404_with_a_message(filestore):
    answer = call("GET", "/api/nothing")
    assert answer.status == 404
    assert answer.json == NOT_FOUND
    assert answer.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("POST", "/api/user"),
        ("GET", "/api/files"),
        ("PUT", "/api/files/upload/x/y"),
        ("GET", "/api/../../etc/passwd"),
        ("PATCH", "/api/user/sign/extra"),
    ],
)
def test_anything_unknown_is_the_same_404(filestore, method, path):
    answer = call(method, path)
    assert (answer.status, answer.json) == (404, NOT_FOUND)
