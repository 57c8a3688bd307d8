import pytest

from lnupload.uploads import PUBLIC_PREFIX, _content_type, _extension, _public_key, _type_extension


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
    key = _public_key(_extension(filename))
    name = key.removeprefix(PUBLIC_PREFIX)
    assert key.startswith(PUBLIC_PREFIX) and "/" not in name and ".." not in name
    assert name == name[:32] + extension and len(name[:32]) == 32
    assert _public_key(_extension(filename)) != key


def test_content_type_is_kept_or_guessed_from_the_name():
    assert _content_type("a.png", "image/png") == "image/png"
    assert _content_type("a.png", "application/octet-stream") == "image/png"
    assert _content_type("a.pdf", None) == "application/pdf"
    assert _content_type(None, None) == "application/octet-stream"


def test_a_form_uploads_extension_comes_from_its_content_type():
    assert _type_extension("image/jpeg") == ".jpg"
    assert _type_extension("video/mp4") == ".mp4"
    assert _type_extension("text/plain; charset=utf-8") == ".txt"
    assert _type_extension("application/octet-stream") == ""
    assert _type_extension("application/x-made-up") == ""
