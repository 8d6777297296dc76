"""The identities engine: reads ``vocab/identities.toml`` and evaluates it on a disclosure.

Each identity kind (row, lines, hierarchy, equal, match, project; see the TOML header) is one
function that adds up figures and compares them with the rounding rule (``rounding.py``). A new
table kind adds rows to the TOML file, not code here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..model.disclosure import Column, Disclosure, Line, Table
from ..model.money import Amount
from ..vocab import norm_label, vocab_dir
from .quantities import Figures, Selector, code_of, find_column, resolve
from .report import Finding
from .rounding import ZERO, Term, bound_of, same_at_coarser, severity_of


@dataclass(frozen=True, slots=True)
class Rule:
    """One identity as declared: its kind, id and the rest of its TOML fields (read-only)."""

    kind: str
    id: str
    fields: tuple[tuple[str, Any], ...]

    def get(self, name: str, default: Any = None) -> Any:
        for key, value in self.fields:
            if key == name:
                return value
        return default


@dataclass(frozen=True, slots=True)
class Subject:
    """Narrative subject names and the quantity they refer to (optionally only when defined so)."""

    names: tuple[str, ...]
    quantity: Selector
    when_glossary: tuple[str, str] | None


@dataclass(frozen=True, slots=True)
class ChangeSum:
    total: tuple[str, ...]
    parts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Identities:
    """Everything declared in identities.toml."""

    rules: tuple[Rule, ...]
    subjects: tuple[Subject, ...]
    change_sums: tuple[ChangeSum, ...]
    code_tables: tuple[str, ...] = ()
    code_skip_words: tuple[str, ...] = ()
    comparison: tuple[tuple[str, Any], ...] = ()  # [comparison]: budget against outturn wording

    def compare_words(self, name: str, default: Any = ()) -> Any:
        return dict(self.comparison).get(name, default)

    def of_kind(self, kind: str) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.kind == kind)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


KINDS = ("row", "lines", "hierarchy", "equal", "match", "project")
DEFAULT_CODES = {
    "row": "row-sum-mismatch",
    "lines": "line-sum-mismatch",
    "hierarchy": "class-sum-mismatch",
    "equal": "cross-table-mismatch",
    "match": "cross-table-mismatch",
    "project": "project-funding-mismatch",
}


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _freeze(v)) for k, v in value.items())
    return value


def _glossary_condition(value: Any) -> tuple[str, str] | None:
    if not value:
        return None
    return (str(value["term"]), str(value["contains"]))


def load_identities(path: Path) -> Identities:
    """Parse an identities file; selectors are checked here so that a typo fails at once."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    rules: list[Rule] = []
    for kind in KINDS:
        for entry in data.get(kind, []):
            for key in ("left", "right"):
                if isinstance(entry.get(key), str):
                    Selector.parse(entry[key])
                elif isinstance(entry.get(key), list):
                    for text in entry[key]:
                        Selector.parse(text)
            rules.append(Rule(kind, entry["id"], tuple((k, _freeze(v)) for k, v in entry.items())))
    ids = [rule.id for rule in rules]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate identity ids in {path}")
    subjects = tuple(
        Subject(tuple(norm_label(n) for n in entry["names"]), Selector.parse(entry["quantity"]),
                _glossary_condition(entry.get("when_glossary")))
        for entry in data.get("subject", [])
    )
    change_sums = tuple(
        ChangeSum(tuple(norm_label(n) for n in entry["total"]), tuple(norm_label(n) for n in entry["parts"]))
        for entry in data.get("change_sum", [])
    )
    code_figures = data.get("code_figures", {})
    return Identities(tuple(rules), subjects, change_sums, tuple(code_figures.get("tables", ())),
                      tuple(norm_label(w) for w in code_figures.get("skip_words", ())),
                      tuple((k, _freeze(v)) for k, v in data.get("comparison", {}).items()))


@cache
def _selector(text: str) -> Selector:
    """``Selector.parse``, once per text (the identities are the same for every disclosure)."""
    return Selector.parse(text)


@cache
def identities() -> Identities:
    """The bundled identities (vocab/identities.toml), loaded once."""
    return load_identities(vocab_dir() / "identities.toml")


def glossary_says(disclosure: Disclosure, condition: tuple[str, str] | None) -> bool:
    """True when there is no condition, or the document defines ``term`` with words containing ``contains``."""
    if condition is None:
        return True
    term, contains = norm_label(condition[0]), norm_label(condition[1])
    return any(term in norm_label(entry.term) and contains in norm_label(entry.definition)
               for entry in disclosure.glossary)


# ---------------------------------------------------------------- comparison and wording

