"""Text extracted from a PDF, table cells separated by tabs (the layout of the Hebei sample).

Decoding accepts UTF-8 (with or without BOM), UTF-16 with or without a BOM and GB18030/GBK; line endings
CRLF, CR or LF. Binary data is refused with the offset of the first byte that gives it away.
"""

from __future__ import annotations

import codecs
import hashlib
import re

from ..errors import Locator, UnreadableInput
from .document import SourceDocument, SourceLine

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # control characters other than tab and line ends
MAX_LINE = 1_000_000  # characters; longer lines are refused rather than scanned forever
MAX_LINES = 1_000_000  # a disclosure has tens of thousands; 50 MB of blank lines would take minutes and gigabytes


def decode(data: bytes, name: str) -> str:
    """Bytes to text, refusing binary data and naming where it starts."""
    if not data.strip():
        raise UnreadableInput("the file is empty", Locator(name, line=1))
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name)
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is not None:
            return text
    nul = data.find(b"\x00")
    if nul >= 0:
        raise UnreadableInput(
            f"binary data (a NUL byte at offset {nul}); expected text", Locator(name, line=data.count(b"\n", 0, nul) + 1)
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            line = data.count(b"\n", 0, utf8_error.start) + 1
            raise UnreadableInput(
                f"not text in UTF-8, UTF-16 or GB18030 (undecodable byte at offset {utf8_error.start})",
                Locator(name, line=line),
            ) from None


# Code points that text in a disclosure is made of: ASCII, Latin-1, punctuation and symbols, CJK.
_PLAUSIBLE = ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x2BFF), (0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
              (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x3FFFF))


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 (LE or BE) without a BOM, or ``None``.

    Chinese text in UTF-16 has NUL bytes only in its ASCII characters, too few to tell the byte
    order by counting them; instead the decoding whose characters are nearly all plausible wins
    (the wrong byte order or binary data gives private-use and random code points).
    """
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:4096]
        plausible = sum(1 for ch in sample if ch in "\t\n\r\f" or any(a <= ord(ch) <= b for a, b in _PLAUSIBLE))
        if plausible >= 0.95 * len(sample):
            return text
    return None


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UnreadableInput(f"invalid {encoding} at byte {error.start}", Locator(name, line=1)) from None


_C0 = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # C0 control characters other than \t \n \f \r


def _control_ratio(text: str) -> float:
    sample = text[:4096]
    bad = len(_C0.findall(sample))
    return bad / max(1, len(sample))


def read_text(data: bytes, name: str) -> SourceDocument:
    """Read tab-separated extracted text into a ``SourceDocument``."""
    text = decode(data, name)
    if _control_ratio(text) > 0.05:
        raise UnreadableInput("binary data (control characters); expected text", Locator(name, line=1))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _CONTROL.sub("", text)  # a stray ESC or BEL must not reach a terminal through a name or a note
    count = text.count("\n") + 1
    if count > MAX_LINES:
        raise UnreadableInput(f"{count} lines, more than the limit of {MAX_LINES}", Locator(name, line=MAX_LINES + 1))
    lines: list[SourceLine] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if len(raw) > MAX_LINE:
            raise UnreadableInput(f"line longer than {MAX_LINE} characters", Locator(name, line=number))
        lines.append(SourceLine(tuple(raw.split("\t")), number))
    return SourceDocument(
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type="text/plain",
        lines=tuple(lines),
    )
