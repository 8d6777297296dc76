"""The text reader and the recognition of page breaks, continuations and unreadable input."""

from __future__ import annotations

import codecs
from decimal import Decimal
from pathlib import Path

import pytest

import opendata
from opendata.errors import UnreadableInput
from opendata.read import read_bytes

SAMPLE = opendata.sample_path().read_bytes()

TABLE = """部门预算一般公共预算财政拨款支出表

304 某县某局

预算年度：2024

单位：万元

序号\t功能分类科目\t\t合计\t基本支出\t项目支出
\t科目编码\t科目名称\t\t\t
栏次\t1\t2\t3\t4\t5
1\t\t合计\t10.00\t4.00\t6.00
2\t206\t科学技术支出\t10.00\t4.00\t6.00

304 某县某局

预算年度：2024

单位：万元

序号\t功能分类科目\t\t合计\t基本支出\t项目支出
\t科目编码\t科目名称\t\t\t
档次\t1\t2\t3\t4\t5
3\t20601\t科学技术管理事务\t10.00\t4.00\t6.00
4\t2060101\t行政运行\t10.00\t4.00\t6.00

说明文字。
"""


def load_text(text: str, name: str = "t.txt") -> opendata.Disclosure:
    from opendata.recognise import recognise

    return recognise(read_bytes(text.encode("utf-8"), name))


def test_page_break_continues_the_same_table_without_header_rows():
    d = load_text(TABLE)
    (table,) = d.tables
    assert table.pages == 2
    assert [line.key.slug for line in table.lines] == ["total", "func-206", "func-20601", "func-2060101"]
    assert [line.locator.row for line in table.lines] == [1, 2, 3, 4]
    # the repeated header (with 档次 for 栏次) is not read as data
    assert all(line.label not in ("科目名称", "档次") for line in table.lines)
    assert not [e for e in d.coverage if e.status == "not-understood"]


def test_a_changed_header_after_a_page_break_is_not_merged_silently():
    text = TABLE.replace("档次\t1\t2\t3\t4\t5", "档次\t1\t2\t3\t4\t5\t6")
    d = load_text(text)
    assert d.tables[0].lines  # still read
    assert not [e for e in d.coverage if e.status == "not-understood"]


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"],
)
def test_encodings(encoding):
    data = TABLE.encode(encoding)
    from opendata.recognise import recognise

    d = recognise(read_bytes(data, "t.txt"))
    assert d.department.name == "某县某局"
    assert d.tables[0].lines[1].cells[0].amount.value == Decimal("10.00")


def test_crlf_and_bom():
    data = codecs.BOM_UTF8 + TABLE.replace("\n", "\r\n").encode("utf-8")
    from opendata.recognise import recognise

    d = recognise(read_bytes(data, "t.txt"))
    assert len(d.tables[0].lines) == 4


@pytest.mark.parametrize(
    "data, where",
    [
        (b"", "line 1"),
        (b"   \n\n", "line 1"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00" * 20, "line 1"),
        ("没有表格的文字。\n第二行。\n".encode(), "line 1"),
    ],
)
def test_unreadable_input_names_file_and_line(data, where):
    from opendata.recognise import recognise

    with pytest.raises(UnreadableInput) as error:
        recognise(read_bytes(data, "bad.txt"))
    assert "bad.txt" in str(error.value) and where in str(error.value)


def test_table_cut_off_mid_row():
    text = SAMPLE.decode("utf-8")
    lines = text.split("\n")
    cut = "\n".join(lines[:103]) + "\n" + "\t".join(lines[103].split("\t")[:4])
    from opendata.recognise import recognise

    with pytest.raises(UnreadableInput) as error:
        recognise(read_bytes(cut.encode("utf-8"), "cut.txt"))
    assert "cut.txt, line 104" in str(error.value)
    assert "cut off" in str(error.value)


def test_two_sided_table_cut_before_totals():
    text = "\n".join(SAMPLE.decode("utf-8").split("\n")[:60])
    from opendata.recognise import recognise

    with pytest.raises(UnreadableInput, match="cut off"):
        recognise(read_bytes(text.encode("utf-8"), "cut.txt"))


def test_sample_ships_inside_the_package():
    path = opendata.sample_path()
    assert path.is_file()
    assert Path(opendata.__file__).resolve().parent in path.resolve().parents
