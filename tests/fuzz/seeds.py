"""Write seed corpora for the harnesses: python tests/fuzz/seeds.py OUT_DIR (makes OUT_DIR/<harness>/)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import opendata  # noqa: E402

SMALL_TABLE = """部门预算一般公共预算财政拨款支出表
304 某县某局
预算年度：2024
单位：万元
序号\t功能分类科目\t\t合计\t基本支出\t项目支出
\t科目编码\t科目名称\t\t\t
栏次\t1\t2\t3\t4\t5
1\t\t合计\t10.00\t4.00\t6.00
2\t206\t科学技术支出\t10.00\t4.00\t6.00
3\t20601\t科学技术管理事务\t10.00\t4.00\t6.00
"""

NUMBERS = ["0", "12.00", "-12.00", "(12.00)", "（12.00）", "1,234,567.89", "１２３．４５", "—", "-", "/", "无",
           "单位不需填列", "1e5", "NaN", "Infinity", "12%", "+3", "\u22125.5", " 7 ", "0.000001", "9" * 60]
TARGETS = ["≥95%", "≤0.15万元/家", "4238.28 平方米", "5-12月份", "实际发生额的0.1-1%", "10月底前", "≤12月", "3月份",
           "月后 25 日前", "及时", "达到", "不低于90%", "≥1个", "12月", "13月", "0月底前", "次月10日前"]


def _html(text: str) -> str:
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in line.split("\t")) + "</tr>" for line in text.splitlines())
    return f"<html xmlns='http://www.w3.org/1999/xhtml'><head><title>t</title></head><body><table>{rows}</table></body></html>"


def _xlsx(text: str) -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for line in text.splitlines():
        sheet.append(line.split("\t"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table_pdf() -> bytes:
    """A one-page PDF whose text is the small table (ASCII-only font, so digits and codes only)."""
    sys.path.insert(0, str(REPO / "tests" / "bad_inputs"))
    import make_corpus

    lines = [b"BT /F1 9 Tf %d %d Td (%s) Tj ET" % (20 + 60 * j, 180 - 12 * i, cell.encode())
             for i, line in enumerate(SMALL_TABLE.splitlines()) for j, cell in enumerate(line.split("\t"))
             if cell.isascii() and cell]
    return make_corpus._pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        make_corpus.PAGE % b"<< /Font << /F1 5 0 R >> >>",
        make_corpus._stream(b"\n".join(lines)),
        make_corpus.FONT,
    ])


def main(out: Path) -> None:
    text = out / "text"
    text.mkdir(parents=True, exist_ok=True)
    sample = opendata.sample_path().read_bytes()
    (text / "sample").write_bytes(sample)
    (text / "sample-head").write_bytes(sample[:6000])
    (text / "small").write_bytes(SMALL_TABLE.encode("utf-8"))
    (text / "small-gbk").write_bytes(SMALL_TABLE.encode("gbk"))
    (text / "small-utf16").write_bytes(SMALL_TABLE.encode("utf-16"))
    sys.path.insert(0, str(REPO / "tests" / "bad_inputs"))
    import make_corpus

    pdf = out / "pdf"
    pdf.mkdir(parents=True, exist_ok=True)
    for name, data in make_corpus.pdf_variants().items():
        (pdf / name).write_bytes(data)
    (pdf / "table.pdf").write_bytes(_table_pdf())
    html = out / "html"
    html.mkdir(parents=True, exist_ok=True)
    (html / "table.html").write_bytes(_html(SMALL_TABLE).encode("utf-8"))
    (html / "table.xhtml").write_bytes(("<?xml version='1.0'?>\n" + _html(SMALL_TABLE)).encode("utf-8"))
    (html / "nested.html").write_bytes(("<div>" * 50 + "部门预算" + "</div>" * 50).encode())
    xlsx = out / "xlsx"
    xlsx.mkdir(parents=True, exist_ok=True)
    (xlsx / "table.xlsx").write_bytes(_xlsx(SMALL_TABLE))
    for name, items in (("decimal", NUMBERS), ("target", TARGETS)):
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        for index, item in enumerate(items):
            (folder / f"seed-{index:02d}").write_bytes(item.encode("utf-8"))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
