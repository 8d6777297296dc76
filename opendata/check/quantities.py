"""Naming a figure of a disclosure as data: ``table[line].column`` selectors and their resolution.

A selector names one figure:

- ``expenditure-summary[total].basic`` — table kind, line key (``LineKey.slug``: ``total``,
  ``func-206``, ``econ-30231``, ``total:income``, ``three-public:vehicle-operation`` …) and column
  (a measure key, ``measure@fund`` for a fund column such as ``total@general-budget``);
- ``income-expenditure-summary[total:income]`` — without a column: the line's main column (the first
  column without a fund on the line's side), which is what two-sided tables print;
- ``assets[total]`` — a line of the fixed-asset table (its value);
- ``projects.budget`` — the sum of the budgets of the project performance tables.

Line patterns pick several lines of one table: ``level:1`` (3-digit codes, the 类 lines),
``coded`` (every coded line), ``prefix:<text>`` (item keys starting with text) or an exact key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..errors import Locator
from ..model.disclosure import Column, Disclosure, Line, Table
from ..model.money import Amount
from .rounding import ZERO, Term

_SELECTOR = re.compile(r"^(?P<source>[a-z0-9-]+)(?:\[(?P<line>[^\]]+)\])?(?:\.(?P<column>[a-z0-9@:-]+))?$")


@dataclass(frozen=True, slots=True)
class Selector:
    """A parsed selector (see the module docstring)."""

    source: str
    line: str | None
    column: str | None
    text: str

    @classmethod
    def parse(cls, text: str) -> "Selector":
        match = _SELECTOR.match(text.strip())
        if not match:
            raise ValueError(f"not a selector: {text!r}")
        return cls(match["source"], match["line"], match["column"], text.strip())


@dataclass(frozen=True, slots=True)
class Resolved:
    """A selector resolved against a disclosure: the term, and whether its line exists."""

    term: Term
    line_present: bool
    parts: tuple[Term, ...] = ()  # the figures a summed quantity is made of (project budgets)

    @property
    def terms(self) -> tuple[Term, ...]:
        """The figures to compare: the parts of a sum, or the one term."""
        return self.parts or (self.term,)


def code_of(line: Line) -> str | None:
    return line.key.functional or line.key.economic


def find_column(table: Table, spec: str | None, side: str | None) -> Column | None:
    """The column named by ``spec`` (``measure`` or ``measure@fund``), or the main column."""
    def side_ok(column: Column) -> bool:
        return column.side is None or side is None or column.side == side

    if spec is None:
        for column in table.columns:
            if column.fund is None and side_ok(column):
                return column
        return None
    measure, _, fund = spec.partition("@")
    for column in table.columns:
        if column.measure == measure and column.fund == (fund or None) and side_ok(column):
            return column
    return None


def cell_term(table: Table, line: Line, column: Column) -> Term:
    """The figure of ``line`` in ``column`` (a blank one when the cell is empty)."""
    for cell in line.cells:
        if cell.column.index == column.index:
            return Term.of(cell.amount, cell.locator, describe(table, line, column))
    return Term.of(None, line.locator.at(column=column.index), describe(table, line, column))


def describe(table: Table, line: Line, column: Column | None) -> str:
    header = f" / {column.header}" if column is not None and column.header else ""
    return f"{table.title}: {line.label}{header}"


def find_line(table: Table, key: str) -> Line | None:
    for line in table.lines:
        if line.key.slug == key:
            return line
    return None


class Figures:
    """Lookups over one disclosure, each made once per ``validate`` run.

    The identities read every cell several times (row, column, hierarchy, cross-table) and look lines
    up by key again and again; a term converts its amount to yuan, which is slow. Results are keyed by
    object identity, so an instance must not outlive the disclosure it was used on (``validate`` makes
    one per call).
    """

    __slots__ = ("_terms", "_values", "_lines", "_matching")

    def __init__(self) -> None:
        self._terms: dict[tuple[int, int, int], Term] = {}
        self._values: dict[tuple[int, int], Decimal] = {}
        self._lines: dict[int, dict[str, Line]] = {}
        self._matching: dict[tuple[int, str, str | None], tuple[Line, ...]] = {}

    def matching(self, table: Table, pattern: str, side: str | None) -> tuple[Line, ...]:
        """The lines of ``table`` that ``line_matches(line, pattern, side)``, in table order."""
        key = (id(table), pattern, side)
        lines = self._matching.get(key)
        if lines is None:
            lines = self._matching[key] = tuple(line for line in table.lines if line_matches(line, pattern, side))
        return lines

    def value(self, line: Line, column: Column) -> Decimal:
        """``cell_term(table, line, column).value`` (yuan, 0 for a blank) without making the term."""
        key = (id(line), column.index)
        value = self._values.get(key)
        if value is None:
            value = ZERO
            for cell in line.cells:
                if cell.column.index == column.index:
                    if cell.amount is not None:
                        value = cell.amount.yuan
                    break
            self._values[key] = value
        return value

    def term(self, table: Table, line: Line, column: Column) -> Term:
        """``cell_term(table, line, column)``, made once."""
        key = (id(table), id(line), id(column))
        term = self._terms.get(key)
        if term is None:
            term = self._terms[key] = cell_term(table, line, column)
        return term

    def line(self, table: Table, key: str) -> Line | None:
        """``find_line(table, key)``: the first line of ``table`` with that key."""
        lines = self._lines.get(id(table))
        if lines is None:
            lines = {}
            for line in table.lines:
                lines.setdefault(line.key.slug, line)
            self._lines[id(table)] = lines
        return lines.get(key)


def line_matches(line: Line, pattern: str, side: str | None = None) -> bool:
    """Whether ``line`` is picked by a line pattern (``level:1``, ``coded``, ``prefix:…`` or a key)."""
    if side is not None and line.side is not None and line.side != side:
        return False
    code = code_of(line)
    if pattern == "coded":
        return code is not None
    if pattern.startswith("level:"):
        length = {"1": 3, "2": 5, "3": 7}[pattern.split(":", 1)[1]]
        return code is not None and len(code) == length
    if pattern.startswith("prefix:"):
        prefix = pattern.split(":", 1)[1]
        return line.key.item is not None and line.key.item.startswith(prefix)
    return line.key.slug == pattern


def resolve(disclosure: Disclosure, selector: Selector, figures: Figures | None = None) -> Resolved | None:
    """The figure a selector names; ``None`` when its table (or column) does not exist at all."""
    figures = figures or Figures()
    if selector.source == "projects":
        return _projects(disclosure, selector)
    if selector.source == "assets":
        return _assets(disclosure, selector)
    table = disclosure.table(selector.source)
    if table is None or selector.line is None:
        return None
    line = figures.line(table, selector.line)
    if line is None:
        column = find_column(table, selector.column, None)
        if column is None:
            return None
        return Resolved(Term.of(None, table.locator, f"{table.title}: {selector.line}"), False)
    column = find_column(table, selector.column, line.side)
    if column is None:
        return None
    return Resolved(figures.term(table, line, column), True)


def _projects(disclosure: Disclosure, selector: Selector) -> Resolved | None:
    if not disclosure.projects:
        return None
    field = selector.column or "budget"
    amounts: list[Amount] = [getattr(p, field) for p in disclosure.projects if getattr(p, field) is not None]
    if not amounts:
        return Resolved(Term.of(None, disclosure.projects[0].locator, "projects"), True)
    total = sum((a.yuan for a in amounts), Decimal(0))
    bound = sum((a.precision * a.unit.factor for a in amounts), Decimal(0))
    unit = amounts[0].unit
    shown = Amount(total / unit.factor, unit, "")
    label = f"sum of {len(amounts)} project budgets (performance tables) / 项目绩效目标表预算数合计"
    first: Locator = disclosure.projects[0].locator
    parts = tuple(Term.of(getattr(p, field), p.locator, f"{p.serial}.{p.name}" if p.serial is not None else p.name)
                  for p in disclosure.projects if getattr(p, field) is not None)
    return Resolved(Term(total, bound, first.at(table="projects", row=None, column=None), shown, label), True, parts)


def _assets(disclosure: Disclosure, selector: Selector) -> Resolved | None:
    if not disclosure.assets:
        return None
    for holding in disclosure.assets:
        if holding.item == selector.line:
            return Resolved(Term.of(holding.value, holding.locator, f"fixed assets: {holding.label}"), True)
    return Resolved(Term.of(None, disclosure.assets[0].locator, f"fixed assets: {selector.line}"), False)
