"""The XLSX reader: merged cells, numbers as printed, sheets as pages, zip bombs refused before
openpyxl opens anything, and a disclosure table recognised from a workbook."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opendata.errors import UnreadableInput
from opendata.read import read_bytes
from opendata.read.xlsx import MAX_UNCOMPRESSED, read_xlsx
from opendata.recognise import recognise


def _workbook(rows_by_sheet: list[list[list[object]]], merges: list[list[str]] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    for number, rows in enumerate(rows_by_sheet):
        sheet = workbook.active if number == 0 else workbook.create_sheet(f"S{number + 1}")
        for row in rows:
            sheet.append(row)
        for merged in (merges or [[]] * len(rows_by_sheet))[number]:
            sheet.merge_cells(merged)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


TABLE = [
    ["2024年部门收入预算总表"],
    ["编制部门：某县某局", None, None, None, "单位：万元"],
    ["项目", None, None, None, "收入预算", None],
    ["功能分类科目编码", None, None, "功能分类科目名称", "合计", "财政拨款收入"],
    ["类", "款", "项"],
    ["201", None, None, "一般公共服务支出", 1000.5, 1000.5],
    ["201", "05", "07", "专项普查活动", 1000.5, 1000.5],
    ["合计", None, None, None, 1000.5, 1000.5],
]
MERGES = [["A3:D3", "E3:F3", "A4:C4", "D4:D5", "E4:E5", "F4:F5", "A8:D8"]]


def test_merged_cells_keep_their_value_in_the_first_position():
    document = read_xlsx(_workbook([TABLE], MERGES), "t.xlsx")
    rows = [line.cells for line in document.lines]
    assert rows[2] == ("项目", "", "", "", "收入预算")
    assert rows[3] == ("功能分类科目编码", "", "", "功能分类科目名称", "合计", "财政拨款收入")
    assert rows[7] == ("合计", "", "", "", "1000.5", "1000.5")
    assert {line.page for line in document.lines} == {1}


def test_a_workbook_table_is_recognised():
    disclosure = recognise(read_bytes(_workbook([TABLE], MERGES), "t.xlsx"))
    table = disclosure.tables[0]
    assert table.kind == "income-summary" and table.unit.value == "万元"
    values = {line.key.slug: [c.amount.yuan for c in line.cells] for line in table.lines}
    assert values == {
        "func-201": [Decimal("10005000")] * 2,
        "func-2010507": [Decimal("10005000")] * 2,
        "total": [Decimal("10005000")] * 2,
    }


def test_sheets_are_pages_and_read_only_without_merges():
    document = read_xlsx(_workbook([[["a", 1]], [["b", 2.25]]]), "s.xlsx")
    assert [(line.page, line.cells) for line in document.lines] == [(1, ("a", "1")), (2, ("b", "2.25"))]
    assert document.pages == 2


@given(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2, allow_nan=False))
@settings(max_examples=50, deadline=None)
def test_numbers_are_written_as_printed(value):
    document = read_xlsx(_workbook([[["x", float(value)]]]), "n.xlsx")
    assert Decimal(document.lines[0].cells[1]) == Decimal(repr(float(value)))


def test_a_zip_bomb_is_refused_from_its_directory():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    with pytest.raises(UnreadableInput, match="zip bomb"):
        read_xlsx(out.getvalue(), "bomb.xlsx")


def test_a_huge_expansion_is_refused(monkeypatch):
    import opendata.read.xlsx as xlsx

    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED", 1000)
    with pytest.raises(UnreadableInput, match="expands to"):
        read_xlsx(_workbook([TABLE], MERGES), "big.xlsx")
    assert MAX_UNCOMPRESSED > 1000


def test_a_zip_that_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(UnreadableInput, match="not an XLSX workbook"):
        read_xlsx(out.getvalue(), "z.xlsx")


def test_garbage_is_not_a_workbook():
    with pytest.raises(UnreadableInput, match="not a readable XLSX"):
        read_xlsx(b"PK\x03\x04" + bytes(200), "g.xlsx")


def test_an_empty_workbook_is_unreadable():
    with pytest.raises(UnreadableInput, match="no filled cells"):
        read_xlsx(_workbook([[]]), "e.xlsx")
