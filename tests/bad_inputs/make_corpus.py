"""Build the derived files of the bad-input corpus from ``ok.txt`` (run it after editing ok.txt).

``python tests/bad_inputs/make_corpus.py`` rewrites them; ``tests/test_bad_inputs.py`` checks that
the committed files are exactly what this script makes, so the corpus cannot drift from its recipe.
Big inputs (50 MB, million-character lines, bombs) are never committed: the tests make them in tmp dirs.
"""

from __future__ import annotations

import codecs
import hashlib
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROW = "4\t2060101\t行政运行\t10.00\t4.00\t6.00"


def _rows(text: str, replace: dict[str, str]) -> str:
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def text_variants(base: str) -> dict[str, bytes]:
    """Broken and odd text files, each a small edit of the good one."""
    lines = base.split("\n")
    end = lines.index(ROW)
    return {
        "empty.txt": b"",
        "blank-lines.txt": b"  \n\t\n\n",
        "binary.bin": b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4,
        "undecodable.txt": b"\xff\x80\xfe\x81" * 64,
        "no-table.txt": "某县某局关于二〇二四年工作的说明。\n这里没有表格。\n".encode(),
        "cut-mid-row.txt": "\n".join(lines[:end] + ["4\t2060101\t行政运行\t10.00"]).encode(),
        "cut-before-first-row.txt": "\n".join(lines[: lines.index("栏次\t1\t2\t3\t4\t5") + 1]).encode(),
        "missing-column.txt": _rows(base, {
            "\t合计\t基本支出\t项目支出\n": "\t合计\t基本支出\n", "栏次\t1\t2\t3\t4\t5": "栏次\t1\t2\t3\t4",
            "\t科目名称\t\t\t\n": "\t科目名称\t\t\n",
        }).replace("\t4.00\t6.00", "\t4.00").encode(),
        "data-missing-column.txt": base.replace("\t4.00\t6.00", "\t4.00\t").encode(),
        "duplicated-rows.txt": base.replace(ROW, ROW + "\n" + ROW).encode(),
        "blank-amounts.txt": _rows(base, {
            "2\t206\t科学技术支出\t10.00\t4.00\t6.00": "2\t206\t科学技术支出\t10.00\t—\t-",
            "3\t20601\t科学技术管理事务\t10.00\t4.00\t6.00": "3\t20601\t科学技术管理事务\t/\t无\t单位不需填列",
        }).encode(),
        "not-an-amount.txt": base.replace(ROW, "4\t2060101\t行政运行\t十元\t4.00\t6.00").encode(),
        "full-width-digits.txt": base.replace(ROW, "4\t2060101\t行政运行\t１０．００\t４．００\t６．００").encode(),
        "negative-amounts.txt": base.replace(ROW, "4\t2060101\t行政运行\t-12.00\t(12.00)\t（１２．００）").encode(),
        "department-traversal.txt": base.replace("304 某县某局", "304 ../../../tmp/某局").encode(),
        "department-absolute.txt": base.replace("304 某县某局", "304 /etc/某局\\..\\x").encode(),
        "department-odd-chars.txt": base.replace("304 某县某局", "304 某局\u202e\u200b:*?\"<>|.").encode(),
        "control-characters.txt": base.replace("说明文字。", "说明\x1b文字\x07\x08\x7f。")
        .replace("304 某县某局", "304 某县\x1b某局\x9b").encode(),
        # encodings and line ends: each reads to the same model as ok.txt
        "gbk.txt": base.encode("gbk"),
        "gb18030.txt": base.encode("gb18030"),
        "utf16le-bom.txt": codecs.BOM_UTF16_LE + base.encode("utf-16-le"),
        "utf16be-bom.txt": codecs.BOM_UTF16_BE + base.encode("utf-16-be"),
        "utf16le-nobom.txt": base.encode("utf-16-le"),
        "utf16be-nobom.txt": base.encode("utf-16-be"),
        "utf8-bom.txt": codecs.BOM_UTF8 + base.encode(),
        "crlf.txt": base.replace("\n", "\r\n").encode(),
        "cr.txt": base.replace("\n", "\r").encode(),
    }


# --- tiny PDFs written object by object -------------------------------------------------------

def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A PDF file with a correct cross-reference table: ``objects[i]`` is object i+1, object 1 the catalog."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources %s >>"
TEXT = b"BT /F1 12 Tf 20 150 Td (Budget 2024) Tj ET"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def text_pdf() -> bytes:
    """One page with a line of text (readable, but holding no budget table)."""
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        PAGE % b"<< /Font << /F1 5 0 R >> >>",
        _stream(TEXT),
        FONT,
    ])


def scanned_pdf() -> bytes:
    """One page that is only an image (a scan): no text layer at all."""
    pixels = bytes((x * 16 + y) % 256 for y in range(16) for x in range(16))
    image = _stream(zlib.compress(pixels), b"/Type /XObject /Subtype /Image /Width 16 /Height 16 "
                    b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode ")
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        PAGE % b"<< /XObject << /Im1 5 0 R >> >>",
        _stream(b"q 180 0 0 180 10 10 cm /Im1 Do Q"),
        image,
    ])


_PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")
FILE_ID = hashlib.md5(b"opendata bad input").digest()


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: bytes = b"secret", owner_password: bytes = b"owner") -> bytes:
    """The text PDF encrypted with the standard security handler (RC4, revision 2) and a user password."""
    permissions = -4
    owner = _rc4(hashlib.md5((owner_password + _PAD)[:32]).digest()[:5], (user_password + _PAD)[:32])
    key = hashlib.md5((user_password + _PAD)[:32] + owner + struct.pack("<i", permissions) + FILE_ID).digest()[:5]
    user = _rc4(key, _PAD)
    content = _rc4(hashlib.md5(key + struct.pack("<i", 4)[:3] + b"\x00\x00").digest()[:10], TEXT)

    def hexstr(data: bytes) -> bytes:
        return b"<" + data.hex().encode() + b">"

    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O %s /U %s /P %d >>" % (hexstr(owner), hexstr(user), permissions)
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        PAGE % b"<< /Font << /F1 5 0 R >> >>",
        _stream(content),
        FONT,
        encrypt,
    ], b"/Encrypt 6 0 R /ID [%s %s] " % (hexstr(FILE_ID), hexstr(FILE_ID)))


def pdf_variants() -> dict[str, bytes]:
    good = text_pdf()
    return {
        "text-without-table.pdf": good,
        "scanned.pdf": scanned_pdf(),
        "encrypted.pdf": encrypted_pdf(),
        "truncated.pdf": good[: len(good) // 3],
        "corrupt.pdf": b"%PDF-1.7\n" + bytes((i * 37 + 11) % 256 for i in range(600)),
        "not-a-pdf.pdf": "部门预算收支总表\n".encode(),
        # found by fuzz_pdf_reader: a page without a MediaBox, a dictionary with an odd number of items
        "no-mediabox.pdf": good.replace(b"/MediaBox", b"/MebiaBox"),
        "odd-dictionary.pdf": _pdf([
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE % b"<< /Font << /F1 5 0 R >> >>",
            _stream(TEXT, b"/Filter "),
            FONT,
        ]),
    }


# --- HTML and XHTML: entities that would read files or explode, nesting past the parser's depth ---

def _table_html(base: str) -> str:
    """The meta lines as paragraphs, the grid as a table, the closing text as a paragraph."""
    lines = base.strip().split("\n")
    start, end = lines.index("序号\t功能分类科目\t\t合计\t基本支出\t项目支出"), lines.index(ROW) + 1
    paragraphs = "".join(f"<p>{line}</p>" for line in lines[:start] if line)
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in line.split("\t")) + "</tr>" for line in lines[start:end])
    return f"{paragraphs}<table>{rows}</table>" + "".join(f"<p>{line}</p>" for line in lines[end:] if line)


def _laughs(levels: int = 10) -> str:
    """The billion laughs: ten entities, each ten of the previous (10^9 "lol"s from a few hundred bytes)."""
    return "<!ENTITY a0 'lol'>" + "".join(f"<!ENTITY a{i} '{f'&a{i - 1};' * 10}'>" for i in range(1, levels))


def html_variants(base: str) -> dict[str, bytes]:
    table = _table_html(base)
    xhtml = "<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE html [{dtd}]>\n" \
            "<html xmlns='http://www.w3.org/1999/xhtml'><head><title>t</title></head><body>{body}</body></html>"
    page = "<!DOCTYPE html{dtd}><html><head><meta charset='utf-8'><title>t</title></head><body>{body}</body></html>"
    return {
        "ok.html": page.format(dtd="", body=table).encode(),
        "xxe-file.xhtml": xhtml.format(dtd="<!ENTITY x SYSTEM 'file:///etc/passwd'>", body=f"<p>&x;</p>{table}").encode(),
        "xxe-network.xhtml": xhtml.format(dtd="<!ENTITY x SYSTEM 'http://127.0.0.1:9/x'>", body=f"<p>&x;</p>{table}").encode(),
        "xxe-parameter.xhtml": xhtml.format(dtd="<!ENTITY % p SYSTEM 'file:///etc/passwd'> %p;", body=table).encode(),
        "xxe-file.html": page.format(dtd=" [<!ENTITY x SYSTEM 'file:///etc/passwd'>]", body=f"<p>&x;</p>{table}").encode(),
        "billion-laughs.xhtml": xhtml.format(dtd=_laughs(), body=f"<p>&a9;</p>{table}").encode(),
        "billion-laughs.html": page.format(dtd=f" [{_laughs()}]", body=f"<p>&a9;</p>{table}").encode(),
        "nested-deep.html": page.format(dtd="", body="<div>" * 300 + table + "</div>" * 300).encode(),
        "nested-deep-after-text.html": page.format(
            dtd="", body="<p>部门预算一般公共预算财政拨款支出表</p>" + "<div>" * 300 + table + "</div>" * 300).encode(),
    }


def build() -> dict[str, bytes]:
    """Every derived file of the corpus, by name."""
    base = (HERE / "ok.txt").read_text(encoding="utf-8")
    return {**text_variants(base), **pdf_variants(), **html_variants(base)}


if __name__ == "__main__":
    for name, data in build().items():
        (HERE / name).write_bytes(data)
        print(name, len(data))
