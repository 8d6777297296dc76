"""Who published the disclosure, for which year and phase, and where (行政区划)."""

from __future__ import annotations

import re
from collections import Counter

from ..model.disclosure import Department, Division, Project
from ..read.document import SourceLine
from ..vocab import norm_label, recognition
from .segment import TableBlock

_YEAR_META = re.compile(r"(?:预算年度|年度)[:：]\s*(20\d\d)")
_YEAR_TEXT = re.compile(r"(20\d\d)\s*年?\s*(?:度)?\s*(?:部门|单位|区级部门|市级部门|县级部门)?\s*(?:预算|决算)")
_DEPT_LINE = re.compile(r"^(\d{2,9})\s+(\S.*)$")
_DEPT_META = re.compile(r"(?:编制部门|编制单位|预算主管部门|预算单位|部门名称|单位名称)[:：]\s*(\S+)")
_TITLE_YEAR = re.compile(r"^(?:[一二三四五六七八九十\d]+[、.．])?(20\d\d)年(?!度?[)）])")
_ORGANISATION = re.compile(
    r"^(\S{4,30}?(?:局|办事处|院|委员会|中心|所|站|馆|厅|办公室|委|队|学校|医院))(?:20\d\d年度?\S{0,8}(?:预算|决算))?$"
)
_PROJECT_DIVISION = re.compile(r"^(\d{6})(\d{2})")
_COUNTY = re.compile(r"^(.{2,12}?(?:县|区|旗))")
_CITY = re.compile(r"^(.{2,8}?(?:市|州|盟))")


def find_department(blocks: list[TableBlock], lines: list[SourceLine]) -> Department:
    """Department code and name from the table meta lines (``304 香河县…``) or 编制部门 lines."""
    names: Counter[tuple[str | None, str]] = Counter()
    for block in blocks:
        for line in block.meta + block.repeated:
            for cell in line.filled:
                match = _DEPT_LINE.match(cell)
                if match and not _YEAR_META.search(cell):
                    names[(match.group(1), match.group(2).strip())] += 1
                meta = _DEPT_META.search(norm_label(cell))
                if meta:
                    names[(None, meta.group(1))] += 1
    if not names:
        for line in lines[:200]:
            meta = _DEPT_META.search(norm_label(" ".join(line.filled)))
            if meta:
                names[(None, meta.group(1))] += 1
    if not names:
        # a cover page that names the organisation on a line of its own (上海市普陀区财政局)
        for line in lines[:40]:
            match = _ORGANISATION.match(norm_label(line.filled[0])) if len(line.filled) == 1 else None
            if match:
                return Department(name=match.group(1), code=None)
        return Department(name="", code=None)
    (code, name), _ = names.most_common(1)[0]
    if code is None:
        code = next((c for (c, n) in names if c and n == name), None)
    return Department(name=name, code=code)


def find_year(blocks: list[TableBlock], lines: list[SourceLine]) -> int | None:
    years: Counter[int] = Counter()
    for block in blocks:
        for line in block.meta:
            for cell in line.filled:
                match = _YEAR_META.search(norm_label(cell))
                if match:
                    years[int(match.group(1))] += 3
    for block in blocks:
        # a table title that starts with its year (2024年部门收入预算总表) names the fiscal year
        match = _TITLE_YEAR.match(norm_label(block.title))
        if match:
            years[int(match.group(1))] += 3
    for line in lines[:400]:
        text = norm_label(" ".join(line.filled))
        for match in _YEAR_TEXT.finditer(text):
            years[int(match.group(1))] += 1
    return years.most_common(1)[0][0] if years else None


def find_phase(titles: list[str]) -> str:
    text = "".join(titles)
    return "final" if "决算" in text else "budget"


def find_scope(titles: list[str], department: Department) -> str:
    text = "".join(norm_label(t) for t in titles)
    return "unit" if ("单位预算" in text or "预算单位" in text or "单位决算" in text) else "department"


def find_division(department: Department, projects: tuple[Project, ...], year: int | None) -> Division:
    """The division code where project codes reveal it (6-digit 行政区划 then the 2-digit year)."""
    provinces = recognition().provinces
    code = None
    evidence = ""
    if year is not None:
        counts: Counter[str] = Counter()
        for project in projects:
            match = _PROJECT_DIVISION.match(project.code or "")
            if match and match.group(2) == f"{year % 100:02d}":
                counts[match.group(1)] += 1
        if counts:
            code = counts.most_common(1)[0][0]
            evidence = f"project codes start with {code} followed by the year {year % 100:02d}"
    name = None
    match = _COUNTY.match(department.name) or _CITY.match(department.name)
    if match:
        name = match.group(1)
    province = None
    if code:
        province = provinces.get(code[:2])
    elif name:
        for prov_code, prov_name in provinces.items():
            short = re.sub(r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区)$", "", prov_name)
            if name.startswith(prov_name) or name.startswith(short):
                province = prov_name
                code = None
                evidence = evidence or f"department name starts with {prov_name}"
                break
    if not evidence and name:
        evidence = "department name"
    return Division(code=code, name=name, province=province, evidence=evidence)
