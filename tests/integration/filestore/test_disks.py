"""GET /api/files/disks (beyond the spec): the configured disks, for a signed-in user."""

from __future__ import annotations

from filestore.settings import settings
from tests.integration.filestore.conftest import AUTH_REQUIRED, Client, member


def test_the_template_configures_main_and_archive(filestore):
    answer = member().call("disks")
    assert answer.status == 200
    assert answer.json == {"disks": ["main", "archive"]}


def test_disks_come_from_configuration(filestore, monkeypatch):
    user = member()
    monkeypatch.setenv("DISKS", "main,photos")
    settings.cache_clear()
    assert user.call("disks").json == {"disks": ["main", "photos"]}
    # And a disk no longer configured is unknown to every endpoint
    answer = user.call("upload_request", {"disk": "archive"})
    assert answer.status == 400


def test_the_session_as_a_query_parameter_or_a_bearer(filestore):
    user = member()
    assert user.call("disks", auth="param").status == 200
    assert user.call("disks", auth="bearer").status == 200


def test_without_a_session_401(filestore):
    for client in (Client(), Client("forged")):
        answer = client.call("disks")
        assert (answer.status, answer.json) == (401, AUTH_REQUIRED)