def _exponent(terms: list[Term]) -> int:
    exponents = [t.amount.value.as_tuple().exponent for t in terms if t.amount is not None]
    ints = [e for e in exponents if isinstance(e, int)]
    return min(ints) if ints else -2


def money(value_yuan: Decimal, terms: list[Term]) -> str:
    """A yuan value shown in the unit and precision of the printed figures it comes from."""
    amounts: list[Amount] = [t.amount for t in terms if t.amount is not None]
    factor = amounts[0].unit.factor if amounts else Decimal(1)
    unit = amounts[0].unit.value if amounts else "元"
    shown = (value_yuan / factor).quantize(Decimal(1).scaleb(_exponent(terms)))
    return f"{format(shown, 'f')}{unit}"


def _shown(term: Term) -> str:
    return f"{term.amount.text}{term.amount.unit.value}" if term.amount is not None else "blank"


def compare(
    code: str,
    total: Term,
    parts: list[Term],
    where_en: str,
    where_zh: str,
    relation: str = "eq",
    gap_severity: str | None = None,
    rule: str = "",
) -> Finding | None:
    """Compare ``total`` with the sum of ``parts`` under the rounding rule; a finding or ``None``.

    ``relation="le"``: total may be smaller than the sum, never larger; ``"ge"``: total may be larger,
    never smaller. The allowed gap is reported at ``gap_severity`` (not at all when ``None``).
    """
    printed = [p for p in parts if p.printed]
    if not total.printed and not printed:
        return None
    summed = sum((p.value for p in parts), ZERO)
    difference = total.value - summed
    involved = [total, *printed] if len(parts) > 1 else [total, *parts]  # one-to-one: both sides, even blank
    bound = bound_of(involved)
    severity = severity_of(difference, bound)
    if severity is None or (len(parts) == 1 and same_at_coarser(total, parts[0])):
        return None
    gap = (relation == "le" and difference < 0) or (relation == "ge" and difference > 0)
    if gap:
        if gap_severity is None:
            return None
        severity = gap_severity
    if len(parts) == 1:
        parts_en = parts_zh = f"{parts[0].label} {_shown(parts[0])}"
    else:
        parts_en = " + ".join(f"{p.label} {_shown(p)}" for p in printed) or "nothing printed"
        parts_zh = " + ".join(f"{p.label} {_shown(p)}" for p in printed) or "无"
    diff = money(difference, involved)
    bound_text = money(bound, involved)
    if gap:
        smaller = difference < 0
        message_en = (f"{where_en}: {total.label} {_shown(total)} is {'less' if smaller else 'more'} than {parts_en} "
                      f"(sum {money(summed, involved)}, gap {money(abs(difference), involved)})")
        message_zh = (f"{where_zh}：{total.label} {_shown(total)} {'小于' if smaller else '大于'} {parts_zh}"
                      f"（合计 {money(summed, involved)}，相差 {money(abs(difference), involved)}）")
    else:
        relation_en = {"le": "exceeds", "ge": "falls short of"}.get(relation, "differs from")
        relation_zh = {"le": "大于", "ge": "小于"}.get(relation, "不等于")
        sum_en = "" if len(parts) == 1 else f"sum {money(summed, involved)}, "
        sum_zh = "" if len(parts) == 1 else f"合计 {money(summed, involved)}，"
        message_en = (f"{where_en}: {total.label} {_shown(total)} {relation_en} {parts_en} "
                      f"({sum_en}difference {diff}, rounding bound {bound_text})")
        message_zh = (f"{where_zh}：{total.label} {_shown(total)} {relation_zh} {parts_zh}"
                      f"（{sum_zh}相差 {diff}，舍入容差 {bound_text}）")
    figures = tuple(t.amount.value if t.amount is not None else ZERO for t in involved)
    locators = tuple(t.locator for t in involved if t.locator is not None)
    return Finding(code, severity, message_en, message_zh, figures, locators, rule)


def _where(table: Table, line: Line | None = None) -> tuple[str, str]:
    if line is None:
        return table.title, table.title
    row = line.locator.row
    return (f"{table.title} row {row} ({line.label})", f"{table.title}第{row}行（{line.label}）")


# ---------------------------------------------------------------- the kinds

def applies(disclosure: Disclosure, rule: Rule) -> bool:
    """Whether a rule applies to this document at all (``phases``: budget | final)."""
    phases = rule.get("phases")
    return not phases or disclosure.phase in phases


def _adds_up(total: Decimal, parts: Iterable[Decimal]) -> bool:
    """True when ``total`` is exactly the sum of ``parts`` (yuan): ``compare`` then finds nothing. The
    common case, decided on values before any term is made."""
    return total == sum(parts, ZERO)


def _has_line(table: Table, key: str) -> bool:
    return any(line.key.slug == key for line in table.lines)


