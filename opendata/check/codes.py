"""Classification codes: well-formed, a hierarchy consistent with the prefixes, one name per code,
类 codes known to the code lists (vocab/codelists/functional-classes.csv, economic-classes.csv)."""

from __future__ import annotations

from typing import Iterator

from ..model.disclosure import Disclosure, Line, Table
from ..vocab import norm_label, recognition
from .narrative import plain_name, table_names
from .quantities import code_of
from .report import ERROR, INFO, WARNING, Finding

LENGTHS = {"functional": (3, 5, 7), "economic": (3, 5)}


def _scheme(line: Line) -> str:
    return "functional" if line.key.functional else "economic"


def check_forms(disclosure: Disclosure) -> Iterator[Finding]:
    """Digits only, of a length the scheme knows (3/5/7 functional, 3/5 economic)."""
    for table in disclosure.tables:
        for line in table.lines:
            code = code_of(line)
            if code is None:
                continue
            scheme = _scheme(line)
            if code.isdigit() and len(code) in LENGTHS[scheme]:
                continue
            lengths = "/".join(str(n) for n in LENGTHS[scheme])
            yield Finding(
                "code-malformed", ERROR,
                f"{table.title} row {line.locator.row}: {scheme} code {code!r} is not {lengths} digits",
                f"{table.title}第{line.locator.row}行：{'功能' if scheme == 'functional' else '经济'}分类编码"
                f"“{code}”不是{lengths}位数字",
                (), (line.locator,), "code-form",
            )


def check_hierarchy(disclosure: Disclosure) -> Iterator[Finding]:
    """Each 款/项 sits under its parent: the parent is printed, and is the nearest shallower line before it."""
    for table in disclosure.tables:
        yield from _table_hierarchy(table)


def _table_hierarchy(table: Table) -> Iterator[Finding]:
    coded = [(line, code_of(line)) for line in table.lines if code_of(line)]
    for scheme in ("functional", "economic"):
        lines = [(line, code) for line, code in coded if _scheme(line) == scheme and code and code.isdigit()]
        lengths = {len(code) for _, code in lines}
        codes = {code for _, code in lines}
        stack: list[str] = []
        for line, code in lines:
            assert code is not None
            while stack and len(stack[-1]) >= len(code):
                stack.pop()
            parent_length = len(code) - 2
            if len(code) > 3 and parent_length in lengths:
                parent = code[:parent_length]
                if parent not in codes:
                    yield _hierarchy(table, line, code, f"its parent {parent} is not printed",
                                     f"其上级科目{parent}未列示")
                elif not stack or stack[-1] != parent:
                    above = stack[-1] if stack else "nothing"
                    yield _hierarchy(table, line, code, f"it is printed under {above}, not under its parent {parent}",
                                     f"列在{above}之下，而非其上级科目{parent}之下")
            if line.level is not None and line.level > 0 and len(code) in LENGTHS[scheme]:
                expected = LENGTHS[scheme].index(len(code)) + 1
                if line.level != expected:
                    yield _hierarchy(table, line, code, f"it is read at level {line.level}, its length says {expected}",
                                     f"读取层级为{line.level}，按编码长度应为{expected}")
            stack.append(code)


def _hierarchy(table: Table, line: Line, code: str, why_en: str, why_zh: str) -> Finding:
    return Finding(
        "code-hierarchy", WARNING,
        f"{table.title} row {line.locator.row}: code {code} ({line.label}): {why_en}",
        f"{table.title}第{line.locator.row}行：科目{code}（{line.label}）{why_zh}",
        (), (line.locator,), "code-hierarchy",
    )


def check_names(disclosure: Disclosure) -> Iterator[Finding]:
    """One name per code within the document."""
    for code, names in sorted(table_names(disclosure).items()):
        if len(names) < 2:
            continue
        listed = sorted(names)
        locators = tuple(names[name][0] for name in listed)
        yield Finding(
            "code-name-inconsistent", WARNING,
            f"code {code} is printed with {len(listed)} names: " + ", ".join(listed),
            f"科目{code}在文件中有{len(listed)}个名称：" + "、".join(listed),
            (), locators, "code-names",
        )


def check_classes(disclosure: Disclosure) -> Iterator[Finding]:
    """类 codes must be in the code lists; a 类 printed under another name is reported too."""
    known = {
        "functional": {c.code: c for c in recognition().functional_classes},
        "economic": {c.code: c for c in recognition().economic_classes},
    }
    seen: set[tuple[str, str]] = set()
    for table in disclosure.tables:
        for line in table.lines:
            code = code_of(line)
            if code is None or len(code) != 3 or not code.isdigit():
                continue
            scheme = _scheme(line)
            name = plain_name(line.label)
            if (code, name) in seen:
                continue
            seen.add((code, name))
            entry = known[scheme].get(code)
            if entry is None:
                yield Finding(
                    "code-unknown-class", WARNING,
                    f"{table.title} row {line.locator.row}: {scheme} class {code} ({line.label}) is not in the code list",
                    f"{table.title}第{line.locator.row}行：{'功能' if scheme == 'functional' else '经济'}分类类级科目"
                    f"{code}（{line.label}）不在科目表中",
                    (), (line.locator,), "code-classes",
                )
                continue
            if name == norm_label(entry.name_zh):
                continue
            older = name in (norm_label(a) for a in entry.aliases)
            yield Finding(
                "code-class-name", INFO if older else WARNING,
                f"{table.title} row {line.locator.row}: class {code} is printed as {name}, the code list says "
                f"{entry.name_zh}" + (" (an older name)" if older else ""),
                f"{table.title}第{line.locator.row}行：类级科目{code}印为“{name}”，科目表为“{entry.name_zh}”"
                + ("（旧称）" if older else ""),
                (), (line.locator,), "code-classes",
            )


def check_codes(disclosure: Disclosure) -> list[Finding]:
    findings: list[Finding] = []
    findings.extend(check_forms(disclosure))
    findings.extend(check_hierarchy(disclosure))
    findings.extend(check_names(disclosure))
    findings.extend(check_classes(disclosure))
    return findings
