"""Where a client's disk / folder / file name may lead: only under `<disk>/<own id>/`, or nowhere."""

from __future__ import annotations

import pytest

from filestore import paths
from filestore.paths import Location, locate, normalize_folder, safe_segment
from filestore.settings import FilestoreSettings

DISKS = ["main", "archive"]


def test_a_file_lives_under_its_disk_its_owner_and_its_folder():
    location = locate("main", 42, "documents/2024", "rapport.pdf", DISKS)
    assert location == Location("main", 42, "documents/2024", "rapport.pdf")
    assert location.key == "main/42/documents/2024/rapport.pdf"


@pytest.mark.parametrize("root", [None, "", "/", ".", "  ", " / "])
def test_the_users_root_folder_has_several_spellings(root):
    assert normalize_folder(root) == ""
    assert locate("archive", 7, root, "a.txt", DISKS).key == "archive/7/a.txt"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("given", "stored"),
    [("a", "a"), ("a/b", "a/b"), ("a/b/", "a/b"), (" a/b ", "a/b"), ("été/Ünïcode", "été/Ünïcode")],
)
def test_folders_are_kept_as_written_without_a_trailing_slash(given, stored):
    assert normalize_folder(given) == stored


@pytest.mark.parametrize(
    "folder",
    [
        "..",
        "../1",
        "a/../../2",
        "a/..",
        "a/./b",
        "./a",
        "/etc",
        "/main/2",
        "//2",
        "~",
        "~root/x",
        "a//b",
        "a/b//",
        "a\\..\\b",
        "..\\2",
        "a\x00b",
        "a\nb",
        "a\rb",
        "a\tb",
        "a\u202eb",  # right-to-left override
        "a\u200bb",  # zero-width space
        "a\x7fb",
        "x" * 256,
        "a/" + "x" * 256,
        "/".join(["a"] * 33),
        "ab/" * 400,
    ],
)
def test_folders_that_could_escape_or_are_malformed_are_refused(folder):
    assert normalize_folder(folder) is None
    assert locate("main", 1, folder, "a.txt", DISKS) is None


def test_the_deepest_and_longest_folders_allowed():
    assert normalize_folder("/".join(["a"] * 32)) == "/".join(["a"] * 32)
    assert normalize_folder("x" * 255) == "x" * 255


@pytest.mark.parametrize(
    "name",
    [
        None,
        "",
        "   ",
        ".",
        "..",
        "../a.txt",
        "a/b.txt",
        "/a.txt",
        "..\\a.txt",
        "a\\b.txt",
        "a\x00.txt",
        "a\n.txt",
        "a\u202etxt.exe",
        "\u2028",
        "x" * 256,
    ],
)
def test_file_names_are_one_safe_segment(name):
    assert locate("main", 1, "docs", name, DISKS) is None


@pytest.mark.parametrize("name", ["a.txt", "x" * 255, "...", ".hidden", "a b.pdf", "%2e%2e", "..a", "~", "été.PDF"])
def test_odd_but_harmless_names_stay_literal_inside_the_users_tree(name):
    location = locate("main", 9, "docs", name, DISKS)
    assert location is not None and location.key == f"main/9/docs/{name}"


def test_a_file_name_is_stripped_of_surrounding_blanks():
    assert locate("main", 1, "", "  a.txt ", DISKS).key == "main/1/a.txt"  # type: ignore[union-attr]


@pytest.mark.parametrize("disk", [None, "", "MAIN", "main/", "../main", "other", "main/1", " main"])
def test_an_unknown_disk_is_refused(disk):
    assert locate(disk, 1, "docs", "a.txt", DISKS) is None


@pytest.mark.parametrize("segment", ["a", "a.b", "x" * paths.MAX_SEGMENT, "é", "-", "a b"])
def test_safe_segments(segment):
    assert safe_segment(segment)


@pytest.mark.parametrize(
    "segment", ["", ".", "..", "a/b", "a\\b", "\x00", "\x1f", "\u202e", "\ufeff", "x" * (paths.MAX_SEGMENT + 1)]
)
def test_unsafe_segments(segment):
    assert not safe_segment(segment)


def test_every_key_of_a_user_starts_with_their_own_prefix():
    # Whatever passes validation, the key is under <disk>/<id>/ and contains no dot segment
    attempts = ["a", "a/b", "%2e%2e/x", "....//x", "a/b/c", "é/è", "~x/y"]
    for folder in attempts:
        location = locate("main", 5, folder, "f.txt", DISKS)
        if location is not None:
            assert location.key.startswith("main/5/")
            assert not {".", ".."} & set(location.key.split("/"))
            assert "" not in location.key.split("/")


def test_disks_come_from_configuration_comma_separated(monkeypatch):
    monkeypatch.setenv("DISKS", " main , archive,, ")
    monkeypatch.setenv("TABLE_NAME", "FilestoreTable")
    monkeypatch.setenv("BUCKET_NAME", "filestorebucket")
    assert FilestoreSettings.from_env().disk_names == ["main", "archive"]