def _row_columns(table: Table, rule: Rule, side: str | None) -> tuple[Column | None, list[Column]]:
    """The total column and the distinct part columns of a row identity on one side of ``table``."""
    total_column = find_column(table, rule.get("total"), side)
    if total_column is None:
        return None, []
    part_columns = [c for c in (find_column(table, s, side) for s in rule.get("parts", ())) if c is not None]
    return total_column, [c for c in dict.fromkeys(part_columns) if c.index != total_column.index]


def check_rows(disclosure: Disclosure, rule: Rule, figures: Figures) -> Iterator[Finding]:
    code = rule.get("code", DEFAULT_CODES["row"])
    for kind in rule.get("tables", ()):
        table = disclosure.table(kind)
        if table is None:
            continue
        if any(find_column(table, spec, None) is not None for spec in rule.get("unless", ())):
            continue
        if any(find_column(table, spec, None) is None for spec in rule.get("requires", ())):
            continue
        by_side: dict[str | None, tuple[Column | None, list[Column]]] = {}
        for line in table.lines:
            if line.side not in by_side:
                by_side[line.side] = _row_columns(table, rule, line.side)
            total_column, part_columns = by_side[line.side]
            if total_column is None or not part_columns or not line.cells:
                continue
            if _adds_up(figures.value(line, total_column), (figures.value(line, c) for c in part_columns)):
                continue
            total = _short(figures.term(table, line, total_column), total_column.header)
            parts = [_short(figures.term(table, line, c), c.header) for c in part_columns]
            where_en, where_zh = _where(table, line)
            finding = compare(code, total, parts, where_en, where_zh, rule=rule.id)
            if finding:
                yield finding


def _short(term: Term, label: str) -> Term:
    return Term(term.value, term.bound, term.locator, term.amount, label)


def _lines_total(table: Table, key: str, side: str | None) -> Line | None:
    for line in table.lines:
        if line.key.slug == key and (side is None or line.side in (None, side)):
            return line
    return None


def check_lines(disclosure: Disclosure, rule: Rule, figures: Figures) -> Iterator[Finding]:
    code = rule.get("code", DEFAULT_CODES["lines"])
    side = rule.get("side")
    for kind in rule.get("tables", ()):
        table = disclosure.table(kind)
        if table is None:
            continue
        total_line = _lines_total(table, rule.get("total"), side)
        if total_line is None:
            continue
        if any(_has_line(table, key) for key in rule.get("unless_lines", ())):
            continue
        if not all(_has_line(table, key) for key in rule.get("requires_lines", ())):
            continue
        patterns = rule.get("parts", ())
        picked = {id(line) for p in patterns for line in figures.matching(table, p, side)}
        part_lines = [line for line in table.lines if line is not total_line and id(line) in picked]
        if not part_lines:
            continue
        skip_blank = rule.get("blank_total", "zero") == "skip"
        for column in table.columns:
            if side is not None and column.side not in (None, side):
                continue
            if skip_blank and not figures.term(table, total_line, column).printed:
                continue
            if _adds_up(figures.value(total_line, column), (figures.value(line, column) for line in part_lines)):
                continue
            total = _short(figures.term(table, total_line, column), total_line.label)
            parts = [_short(figures.term(table, line, column), line.label) for line in part_lines]
            where_en, where_zh = _where(table, total_line)
            header = f" / {column.header}" if column.header else ""
            finding = compare(code, total, parts, where_en + header, where_zh + header, rule=rule.id)
            if finding:
                yield finding


_CHILD_LENGTH = {"functional": {3: 5, 5: 7}, "economic": {3: 5}}


def check_hierarchy(disclosure: Disclosure, rule: Rule, figures: Figures) -> Iterator[Finding]:
    code = rule.get("code", DEFAULT_CODES["hierarchy"])
    for kind in rule.get("tables", ()):
        table = disclosure.table(kind)
        if table is None:
            continue
        coded = [(line, code_of(line)) for line in table.lines if code_of(line)]
        # The children of a code are the lines of the same scheme whose code is it plus two digits.
        by_parent: dict[tuple[bool, str], list[Line]] = {}
        for line, c in coded:
            assert c is not None
            by_parent.setdefault((bool(line.key.functional), c[:-2]), []).append(line)
        for parent, parent_code in coded:
            assert parent_code is not None
            scheme = "functional" if parent.key.functional else "economic"
            child_length = _CHILD_LENGTH[scheme].get(len(parent_code))
            if child_length is None:
                continue
            children = by_parent.get((scheme == "functional", parent_code), [])
            if not children:
                continue
            for column in table.columns:
                if _adds_up(figures.value(parent, column), (figures.value(child, column) for child in children)):
                    continue
                total = _short(figures.term(table, parent, column), f"{parent_code} {parent.label}")
                parts = [_short(figures.term(table, child, column), f"{code_of(child)} {child.label}")
                         for child in children]
                where_en, where_zh = _where(table, parent)
                header = f" / {column.header}" if column.header else ""
                finding = compare(code, total, parts, where_en + header, where_zh + header, rule=rule.id)
                if finding:
                    yield finding


