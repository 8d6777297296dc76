"""Text extracted from a PDF, table cells separated by tabs (the layout of the Hebei sample).

Decoding accepts UTF-8 (with or without BOM), UTF-16 with a BOM and GB18030/GBK; line endings
CRLF, CR or LF. Binary data is refused with the offset of the first byte that gives it away.
"""

from __future__ import annotations

import codecs
import hashlib

from ..errors import Locator, UnreadableInput
from .document import SourceDocument, SourceLine

MAX_LINE = 1_000_000  # characters; longer lines are refused rather than scanned forever


def decode(data: bytes, name: str) -> str:
    """Bytes to text, refusing binary data and naming where it starts."""
    if not data.strip():
        raise UnreadableInput("the file is empty", Locator(name, line=1))
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name)
    if _looks_utf16(data):
        try:
            text = data.decode("utf-16-le" if data[1] == 0 else "utf-16-be")
        except UnicodeDecodeError:
            text = ""
        if text and _control_ratio(text) < 0.01:
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


def _looks_utf16(data: bytes) -> bool:
    sample = data[:200]
    if len(sample) < 4:
        return False
    even_nuls = sample[1::2].count(0)
    odd_nuls = sample[0::2].count(0)
    half = len(sample) // 2
    return even_nuls > half * 0.6 or odd_nuls > half * 0.6


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UnreadableInput(f"invalid {encoding} at byte {error.start}", Locator(name, line=1)) from None


def _control_ratio(text: str) -> float:
    sample = text[:4096]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return bad / max(1, len(sample))


def read_text(data: bytes, name: str) -> SourceDocument:
    """Read tab-separated extracted text into a ``SourceDocument``."""
    text = decode(data, name)
    if _control_ratio(text) > 0.05:
        raise UnreadableInput("binary data (control characters); expected text", Locator(name, line=1))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
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
