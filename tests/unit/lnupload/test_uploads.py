import pytest

from lnupload.uploads import PUBLIC_PREFIX, _content_type, _public_key


@pytest.mark.parametrize(
    ("filename", "extension"),
    [
        ("bitcoin.jpg", ".jpg"),
        ("Photo.JPEG", ".jpeg"),
        ("archive.tar.gz", ".gz"),
        ("../../etc/passwd", ""),
        ("evil.php/../x", ""),
        ("noextension", ""),
        (None, ""),
        ("weird.ext-with-dash", ""),
        ("a.verylongextension", ""),
    ],
)
def test_stored_names_are_random_and_keep_only_a_sane_extension(filename, extension):
    key = _public_key(filename)
    name = key.removeprefix(PUBLIC_PREFIX)
    assert key.startswith(PUBLIC_PREFIX) and "/" not in name and ".." not in name
    assert name == name[:32] + extension and len(name[:32]) == 32
    assert _public_key(filename) != key


def test_content_type_is_kept_or_guessed_from_the_name():
    assert _content_type("a.png", "image/png") == "image/png"
    assert _content_type("a.png", "application/octet-stream") == "image/png"
    assert _content_type("a.pdf", None) == "application/pdf"
    assert _content_type(None, None) == "application/octet-stream"
