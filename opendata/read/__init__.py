"""Readers: a source file to a ``SourceDocument`` (lines of cells with locators), by format."""

from __future__ import annotations

import stat
from pathlib import Path

from ..errors import Locator, UnreadableInput
from .document import SourceDocument, SourceLine
from .text import read_text

__all__ = ["SourceDocument", "SourceLine", "read_path", "read_bytes"]

MAX_BYTES = 200 * 1024 * 1024


def read_bytes(data: bytes, name: str) -> SourceDocument:
    """Pick the reader from the content (magic bytes) and the name's suffix."""
    suffix = Path(name).suffix.lower()
    if data.startswith(b"%PDF") or suffix == ".pdf":
        from .pdf import read_pdf  # optional heavy dependency, imported on demand

        return read_pdf(data, name)
    if data.startswith(b"PK\x03\x04") or suffix in {".xlsx", ".xlsm"}:
        from .xlsx import read_xlsx

        return read_xlsx(data, name)
    if suffix in {".html", ".htm", ".xhtml"} or data.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        from .html import read_html

        return read_html(data, name)
    return read_text(data, name)


def read_path(path: str | Path, name: str | None = None) -> SourceDocument:
    """Read a file from disk; ``name`` is what locators call it (default: the file name)."""
    path = Path(path)
    display = name or path.name
    try:
        status = path.stat()
        if stat.S_ISCHR(status.st_mode) or stat.S_ISBLK(status.st_mode) or stat.S_ISSOCK(status.st_mode):
            raise UnreadableInput("not a regular file (a device or socket)", Locator(display))
        if status.st_size > MAX_BYTES:
            raise UnreadableInput(f"file is {status.st_size} bytes, more than the limit of {MAX_BYTES}", Locator(display))
        with path.open("rb") as handle:  # bounded: a pipe has no size to check beforehand
            data = handle.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise UnreadableInput(f"more than the limit of {MAX_BYTES} bytes", Locator(display))
    except IsADirectoryError:
        raise UnreadableInput("is a directory, not a file", Locator(display)) from None
    except FileNotFoundError:
        raise UnreadableInput("no such file", Locator(display)) from None
    except PermissionError:
        raise UnreadableInput("permission denied", Locator(display)) from None
    return read_bytes(data, display)
