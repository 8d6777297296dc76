"""The HTML reader: tables as grids (rowspan/colspan), text blocks as lines, nothing expanded or
fetched, and a whole disclosure table recognised from a web page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opendata.errors import UnreadableInput
from opendata.read import read_bytes
from opendata.read.html import MAX_SPAN, read_html
from opendata.recognise import recognise

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>部门预算</title>
<style>td {{ color: red }}</style><script>document.write("2024")</script></head>
<body>
<h2>2024年部门收入预算总表</h2>
<p>编制部门：某县某局</p><p>单位：元</p>
<table>
<tr><th colspan="4">项目</th><th colspan="2">收入预算</th></tr>
<tr><th colspan="3">功能分类科目编码</th><th rowspan="2">功能分类科目名称</th><th rowspan="2">合计</th><th rowspan="2">财政拨款收入</th></tr>
<tr><th>类</th><th>款</th><th>项</th></tr>
<tr><td>201</td><td></td><td></td><td>一般公共服务支出</td><td>1,000</td><td>1,000</td></tr>
<tr><td>201</td><td>05</td><td>07</td><td>专项普查&amp;活动</td><td>1,000</td><td>1,000</td></tr>
<tr><td colspan="4">合计</td><td>1,000</td><td>1,000</td></tr>
</table>
{extra}
<div>说明：<b>粗体</b>文字<br>第二行<!-- 注释 123 --></div>
</body></html>
"""


def _read(extra: str = "") -> list[tuple[str, ...]]:
    return [line.cells for line in read_html(PAGE.format(extra=extra).encode("utf-8"), "p.html").lines]


def test_spans_spread_over_the_grid():
    rows = _read()
    assert rows[3:9] == [
        ("项目", "", "", "", "收入预算", ""),
        ("功能分类科目编码", "", "", "功能分类科目名称", "合计", "财政拨款收入"),
        ("类", "款", "项", "", "", ""),
        ("201", "", "", "一般公共服务支出", "1,000", "1,000"),
        ("201", "05", "07", "专项普查&活动", "1,000", "1,000"),
        ("合计", "", "", "", "1,000", "1,000"),
    ]


def test_text_blocks_are_lines_and_scripts_styles_comments_are_left_out():
    rows = _read()
    assert rows[:3] == [("2024年部门收入预算总表",), ("编制部门：某县某局",), ("单位：元",)]
    assert rows[-1] == ("说明：粗体文字 第二行",)
    assert not any("document.write" in cell or "color" in cell or "注释" in cell for row in rows for cell in row)


def test_line_numbers_run_through_the_document():
    document = read_html(PAGE.format(extra="").encode("utf-8"), "p.html")
    assert [line.line for line in document.lines] == list(range(1, len(document.lines) + 1))
    assert document.media_type == "text/html"


def test_a_web_page_table_is_recognised():
    data = PAGE.format(extra="").encode("utf-8")
    disclosure = recognise(read_bytes(data, "page.html"))
    table = disclosure.tables[0]
    assert table.kind == "income-summary" and table.unit.value == "元"
    values = {line.key.slug: [c.amount.value for c in line.cells] for line in table.lines}
    assert values == {"func-201": [Decimal(1000)] * 2, "func-2010507": [Decimal(1000)] * 2, "total": [Decimal(1000)] * 2}
    assert disclosure.department.name == "某县某局" and disclosure.year == 2024


def test_nested_tables_are_read_once():
    rows = _read('<table><tr><td>外<table><tr><td>内1</td><td>内2</td></tr></table></td><td>右</td></tr></table>')
    assert ("外", "右") in rows and ("内1", "内2") in rows
    assert sum(1 for row in rows for cell in row if "内1" in cell) == 1


def test_xhtml_entities_are_not_expanded_and_nothing_is_fetched():
    bomb = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!DOCTYPE html [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY ext SYSTEM "file:///etc/passwd">]>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>前&c;后</p><p>外部&ext;</p>'
        "<table><tr><td>1</td><td>2</td></tr></table></body></html>"
    )
    rows = [line.cells for line in read_html(bomb.encode("utf-8"), "x.xhtml").lines]
    assert rows == [("前后",), ("外部",), ("1", "2")]


def test_huge_spans_are_refused():
    with pytest.raises(UnreadableInput, match="colspan"):
        read_html(f'<html><body><table><tr><td colspan="{MAX_SPAN + 1}">x</td></tr></table></body></html>'.encode(), "s.html")


def test_gbk_page_with_a_declared_charset():
    page = '<html><head><meta charset="gbk"></head><body><p>单位：万元</p></body></html>'
    assert [line.cells for line in read_html(page.encode("gbk"), "g.html").lines] == [("单位：万元",)]


def test_an_empty_page_is_unreadable():
    with pytest.raises(UnreadableInput, match="no text"):
        read_html(b"<html><body>   </body></html>", "e.html")


@given(
    st.lists(
        st.lists(st.tuples(st.integers(1, 3), st.integers(1, 3)), min_size=1, max_size=4),
        min_size=1,
        max_size=5,
    )
)
def test_every_row_of_a_spanned_grid_has_the_same_width(spans):
    cells = 0
    html = "<html><body><table>"
    for row in spans:
        html += "<tr>" + "".join(
            f'<td colspan="{c}" rowspan="{r}">v{(cells := cells + 1)}</td>' for c, r in row
        ) + "</tr>"
    html += "</table></body></html>"
    document = read_html(html.encode(), "h.html")
    widths = {len(line.cells) for line in document.lines}
    assert len(widths) == 1
    texts = [cell for line in document.lines for cell in line.cells if cell]
    assert sorted(texts) == sorted(f"v{i}" for i in range(1, cells + 1))
