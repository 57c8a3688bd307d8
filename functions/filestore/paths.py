"""Where a user's file lives: `<disk>/<user id>/<folder>/<file_name>` in the bucket, nowhere else.

A client names only a disk, a folder and a file name; each is checked so that no
combination can reach another user's tree or outside the disk.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MAX_SEGMENT, MAX_DEPTH = 255, 32


@dataclass(frozen=True)
class Location:
    disk: str
    user_id: int
    folder: str  # "" for the user's root, else "a/b"
    file_name: str

    @property
    def key(self) -> str:
        return f"{folder_prefix(self.disk, self.user_id, self.folder)}{self.file_name}"


def folder_prefix(disk: str, user_id: int, folder: str) -> str:
    return f"{disk}/{user_id}/" + (f"{folder}/" if folder else "")


def safe_segment(segment: str) -> bool:
    return (
        0 < len(segment) <= MAX_SEGMENT
        and segment not in (".", "..")
        and "/" not in segment
        and "\\" not in segment
        and not any(unicodedata.category(char).startswith("C") for char in segment)
    )


def normalize_folder(folder: str | None) -> str | None:
    """The folder as stored ("" for the root), or None when it could escape or is malformed."""
    text = (folder or "").strip()
    if text in ("", "/", "."):
        return ""
    if text.startswith("/") or text.startswith("~") or len(text) > 1024:
        return None
    segments = text.removesuffix("/").split("/")
    if len(segments) > MAX_DEPTH or not all(safe_segment(segment) for segment in segments):
        return None
    return "/".join(segments)


def locate(
    disk: str | None, user_id: int, folder: str | None, file_name: str | None, disks: list[str]
) -> Location | None:
    if disk is None or disk not in disks or file_name is None:
        return None
    clean_folder = normalize_folder(folder)
    name = file_name.strip()
    if clean_folder is None or not safe_segment(name):
        return None
    return Location(disk, user_id, clean_folder, name)
