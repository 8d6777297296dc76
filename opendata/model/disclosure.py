"""The typed model of one department-year disclosure (frozen dataclasses).

Tables keep their structure (columns, lines, cells); ``Disclosure.figures()`` flattens every
amount into a ``Figure`` that says what it means (table, line, measure, fund) and where it came
from. Projects, indicators, procurement, assets, institutions, narrative and claims are typed too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterator

from ..errors import Locator
from .money import Amount, Unit
from .targets import Target


@dataclass(frozen=True, slots=True)
class Column:
    """An amount column of a table: its position, header as printed and meaning."""

    index: int  # 1-based position in the source grid
    header: str
    measure: str  # measure role key (vocab/codelists/measures.ttl)
    fund: str | None = None  # fund type key when the column is one fund (vocab/codelists/funds.ttl)
    side: str | None = None  # "income" | "expenditure" on two-sided summary tables


@dataclass(frozen=True, slots=True)
class Cell:
    """One amount cell: its column, the amount (``None`` when blank) and its place."""

    column: Column
    amount: Amount | None
    raw: str
    locator: Locator


@dataclass(frozen=True, slots=True)
class LineKey:
    """What a table line is about: a functional code, an economic code, or a named item.

    ``item`` keys come from vocab/codelists/items.ttl (``total``, ``income:general-budget`` …).
    """

    functional: str | None = None
    economic: str | None = None
    item: str | None = None

    @property
    def slug(self) -> str:
        """A stable name for the line; a repeated coded line keeps its ``~N`` mark (``func-2060101~2``)."""
        if self.item and (self.functional or self.economic):
            return self.item
        if self.functional:
            return f"func-{self.functional}"
        if self.economic:
            return f"econ-{self.economic}"
        return str(self.item)


@dataclass(frozen=True, slots=True)
class Line:
    """A logical table line (a printed row, or one side of a two-sided row)."""

    key: LineKey
    label: str
    cells: tuple[Cell, ...]
    locator: Locator
    serial: str | None = None
    side: str | None = None
    level: int | None = None  # 1 类, 2 款, 3 项 for coded lines; 0 for totals


@dataclass(frozen=True, slots=True)
class Table:
    """A recognised standard table."""

    kind: str  # table kind key (vocab/codelists/tables.ttl)
    title: str
    unit: Unit
    columns: tuple[Column, ...]
    lines: tuple[Line, ...]
    locator: Locator
    notes: tuple[str, ...] = ()
    pages: int = 1  # how many printed pages the table ran over


@dataclass(frozen=True, slots=True)
class Figure:
    """One amount with everything that says what it means. The unit of every output row."""

    table: str
    line: LineKey
    label: str
    measure: str
    fund: str | None
    side: str | None
    amount: Amount
    locator: Locator


@dataclass(frozen=True, slots=True)
class PlanPoint:
    """Cumulative spending planned by the end of a month (资金支出计划 3月底 / 6月底 …)."""

    month: int
    label: str
    amount: Amount | None
    locator: Locator


@dataclass(frozen=True, slots=True)
class Indicator:
    """A performance indicator row (一级/二级/三级指标, description, 指标值, 依据)."""

    level1: str
    level2: str
    level3: str
    description: str
    target: Target
    basis: str
    locator: Locator


@dataclass(frozen=True, slots=True)
class Project:
    """A project performance-target table (绩效目标表)."""

    serial: int | None
    title: str
    code: str | None
    name: str
    budget: Amount | None
    fiscal: Amount | None
    other: Amount | None
    purpose: str
    plan: tuple[PlanPoint, ...]
    goal: str
    indicators: tuple[Indicator, ...]
    locator: Locator
    attributes: tuple[tuple[str, str], ...] = ()  # further labelled fields (项目性质, 主管部门 …)


@dataclass(frozen=True, slots=True)
class ProcurementLine:
    """A line of the government procurement budget (政府采购预算)."""

    level: str  # total | subtotal | item
    label: str
    project_name: str
    project_budget: Amount | None
    item_name: str
    catalogue_code: str | None
    unit_of_measure: str
    quantity: Decimal | None
    unit_price: Amount | None
    amounts: tuple[tuple[str, Amount], ...]  # (fund or measure key, amount)
    sme_reserved: Amount | None
    locator: Locator


@dataclass(frozen=True, slots=True)
class AssetHolding:
    """A line of the fixed-asset table (部门固定资产占用情况表)."""

    item: str  # key: total | buildings | office-buildings | vehicles | equipment-over-200k | other
    label: str
    quantity: Decimal | None
    quantity_unit: str | None
    value: Amount | None
    as_of: str | None
    locator: Locator


@dataclass(frozen=True, slots=True)
class Institution:
    """A unit of the department (部门机构设置)."""

    name: str
    nature: str
    grade: str
    funding: str
    locator: Locator


@dataclass(frozen=True, slots=True)
class Section:
    """A narrative section kept as text under its heading."""

    key: str  # duties | overview | operating-costs | three-public | performance | glossary | other-matters | …
    heading: str
    paragraphs: tuple[str, ...]
    locator: Locator


@dataclass(frozen=True, slots=True)
class Term:
    """A glossary entry (名词解释)."""

    term: str
    definition: str
    locator: Locator


@dataclass(frozen=True, slots=True)
class Claim:
    """A figure stated in the narrative, with what it refers to."""

    kind: str  # amount | change | share | rate
    subject: str  # the words naming the quantity, as printed (normalised)
    value: Decimal
    unit: str  # 万元 | 元 | %
    direction: str | None  # increase | decrease | flat | None
    year: int | None
    base_year: int | None
    sentence: str
    raw: str
    locator: Locator
    section: str | None = None
    code: str | None = None  # a classification code the sentence names (``206``)
    code_name: str | None = None  # the name printed for that code in the sentence

    @property
    def amount(self) -> Amount | None:
        if self.unit in ("万元", "元"):
            return Amount(self.value, Unit.WAN_YUAN if self.unit == "万元" else Unit.YUAN, self.raw)
        return None


@dataclass(frozen=True, slots=True)
class TocEntry:
    title: str
    page: int | None
    locator: Locator


@dataclass(frozen=True, slots=True)
class Department:
    name: str
    code: str | None


@dataclass(frozen=True, slots=True)
class Division:
    """Administrative division (行政区划) where the document reveals it."""

    code: str | None
    name: str | None
    province: str | None
    evidence: str  # how it was found


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    sha256: str
    media_type: str
    pages: int | None


@dataclass(frozen=True, slots=True)
class CoverageEntry:
    """A numeric token of the source and what became of it."""

    token: str
    status: str  # see coverage.STATUSES
    locator: Locator
    note: str = ""


@dataclass(frozen=True, slots=True)
class ReadNote:
    """Something the reader noticed and worked around (reported as an info finding)."""

    code: str
    message: str
    locator: Locator


@dataclass(frozen=True, slots=True)
class Disclosure:
    """One department-year disclosure, everything read from it."""

    source: Source
    department: Department
    year: int
    phase: str  # budget | final
    scope: str  # department | unit
    unit: Unit
    division: Division
    title: str
    tables: tuple[Table, ...]
    projects: tuple[Project, ...]
    procurement: tuple[ProcurementLine, ...]
    assets: tuple[AssetHolding, ...]
    institutions: tuple[Institution, ...]
    sections: tuple[Section, ...]
    glossary: tuple[Term, ...]
    claims: tuple[Claim, ...]
    toc: tuple[TocEntry, ...]
    coverage: tuple[CoverageEntry, ...]
    notes: tuple[ReadNote, ...] = field(default=())

    def table(self, kind: str) -> Table | None:
        for table in self.tables:
            if table.kind == kind:
                return table
        return None

    def figures(self) -> Iterator[Figure]:
        """Every table amount as a ``Figure``, in document order."""
        for table in self.tables:
            for line in table.lines:
                for cell in line.cells:
                    if cell.amount is not None:
                        yield Figure(
                            table=table.kind,
                            line=line.key,
                            label=line.label,
                            measure=cell.column.measure,
                            fund=cell.column.fund,
                            side=line.side,
                            amount=cell.amount,
                            locator=cell.locator,
                        )

    @property
    def slug(self) -> str:
        """A stable folder name: division, department, year and phase."""
        from ..naming import package_name

        return package_name(self)
