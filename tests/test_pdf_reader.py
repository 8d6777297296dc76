"""The PDF reader on small PDFs written here object by object (ruled tables, text, page numbers),
on the broken PDFs of tests/bad_inputs, and its helpers on word boxes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opendata.errors import UnreadableInput
from opendata.read import read_bytes
from opendata.read.pdf import _halves, _lines_of, _paragraphs, _Row, _text_rows, _Word, read_pdf
from opendata.recognise.grid import _join_code

BAD = Path(__file__).resolve().parent / "bad_inputs"


# --- a tiny PDF writer -----------------------------------------------------------------------------

def _pdf(pages: list[bytes], width: int = 400, height: int = 400) -> bytes:
    """A PDF whose pages have the given content streams (Helvetica as /F1, no compression)."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    font = len(objects) + 1
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for content in pages:
        stream = len(objects) + 1
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        page = len(objects) + 1
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (width, height, stream, font)
        )
        kids.append(page)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _text(x: float, y: float, text: str, size: int = 10) -> bytes:
    return b"BT /F1 %d Tf %.1f %.1f Td (%s) Tj ET\n" % (size, x, y, text.encode("latin-1"))


def _grid(xs: list[float], ys: list[float]) -> bytes:
    """Ruling lines: verticals at ``xs`` and horizontals at ``ys`` spanning the grid."""
    out = b"0.5 w\n"
    for x in xs:
        out += b"%.1f %.1f m %.1f %.1f l S\n" % (x, ys[0], x, ys[-1])
    for y in ys:
        out += b"%.1f %.1f m %.1f %.1f l S\n" % (xs[0], y, xs[-1], y)
    return out


def _table(xs, ys, rows, nudge=None) -> bytes:
    """A ruled table: ``rows`` top to bottom, cell text placed near the left of each cell."""
    content = _grid(xs, ys)
    tops = sorted(ys, reverse=True)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                dy = (nudge or {}).get((r, c), 0)
                content += _text(xs[c] + 3, tops[r + 1] + 5 + dy, text)
    return content


def test_ruled_table_rows_and_cells_in_column_order():
    xs = [20, 80, 200, 300]
    ys = [100, 120, 140, 160, 180]
    rows = [["Code", "Name", "Amount"], ["201", "Admin", "1,234"], ["202", "Foreign", "56.78"], ["Total", "", "1,290.78"]]
    # the figures printed 4 points lower than their labels: still the same row
    nudge = {(1, 2): -4, (2, 2): 4}
    document = read_pdf(_pdf([_text(20, 300, "Title of the table") + _table(xs, ys, rows, nudge)]), "t.pdf")
    cells = [line.cells for line in document.lines]
    assert cells == [("Title of the table",), *[tuple(row) for row in rows]]
    assert {line.page for line in document.lines} == {1}
    assert [line.line for line in document.lines] == list(range(1, 6))
    assert document.media_type == "application/pdf" and document.pages == 1


def test_wrapped_cell_text_is_joined():
    xs = [20, 120, 200]
    ys = [100, 140, 160]
    content = _grid(xs, ys) + _text(23, 145, "Head") + _text(123, 145, "Value")
    content += _text(23, 125, "Pension") + _text(23, 112, "contribution") + _text(123, 118, "7")
    document = read_pdf(_pdf([content]), "w.pdf")
    assert [line.cells for line in document.lines] == [("Head", "Value"), ("Pension contribution", "7")]


def test_two_halves_side_by_side_read_one_after_the_other():
    xs = [20, 60, 120, 160, 220, 260, 320]
    ys = [100, 120, 140, 160]
    rows = [["Code", "Name", "Amount", "Code", "Name", "Amount"], ["301", "Pay", "5", "302", "Goods", "6"],
            ["30101", "Wage", "4", "30201", "Office", "1"]]
    document = read_pdf(_pdf([_table(xs, ys, rows)]), "h.pdf")
    assert [line.cells for line in document.lines] == [
        ("Code", "Name", "Amount"), ("301", "Pay", "5"), ("30101", "Wage", "4"),
        ("Code", "Name", "Amount"), ("302", "Goods", "6"), ("30201", "Office", "1"),
    ]


def test_two_halves_continued_on_the_next_page_keep_each_half_together():
    xs = [20, 60, 120, 160, 220, 260, 320]
    first = _table(xs, [100, 120, 140], [["Code", "Name", "Amount", "Code", "Name", "Amount"],
                                        ["301", "Pay", "5", "302", "Goods", "6"]])
    second = _table(xs, [300, 320, 340], [["303", "Aid", "1", "310", "Capital", "2"]])
    document = read_pdf(_pdf([first, second]), "h2.pdf")
    assert [(line.page, line.cells[0]) for line in document.lines] == [
        (1, "Code"), (1, "301"), (2, "303"), (1, "Code"), (1, "302"), (2, "310"),
    ]


