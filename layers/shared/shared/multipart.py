"""Uploaded files from HTTP bodies: one file from a multipart form, or the raw body itself."""

from __future__ import annotations

import io

from multipart import MultipartError, MultipartParser, parse_options_header


def single_file(body: bytes, content_type: str | None) -> tuple[bytes | None, str | None]:
    """(content, its content type) of the one file sent, or (None, None) when there is none.

    multipart/form-data: the first part that carries a filename (any field name);
    any other type: the body itself, with its declared type.
    """
    declared = content_type or ""
    if not declared.lower().startswith("multipart/form-data"):
        return (body, declared or None) if body else (None, None)
    _, options = parse_options_header(declared)
    boundary = options.get("boundary")
    if not boundary:
        return None, None
    try:
        for part in MultipartParser(io.BytesIO(body), boundary, content_length=len(body)):
            if part.filename is not None:
                return part.raw, part.content_type or None
    except MultipartError:
        return None, None
    return None, None