def check_equal(disclosure: Disclosure, rule: Rule, figures: Figures) -> Iterator[Finding]:
    if not glossary_says(disclosure, _glossary_condition(dict(rule.get("when_glossary", ())))):
        return
    code = rule.get("code", DEFAULT_CODES["equal"])
    left = resolve(disclosure, _selector(rule.get("left")), figures)
    rights = [resolve(disclosure, _selector(text), figures) for text in rule.get("right", ())]
    if left is None or any(r is None for r in rights):
        return
    resolved = [r for r in rights if r is not None]
    presence = rule.get("presence", "lines")
    if not left.line_present:
        return
    if presence == "lines" and not all(r.line_present for r in resolved):
        return
    title_en = f"identity {rule.id}"
    title_zh = f"勾稽关系 {rule.id}"
    finding = compare(code, left.term, [t for r in resolved for t in r.terms], title_en, title_zh,
                      relation=rule.get("relation", "eq"), gap_severity=rule.get("gap_severity"), rule=rule.id)
    if finding:
        yield finding


def check_match(disclosure: Disclosure, rule: Rule, figures: Figures) -> Iterator[Finding]:
    code = rule.get("code", DEFAULT_CODES["match"])
    left_spec, right_spec = dict(rule.get("left")), dict(rule.get("right"))
    left_table, right_table = disclosure.table(left_spec["table"]), disclosure.table(right_spec["table"])
    if left_table is None or right_table is None:
        return
    pattern = rule.get("lines", "coded")
    left_side, right_side = left_spec.get("side"), right_spec.get("side")
    left_lines = {line.key.slug: line for line in figures.matching(left_table, pattern, left_side)}
    right_lines = {line.key.slug: line for line in figures.matching(right_table, pattern, right_side)}
    for key in sorted(set(left_lines) | set(right_lines)):
        cells: list[tuple[Table, Line | None, Column | None]] = []  # an absent line has no cell
        for table, lines, spec, side in ((left_table, left_lines, left_spec, left_side),
                                         (right_table, right_lines, right_spec, right_side)):
            line = lines.get(key)
            if line is None:
                cells.append((table, None, None))
                continue
            column = find_column(table, spec.get("column"), line.side or side)
            if column is None:
                break
            cells.append((table, line, column))
        else:
            left_value, right_value = (ZERO if line is None or column is None else figures.value(line, column)
                                       for _, line, column in cells)
            if _adds_up(left_value, (right_value,)):
                continue
            terms = [Term.of(None, None, f"{table.title}: {key} (absent)") if line is None or column is None
                     else figures.term(table, line, column) for table, line, column in cells]
            finding = compare(code, terms[0], [terms[1]], f"{key} ({rule.id})", f"{key}（{rule.id}）", rule=rule.id)
            if finding:
                yield finding


def check_project(disclosure: Disclosure, rule: Rule, figures: Figures) -> Iterator[Finding]:
    code = rule.get("code", DEFAULT_CODES["project"])
    for project in disclosure.projects:
        total_amount = getattr(project, rule.get("total"))
        part_amounts = [(name, getattr(project, name)) for name in rule.get("parts", ())]
        if total_amount is None or all(a is None for _, a in part_amounts):
            continue
        total = Term.of(total_amount, project.locator, str(rule.get("total")))
        parts = [Term.of(a, project.locator, name) for name, a in part_amounts]
        finding = compare(code, total, parts, f"project {project.serial} {project.name}",
                          f"项目{project.serial}“{project.name}”", rule=rule.id)
        if finding:
            yield finding


CHECKS = {
    "row": check_rows,
    "lines": check_lines,
    "hierarchy": check_hierarchy,
    "equal": check_equal,
    "match": check_match,
    "project": check_project,
}


def check_identities(disclosure: Disclosure, declared: Identities | None = None,
                     figures: Figures | None = None) -> list[Finding]:
    """Every declared identity evaluated on ``disclosure``."""
    declared = declared or identities()
    figures = figures or Figures()
    findings: list[Finding] = []
    for rule in declared.rules:
        if applies(disclosure, rule):
            findings.extend(CHECKS[rule.kind](disclosure, rule, figures))
    return findings


__all__ = ["Identities", "Rule", "check_identities", "compare", "identities", "load_identities"]
