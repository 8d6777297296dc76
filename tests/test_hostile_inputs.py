"""Hostile and random input, in the default run (bounded): the readers and parsers either give a
result or raise ``UnreadableInput`` naming the file; generated big inputs are refused or read within a
time bound, never with a traceback, never writing anything. Big files are made in tmp dirs, never committed."""

from __future__ import annotations

import codecs
import os
import resource
import subprocess
import sys
from decimal import Context, Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opendata.errors import UnreadableInput
from opendata.model.jsonview import to_data
from opendata.model.money import Unit, canonical, is_blank, parse_amount, parse_decimal
from opendata.model.targets import parse_target
from opendata.naming import safe_segment
from opendata.read import read_bytes
from opendata.read.text import MAX_LINE, MAX_LINES, read_text
from opendata.recognise import recognise

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
OK = (CORPUS / "ok.txt").read_text(encoding="utf-8")
BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TIME_BOUND = 300  # seconds; a command that has not finished by then is hung


def read_and_recognise(data: bytes, name: str = "fuzz.txt"):
    """The whole text path; ``None`` when refused (and then the refusal names the file)."""
    try:
        return recognise(read_text(data, name))
    except UnreadableInput as error:
        assert error.locator.file == name
        assert str(error).startswith(name)
        return None


# --- the text reader and recognition -------------------------------------------------------------

@BOUNDED
@given(st.binary(max_size=2000))
def test_any_bytes_are_read_or_refused(data: bytes) -> None:
    read_and_recognise(data)


@BOUNDED
@given(st.text(max_size=2000))
def test_any_text_in_any_encoding_is_read_or_refused(text: str) -> None:
    for encoding in ("utf-8", "utf-16", "gb18030"):
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            continue
        read_and_recognise(data)


LINES = OK.split("\n")
CELL = st.sampled_from(["", "—", "-", "/", "无", "单位不需填列", "(12.00)", "-3", "１２．５", "1,234.56", "合计",
                        "栏次", "单位：元", "预算年度：2025", "部门预算收支总表", "9" * 40, "1e9", "\x00", "\u202e"])


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """ok.txt with lines dropped, repeated, swapped or with cells replaced."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 6))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "repeat", "swap", "cell", "split"]))
        if action == "drop":
            del lines[index]
        elif action == "repeat":
            lines.insert(index, lines[index])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "cell":
            cells = lines[index].split("\t")
            cells[draw(st.integers(0, len(cells) - 1))] = draw(CELL | st.text(max_size=8))
            lines[index] = "\t".join(cells)
        else:
            lines[index:index + 1] = lines[index].split("\t", 1)
        if not lines:
            lines = [""]
    return "\n".join(lines)


@BOUNDED
@given(mutated())
def test_mutated_tables_are_read_or_refused_with_a_place(text: str) -> None:
    disclosure = read_and_recognise(text.encode("utf-8"))
    if disclosure is None:
        return
    to_data(disclosure)
    slug = disclosure.slug
    assert slug and "/" not in slug and ".." not in slug
    for figure in disclosure.figures():
        assert figure.locator.file == "fuzz.txt" and figure.locator.line is not None
        assert figure.amount.value.is_finite()
    for note in disclosure.notes:
        assert note.locator.file == "fuzz.txt"


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("gbk", b""), ("gb18030", b""),
    ("utf-16-le", b""), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", b""), ("utf-16-be", codecs.BOM_UTF16_BE),
])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_encoding_and_line_end_reads_the_same_cells(encoding: str, bom: bytes, newline: str) -> None:
    reference = recognise(read_bytes(OK.encode(), "t.txt"))
    other = recognise(read_bytes(bom + OK.replace("\n", newline).encode(encoding), "t.txt"))
    assert [f.amount for f in other.figures()] == [f.amount for f in reference.figures()]
    assert other.department == reference.department


# --- number, amount and target parsers -----------------------------------------------------------

@BOUNDED
@given(st.text(max_size=60))
def test_parse_decimal_gives_none_or_an_exact_finite_number(text: str) -> None:
    value = parse_decimal(text)
    if value is None:
        return
    assert value.is_finite()
    assert Decimal(canonical(value)) == value
    assert not any(ch.isalpha() for ch in text), "letters are never part of a number"


@BOUNDED
@given(st.integers(min_value=-(10**40), max_value=10**40), st.integers(0, 6))
def test_long_numbers_stay_exact_in_yuan(units: int, places: int) -> None:
    value = Decimal(units).scaleb(-places)
    text = format(value, "f")
    amount = parse_amount(text, Unit.WAN_YUAN)
    assert amount is not None and amount.value == value
    assert amount.yuan == value.scaleb(4, Context(prec=80))
    assert Decimal(amount.yuan_text) == amount.yuan


@BOUNDED
@given(st.text(max_size=40))
def test_parse_amount_is_an_amount_a_blank_or_a_value_error(text: str) -> None:
    try:
        amount = parse_amount(text, Unit.YUAN)
    except ValueError as error:
        assert repr(text) in str(error)
        return
    assert (amount is None) == is_blank(text)


@BOUNDED
@given(st.text(max_size=80))
def test_parse_target_never_fails_and_keeps_the_raw_text(text: str) -> None:
    target = parse_target(text)
    assert target.raw == text
    assert target.kind in {"numeric", "range", "deadline", "qualitative"}
    assert (target.value is None) == (target.kind == "qualitative")
    if target.month is not None:
        assert 1 <= target.month <= 12


# --- names that would escape a folder ------------------------------------------------------------

@BOUNDED
@given(st.text(max_size=120))
def test_safe_segment_cannot_escape_a_folder(text: str) -> None:
    segment = safe_segment(text)
    assert segment and len(segment) <= 80
    assert segment not in (".", "..")
    assert "/" not in segment and "\\" not in segment and "\x00" not in segment
    assert not segment.startswith((".", "-", "_"))
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in segment)
    root = Path("/out")
    assert (root / segment).resolve().parent == root


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "..", ".", "C:\\Windows\\system32", "a/../../b",
                                  "\x00", "con", "某局\u202e\u200b", "~root", "-rf", "　", "．．／"])
def test_hostile_names_become_one_safe_segment(name: str) -> None:
    segment = safe_segment(name)
    assert "/" not in segment and "\\" not in segment and segment not in ("", ".", "..")
    assert not segment.startswith(("-", "."))


# --- generated big inputs, through the CLI -------------------------------------------------------

def run_cli(args: list[str], cwd: Path, memory_mb: int = 3000) -> subprocess.CompletedProcess[str]:
    """``opendata ARGS`` in ``cwd`` with an address-space limit; fails the test on a hang or a traceback."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024, memory_mb * 1024 * 1024))

    try:
        result = subprocess.run([sys.executable, "-m", "opendata", *args], cwd=cwd, capture_output=True,
                                text=True, timeout=TIME_BOUND, preexec_fn=limit, encoding="utf-8", errors="replace")
    except subprocess.TimeoutExpired:
        pytest.fail(f"`opendata {' '.join(args)}` did not finish within {TIME_BOUND} s")
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-3000:]
    assert "MemoryError" not in result.stderr
    return result


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """An empty working directory for the command; the big file lives beside it."""
    folder = tmp_path / "cwd"
    folder.mkdir()
    yield folder
    assert list(folder.iterdir()) == [], "the command wrote into its working directory"


