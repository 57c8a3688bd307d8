"""shared.storage: the presigned POST policies we sign (moto enforces none: S3 will), and which types run inline."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest

from shared import aws, storage


@pytest.fixture
def signer(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Signing is local: credentials are enough, no request is made."""
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example")
    aws.reset()
    yield
    aws.reset()


def policy_of(form: storage.PresignedPost) -> dict:
    return json.loads(base64.b64decode(form.fields["policy"]))


def test_a_form_is_bound_to_one_exact_key_and_a_size_range(signer):
    form = storage.presigned_post("bucket", "incoming/abc/file", max_bytes=1000, expires_in=900)
    conditions = policy_of(form)["conditions"]
    assert form.fields["key"] == "incoming/abc/file"
    assert {"key": "incoming/abc/file"} in conditions
    assert ["content-length-range", 1, 1000] in conditions
    assert {"bucket": "bucket"} in conditions
    # no prefix condition on the key: S3 accepts this one key only
    assert not [c for c in conditions if isinstance(c, list) and c[:2] == ["starts-with", "$key"]]
    # without a known type, the client declares one (any)
    assert ["starts-with", "$Content-Type", ""] in conditions and "Content-Type" not in form.fields


def test_a_known_content_type_is_a_field_and_required_exactly(signer):
    form = storage.presigned_post(
        "bucket", "incoming/0123", max_bytes=5, expires_in=60, min_bytes=1, content_type="video/mp4"
    )
    conditions = policy_of(form)["conditions"]
    assert form.fields["Content-Type"] == "video/mp4"
    assert {"Content-Type": "video/mp4"} in conditions
    assert not [c for c in conditions if isinstance(c, list) and c[1:2] == ["$Content-Type"]]
    assert policy_of(form)["expiration"] <= form.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_keys_chosen_by_the_uploader_are_refused(signer):
    with pytest.raises(ValueError, match="exact key"):
        storage.presigned_post("bucket", "incoming/abc/${filename}", max_bytes=5, expires_in=60)


@pytest.mark.parametrize(
    "active",
    [
        "text/html",
        "TEXT/HTML; charset=utf-8",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
        "application/pdf",
        "application/octet-stream",
        "multipart/x-mixed-replace",
        "",
        None,
        "text/html, image/png",
        "image/png\r\nX-Evil: 1",
    ],
)
def test_active_unknown_or_malformed_types_are_stored_as_downloads(active):
    presented = storage.served_as(active, 'my "page".html')
    assert presented["ContentDisposition"] == (
        "attachment; filename=\"my _page_.html\"; filename*=UTF-8''my%20%22page%22.html"
    )
    assert "\n" not in presented["ContentType"] and "," not in presented["ContentType"]


@pytest.mark.parametrize(
    ("passive", "stored"),
    [
        ("image/png", "image/png"),
        ("image/jpeg", "image/jpeg"),
        ("video/mp4", "video/mp4"),
        ("audio/mpeg", "audio/mpeg"),
        ("text/plain; charset=UTF-8", "text/plain; charset=utf-8"),
        ("Text/CSV", "text/csv"),
        ("application/json", "application/json"),
    ],
)
def test_passive_types_stay_inline(passive, stored):
    assert storage.served_as(passive, "x") == {"ContentType": stored}


def test_media_types_are_normalised_or_replaced():
    assert storage.media_type(" image/PNG ") == "image/png"
    assert storage.media_type("text/plain;charset=utf-8") == "text/plain;charset=utf-8"
    assert storage.media_type("text/plain; boundary=x") == "application/octet-stream"
    assert storage.media_type("nonsense") == "application/octet-stream"
