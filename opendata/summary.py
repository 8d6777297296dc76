"""A readable account of a disclosure: tables with row counts, projects, coverage (for inspect)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .model.disclosure import Disclosure
from .recognise.coverage import STATUSES


@dataclass(frozen=True, slots=True)
class TableSummary:
    kind: str
    title: str
    lines: int
    figures: int
    pages: int
    unit: str


@dataclass(frozen=True, slots=True)
class Summary:
    title: str
    department: str
    department_code: str | None
    year: int
    phase: str
    scope: str
    division: str
    unit: str
    tables: tuple[TableSummary, ...]
    projects: int
    indicators: int
    procurement_lines: int
    asset_lines: int
    institutions: int
    sections: int
    glossary_terms: int
    claims: int
    coverage: tuple[tuple[str, int], ...]
    captured: int
    not_understood: tuple[str, ...]
    notes: tuple[str, ...]


def summarise(disclosure: Disclosure) -> Summary:
    tables = tuple(
        TableSummary(
            kind=t.kind,
            title=t.title,
            lines=len(t.lines),
            figures=sum(1 for line in t.lines for cell in line.cells if cell.amount is not None),
            pages=t.pages,
            unit=t.unit.value,
        )
        for t in disclosure.tables
    )
    counts = Counter(entry.status for entry in disclosure.coverage)
    division = disclosure.division
    return Summary(
        title=disclosure.title,
        department=disclosure.department.name,
        department_code=disclosure.department.code,
        year=disclosure.year,
        phase=disclosure.phase,
        scope=disclosure.scope,
        division=" ".join(p for p in (division.province, division.name, division.code and f"({division.code})") if p),
        unit=disclosure.unit.value,
        tables=tables,
        projects=len(disclosure.projects),
        indicators=sum(len(p.indicators) for p in disclosure.projects),
        procurement_lines=len(disclosure.procurement),
        asset_lines=len(disclosure.assets),
        institutions=len(disclosure.institutions),
        sections=len(disclosure.sections),
        glossary_terms=len(disclosure.glossary),
        claims=len(disclosure.claims),
        coverage=tuple((status, counts[status]) for status in STATUSES if counts[status]),
        captured=sum(n for status, n in counts.items() if STATUSES[status]),
        not_understood=tuple(
            f"{entry.token} at {entry.locator}" + (f" ({entry.note})" if entry.note else "")
            for entry in disclosure.coverage
            if not STATUSES[entry.status]
        ),
        notes=tuple(f"{note.code}: {note.message} ({note.locator})" for note in disclosure.notes),
    )