def test_50_mb_of_blank_lines_is_refused_at_the_line_limit(tmp_path: Path, workdir: Path) -> None:
    big = tmp_path / "blank-lines.txt"
    big.write_bytes(OK.encode() + b"\n" * (50 * 1024 * 1024))
    result = run_cli(["inspect", str(big)], workdir)
    assert result.returncode == 3
    assert f"blank-lines.txt, line {MAX_LINES + 1}" in result.stderr and "more than the limit" in result.stderr


def test_50_mb_of_binary_is_refused_naming_the_offset(tmp_path: Path, workdir: Path) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as handle:
        handle.write(OK.encode())
        handle.write(os.urandom(1024) * (50 * 1024))
    result = run_cli(["inspect", str(big)], workdir)
    assert result.returncode == 3
    assert "big.bin, line " in result.stderr and ("binary data" in result.stderr or "not text" in result.stderr)


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path, workdir: Path) -> None:
    from opendata.read import MAX_BYTES

    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:  # sparse: no disk space used
        handle.truncate(MAX_BYTES + 1)
    result = run_cli(["inspect", str(big)], workdir, memory_mb=1000)
    assert result.returncode == 3
    assert "huge.txt" in result.stderr and "more than the limit" in result.stderr


def test_a_line_over_the_length_limit_is_refused_naming_it(tmp_path: Path, workdir: Path) -> None:
    long = tmp_path / "long-line.txt"
    long.write_text(OK + "说明" + "很长" * (MAX_LINE // 2 + 1) + "\n", encoding="utf-8")
    result = run_cli(["inspect", str(long)], workdir)
    assert result.returncode == 3
    assert f"long-line.txt, line {len(LINES)}" in result.stderr and "line longer than" in result.stderr


def test_long_lines_under_the_limit_are_read(tmp_path: Path, workdir: Path) -> None:
    long = tmp_path / "long-lines.txt"
    line = "说明：" + "这是一段没有数字的说明文字" * 20000
    long.write_text(OK + "\n".join([line] * 5) + "\n", encoding="utf-8")
    result = run_cli(["inspect", "--format", "json", str(long)], workdir)
    assert result.returncode == 0, result.stderr


def test_devices_are_refused_not_read_forever(workdir: Path) -> None:
    result = run_cli(["inspect", "/dev/zero"], workdir, memory_mb=1000)
    assert result.returncode == 3
    assert "zero" in result.stderr and "not a regular file" in result.stderr


@pytest.mark.skipif(not os.environ.get("OPENDATA_BIG_TESTS"), reason="takes minutes; set OPENDATA_BIG_TESTS=1")
def test_50_mb_of_text_is_read_within_the_bound(tmp_path: Path, workdir: Path) -> None:
    big = tmp_path / "big.txt"
    paragraph = ("这是一段很长的说明文字，没有数字。" * 600 + "\n").encode()
    with big.open("wb") as handle:
        handle.write(OK.encode())
        handle.write(paragraph * (50 * 1024 * 1024 // len(paragraph)))
    result = run_cli(["inspect", str(big)], workdir)
    assert result.returncode == 0, result.stderr


# --- spreadsheets: zip bombs and damaged archives, generated here (never committed) ---------------

def ok_workbook() -> bytes:
    """ok.txt as a one-sheet workbook."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    for line in OK.strip().split("\n"):
        book.active.append(line.split("\t"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The workbook with some members' contents replaced (deflated)."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member.filename, replace.get(member.filename, source.read(member)))
    return out.getvalue()


def zeros_member(size: int) -> bytes:
    """A worksheet that is a valid start followed by ``size`` bytes of spaces (compresses ~1000-fold)."""
    return b"<?xml version='1.0'?><worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>" \
        + b" " * size + b"<sheetData/></worksheet>"


def test_an_ordinary_workbook_reads_like_the_text(tmp_path: Path, workdir: Path) -> None:
    path = tmp_path / "ok.xlsx"
    path.write_bytes(ok_workbook())
    result = run_cli(["inspect", "--format", "json", str(path)], workdir)
    assert result.returncode == 0, result.stderr
    import json

    values = [c["amount"]["value"] for t in json.loads(result.stdout)["tables"] for line in t["lines"]
              for c in line.get("cells", []) if "amount" in c]
    assert values == ["10.00", "4.00", "6.00"] * 4


def test_an_xlsx_zip_bomb_is_refused_before_expanding(tmp_path: Path, workdir: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(rezip(ok_workbook(), {"xl/worksheets/sheet1.xml": zeros_member(300 * 1024 * 1024)}))
    assert path.stat().st_size < 2 * 1024 * 1024
    result = run_cli(["inspect", str(path)], workdir, memory_mb=1500)
    assert result.returncode == 3
    assert "bomb.xlsx" in result.stderr and ("zip bomb" in result.stderr or "more than the limit" in result.stderr)


def _lie_about_sizes(data: bytes, member: str, size: int) -> bytes:
    """Patch the uncompressed size of ``member`` in the local header and the central directory."""
    import struct

    raw = bytearray(data)
    name = member.encode()
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := raw.find(signature, start)) >= 0:
            if raw[start + name_offset:start + name_offset + len(name)] == name:
                struct.pack_into("<I", raw, start + size_offset, size)
            start += 4
    return bytes(raw)


def test_an_xlsx_whose_directory_lies_about_sizes_is_refused(tmp_path: Path, workdir: Path) -> None:
    """The classic bomb hides its size: the directory promises 1 KB, the member inflates to 50 MB."""
    bomb = rezip(ok_workbook(), {"xl/worksheets/sheet1.xml": zeros_member(50 * 1024 * 1024)})
    path = tmp_path / "liar.xlsx"
    path.write_bytes(_lie_about_sizes(bomb, "xl/worksheets/sheet1.xml", 1024))
    result = run_cli(["inspect", str(path)], workdir, memory_mb=1500)
    assert result.returncode == 3, result.stderr
    assert "liar.xlsx" in result.stderr


def test_an_xlsx_with_a_damaged_member_is_refused(tmp_path: Path, workdir: Path) -> None:
    """A bad CRC (a damaged download) in the sheet: found by fuzz_xlsx_reader."""
    import struct

    data = bytearray(ok_workbook())
    name = b"xl/worksheets/sheet1.xml"
    for signature, crc_offset, name_offset in ((b"PK\x03\x04", 14, 30), (b"PK\x01\x02", 16, 46)):
        start = data.find(signature)
        while start >= 0:
            if data[start + name_offset:start + name_offset + len(name)] == name:
                struct.pack_into("<I", data, start + crc_offset, 0xDEADBEEF)
            start = data.find(signature, start + 4)
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    result = run_cli(["inspect", str(path)], workdir)
    assert result.returncode == 3, result.stderr
    assert "damaged.xlsx" in result.stderr


def test_entities_in_a_worksheet_are_not_expanded(tmp_path: Path, workdir: Path) -> None:
    laughs = "<!ENTITY a0 'lol'>" + "".join(f"<!ENTITY a{i} '{f'&a{i - 1};' * 10}'>" for i in range(1, 10))
    sheet = (f"<?xml version='1.0'?><!DOCTYPE worksheet [{laughs}<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
             "<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><sheetData>"
             "<row r='1'><c r='A1' t='inlineStr'><is><t>&a9;&x;</t></is></c></row></sheetData></worksheet>").encode()
    path = tmp_path / "entities.xlsx"
    path.write_bytes(rezip(ok_workbook(), {"xl/worksheets/sheet1.xml": sheet}))
    result = run_cli(["inspect", "--format", "json", str(path)], workdir, memory_mb=1500)
    assert result.returncode in (0, 3), result.stderr
    assert "lollol" not in result.stdout and "root:" not in result.stdout


def test_an_xlsx_missing_its_first_bytes_is_refused(tmp_path: Path, workdir: Path) -> None:
    """A download that lost its start: the zip directory points before the file (found by fuzz_xlsx_reader)."""
    path = tmp_path / "headless.xlsx"
    path.write_bytes(ok_workbook()[200:])
    result = run_cli(["inspect", str(path)], workdir)
    assert result.returncode == 3, result.stderr
    assert "headless.xlsx" in result.stderr


def _patch_central_directory(data: bytes, offset: int, value: int) -> bytes:
    """Set a 2-byte field of every central directory entry (offset from the entry's signature)."""
    import struct

    raw = bytearray(data)
    start = raw.find(b"PK\x01\x02")
    while start >= 0:
        struct.pack_into("<H", raw, start + offset, value)
        start = raw.find(b"PK\x01\x02", start + 4)
    return bytes(raw)


@pytest.mark.parametrize("case, offset, value", [("encrypted-members", 8, 0x0001), ("future-zip-version", 6, 99)])
def test_an_xlsx_zip_the_reader_cannot_open_is_refused(tmp_path: Path, workdir: Path, case: str, offset: int,
                                                       value: int) -> None:
    """Members flagged as encrypted (RuntimeError in zipfile) or needing zip version 9.9 (NotImplementedError):
    found by fuzz_xlsx_reader."""
    path = tmp_path / f"{case}.xlsx"
    path.write_bytes(_patch_central_directory(ok_workbook(), offset, value))
    result = run_cli(["inspect", str(path)], workdir)
    assert result.returncode == 3, result.stderr
    assert f"{case}.xlsx" in result.stderr


# --- the other readers under random input (bounded; the atheris harnesses run longer) ---------------

SMALL = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PDF_SEED = (CORPUS / "text-without-table.pdf").read_bytes()


def _read_or_refuse(reader, data: bytes, name: str) -> None:
    try:
        document = reader(data, name)
    except UnreadableInput as error:
        assert error.locator.file == name
        return
    try:
        recognise(document)
    except UnreadableInput as error:
        assert error.locator.file == name


@st.composite
def mutated_bytes(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with a few bytes flipped, ranges deleted or repeated."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "delete", "repeat", "truncate"]))
        if action == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif action == "repeat":
            data[at:at] = data[at:at + draw(st.integers(1, 64))]
        else:
            del data[at:]
        if not data:
            data = bytearray(b"%")
    return bytes(data)


@SMALL
@given(mutated_bytes(PDF_SEED))
def test_damaged_pdfs_are_read_or_refused(data: bytes) -> None:
    from opendata.read.pdf import read_pdf

    _read_or_refuse(read_pdf, data, "fuzz.pdf")


@SMALL
@given(mutated_bytes((CORPUS / "ok.html").read_bytes()) | st.text(max_size=500).map(str.encode))
def test_damaged_html_is_read_or_refused(data: bytes) -> None:
    from opendata.read.html import read_html

    _read_or_refuse(read_html, data, "fuzz.html")


@SMALL
@given(st.data())
def test_damaged_workbooks_are_read_or_refused(data: st.DataObject) -> None:
    from opendata.read.xlsx import read_xlsx

    _read_or_refuse(read_xlsx, data.draw(mutated_bytes(_WORKBOOK)), "fuzz.xlsx")


_WORKBOOK = ok_workbook()
