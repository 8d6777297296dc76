"""The typed model of a disclosure: money, targets and the disclosure itself."""

from .disclosure import (
    AssetHolding, Cell, Claim, Column, CoverageEntry, Department, Disclosure, Division, Figure, Indicator,
    Institution, Line, LineKey, PlanPoint, ProcurementLine, Project, ReadNote, Section, Source, Table, Term,
    TocEntry,
)
from .money import Amount, Unit, parse_amount, parse_decimal
from .targets import Target, parse_target

__all__ = [
    "Amount", "AssetHolding", "Cell", "Claim", "Column", "CoverageEntry", "Department", "Disclosure", "Division",
    "Figure", "Indicator", "Institution", "Line", "LineKey", "PlanPoint", "ProcurementLine", "Project", "ReadNote",
    "Section", "Source", "Table", "Target", "Term", "TocEntry", "Unit", "parse_amount", "parse_decimal",
    "parse_target",
]
