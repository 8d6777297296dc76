"""Spreadsheets (.xlsx) read with openpyxl: one line per sheet row, merged cells expanded.

The zip directory is checked before openpyxl sees the file: too many members, too large an
uncompressed total or a compression ratio typical of a zip bomb are refused with
``UnreadableInput``. Sheets are read in workbook order, values only (cached results of
formulas). A merged range keeps its value in its top-left cell and leaves the cells it covers
blank, as a merged cell reads in a PDF. Numbers are written back as text without float
artefacts (``1234.5`` stays ``1234.5``; Decimal is used for the conversion).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import zipfile
import zlib
from decimal import Decimal

from ..errors import Locator, UnreadableInput
from .document import SourceDocument, SourceLine

MAX_MEMBERS = 10_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed for any one member
MAX_ROWS = 1_000_000
MAX_COLUMNS = 2_000
CHUNK = 1024 * 1024


def _check_zip(data: bytes, name: str) -> bool:
    """Refuse archives that are not a zip, or whose directory promises a zip bomb.

    Returns whether any sheet has merged cells (then the workbook is loaded fully, since
    openpyxl's read-only sheets do not know their merged ranges).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, RuntimeError, NotImplementedError) as error:
        # a file missing its first bytes makes zipfile seek before the start (ValueError)
        raise UnreadableInput(f"not a readable XLSX file ({type(error).__name__}: {error})", Locator(name)) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise UnreadableInput(f"the archive has {len(members)} members (limit {MAX_MEMBERS})", Locator(name))
        total = 0
        for member in members:
            total += member.file_size
            if member.compress_size and member.file_size / member.compress_size > MAX_RATIO and member.file_size > 1_000_000:
                raise UnreadableInput(
                    f"member {member.filename!r} expands {member.file_size // member.compress_size}-fold (a zip bomb?)",
                    Locator(name),
                )
        if total > MAX_UNCOMPRESSED:
            raise UnreadableInput(
                f"the archive expands to {total} bytes, more than the limit of {MAX_UNCOMPRESSED}", Locator(name)
            )
        if "[Content_Types].xml" not in {member.filename for member in members}:
            raise UnreadableInput("a zip file but not an XLSX workbook (no [Content_Types].xml)", Locator(name))
        # the directory may lie: inflate every member in bounded chunks and count what comes out
        merged = False
        inflated = 0
        for member in members:
            sheet = member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
            size = 0
            tail = b""
            try:
                with archive.open(member) as stream:
                    while chunk := stream.read(CHUNK):
                        size += len(chunk)
                        inflated += len(chunk)
                        if size > member.file_size or inflated > MAX_UNCOMPRESSED:
                            raise UnreadableInput(
                                f"member {member.filename!r} inflates beyond the {member.file_size} bytes its "
                                "directory entry declares (a zip bomb?)",
                                Locator(name),
                            )
                        if sheet and not merged:
                            merged = b"<mergeCell " in tail + chunk
                            tail = chunk[-32:]
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as error:
                # RuntimeError: a member flagged as encrypted; NotImplementedError: an unknown zip version
                raise UnreadableInput(
                    f"damaged XLSX member {member.filename!r} ({type(error).__name__}: {error})", Locator(name)
                ) from None
        return merged


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value).strip()


def read_xlsx(data: bytes, name: str) -> SourceDocument:
    """Read every sheet of a workbook into one ``SourceDocument`` (``page`` = sheet number)."""
    merged_cells = _check_zip(data, name)
    try:
        import openpyxl
    except ImportError as error:  # pragma: no cover - openpyxl is a dependency
        raise UnreadableInput(f"XLSX support needs openpyxl ({error})", Locator(name)) from None
    try:
        # read-only unless there are merged ranges, which only a fully loaded sheet knows; the zip
        # check above bounds what loading can cost
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=not merged_cells, data_only=True)
    except Exception as error:  # openpyxl (and zipfile below it) raise many types for damaged workbooks
        raise UnreadableInput(f"not a readable XLSX workbook ({type(error).__name__}: {error})", Locator(name)) from None
    lines: list[SourceLine] = []
    try:
        for sheet_number, sheet in enumerate(workbook.worksheets, start=1):
            if (sheet.max_row or 0) > MAX_ROWS or (sheet.max_column or 0) > MAX_COLUMNS:
                raise UnreadableInput(
                    f"sheet {sheet.title!r} is {sheet.max_row} × {sheet.max_column} cells, beyond the limits",
                    Locator(name, page=sheet_number),
                )
            covered: set[tuple[int, int]] = set()
            for merged in getattr(sheet, "merged_cells", None) and sheet.merged_cells.ranges or ():
                for row in range(merged.min_row, merged.max_row + 1):
                    for column in range(merged.min_col, merged.max_col + 1):
                        if (row, column) != (merged.min_row, merged.min_col):
                            covered.add((row, column))
            for row in sheet.iter_rows():
                cells = [
                    "" if (getattr(cell, "row", None), getattr(cell, "column", None)) in covered
                    else _cell_text(getattr(cell, "value", None))
                    for cell in row
                ]
                while cells and not cells[-1]:
                    cells.pop()
                if any(cells):
                    lines.append(SourceLine(tuple(cells), len(lines) + 1, sheet_number))
        sheets = len(workbook.worksheets)
    except UnreadableInput:
        raise
    except Exception as error:  # read-only sheets are parsed lazily: damage shows up here
        raise UnreadableInput(f"not a readable XLSX workbook ({type(error).__name__}: {error})", Locator(name)) from None
    finally:
        workbook.close()
    if not lines:
        raise UnreadableInput("the workbook has no filled cells", Locator(name))
    return SourceDocument(
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lines=tuple(lines),
        pages=sheets,
    )