def test_page_numbers_in_the_margins_are_left_out():
    pages = [_text(20, 300, "Some text on page %d" % n) + _text(195, 10, str(n)) + _text(180, 390, "- %d -" % n)
             for n in (1, 2)]
    document = read_pdf(_pdf(pages), "p.pdf")
    assert [line.cells for line in document.lines] == [("Some text on page 1",), ("Some text on page 2",)]
    assert [line.page for line in document.lines] == [1, 2]


def test_a_number_in_the_body_is_kept():
    document = read_pdf(_pdf([_text(20, 200, "42")]), "n.pdf")
    assert [line.cells for line in document.lines] == [("42",)]


def test_wide_gaps_split_a_text_line_into_cells():
    document = read_pdf(_pdf([_text(20, 300, "Department: X") + _text(300, 300, "Unit: yuan")]), "m.pdf")
    assert [line.cells for line in document.lines] == [("Department: X", "Unit: yuan")]


def test_a_page_without_text_is_listed_and_reading_goes_on():
    document = read_pdf(_pdf([_text(20, 300, "first"), b"0.5 w 10 10 m 100 100 l S", _text(20, 300, "third")]), "b.pdf")
    assert document.blank_pages == (2,)
    assert [line.page for line in document.lines] == [1, 3]


def test_deterministic():
    data = _pdf([_table([20, 80, 200], [100, 120, 140], [["a", "1"], ["b", "2"]])])
    assert read_pdf(data, "d.pdf") == read_pdf(data, "d.pdf")


# --- unreadable PDFs ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "name,message",
    [
        ("scanned.pdf", "scanned PDF without a text layer"),
        ("encrypted.pdf", "encrypted PDF (a password is needed)"),
        ("corrupt.pdf", "corrupt PDF"),
        ("truncated.pdf", "corrupt PDF"),
        ("not-a-pdf.pdf", "not a PDF (no %PDF header)"),
    ],
)
def test_unreadable_pdfs_raise_with_a_page(name, message):
    path = BAD / name
    if not path.exists():
        pytest.skip(f"{path} is not in this checkout")
    with pytest.raises(UnreadableInput) as raised:
        read_bytes(path.read_bytes(), name)
    assert message in raised.value.message
    assert raised.value.locator.file == name and raised.value.locator.page == 1


def test_a_pdf_of_empty_pages_is_a_scan():
    with pytest.raises(UnreadableInput, match="without a text layer"):
        read_pdf(_pdf([b"0.5 w 10 10 m 100 100 l S"]), "e.pdf")


def test_garbage_after_the_header_is_corrupt():
    with pytest.raises(UnreadableInput, match="corrupt PDF"):
        read_pdf(b"%PDF-1.4\n" + bytes(range(256)) * 8, "g.pdf")


# --- helpers on word boxes ----------------------------------------------------------------------------

def _word(text, x0, top, width=20, height=10):
    return _Word(text, x0, x0 + width, top, top + height)


def test_numbers_a_few_points_off_the_baseline_stay_on_their_line():
    words = [_word("总计", 10, 100), _word("2995.39", 40, 105), _word("万元", 80, 100), _word("下一行", 10, 114)]
    lines = _lines_of(words)
    assert [[w.text for w in line] for line in lines] == [["总计", "2995.39", "万元"], ["下一行"]]


def test_paragraph_lines_joined_but_not_headings():
    rows = [
        _Row(100, 112, ("　一般公共预算财政拨款支出年初预算为1560.05万元，支出决算为1511.89万",), 34),
        _Row(114, 126, ("元。决算数小于预算数。",), 10),
        _Row(128, 140, ("二、收入决算情况说明",), 10),
        _Row(142, 154, ("2023年度相比",), 10),
    ]
    joined = _paragraphs(rows)
    assert [row.cells[0] for row in joined] == [
        "　一般公共预算财政拨款支出年初预算为1560.05万元，支出决算为1511.89万元。决算数小于预算数。",
        "二、收入决算情况说明2023年度相比",
    ]


def test_text_rows_from_words():
    rows = _text_rows([_word("编制部门：某局", 10, 100, 60), _word("单位：元", 300, 100, 40)])
    assert [row.cells for row in rows] == [("编制部门：某局", "单位：元")]


@given(st.lists(st.text(alphabet="类款项名称合计0123456789", min_size=1, max_size=4), min_size=2, max_size=4))
def test_halves_only_when_the_top_row_repeats(cells):
    assert _halves([cells + cells]) == (len(cells) if len(cells) * 2 >= 4 else 0)
    assert _halves([cells + ["x" + c for c in cells]]) == 0


@given(st.integers(100, 999), st.integers(0, 99), st.integers(0, 99))
def test_code_parts_joined_with_two_digit_parts(cls, kuan, xiang):
    assert _join_code([str(cls), str(kuan), str(xiang)]) == f"{cls}{kuan:02d}{xiang:02d}"
    assert _join_code([str(cls), f"{kuan:02d}", ""]) == f"{cls}{kuan:02d}"
    assert _join_code([str(cls)]) == str(cls)
