"""Check the accounting of a disclosure the way a careful reviewer would.

``validate(disclosure) -> Report``: the accounting identities of vocab/identities.toml (within a
row, within a column, the code hierarchy, across tables), the narrative against the tables, the
classification codes, and the reader's own notes. Every finding has a stable code (see
``report.CODES`` and the README section "Checks"); the rounding rule is in ``rounding.py``.
"""

from __future__ import annotations

from ..model.disclosure import Disclosure
from .codes import check_codes
from .identities import Identities, check_identities, identities, load_identities
from .narrative import check_narrative
from .quantities import Figures
from .report import CODES, ERROR, INFO, SEVERITIES, WARNING, Finding, Report

__all__ = ["CODES", "ERROR", "INFO", "SEVERITIES", "WARNING", "Finding", "Identities", "Report",
           "identities", "load_identities", "validate"]


def read_notes(disclosure: Disclosure) -> list[Finding]:
    """What the reader noticed and worked around, as info findings."""
    return [
        Finding("read-note", INFO, f"[{note.code}] {note.message}", f"读取说明 [{note.code}]：{note.message}",
                (), (note.locator,), "read-note")
        for note in disclosure.notes
    ]


def validate(disclosure: Disclosure, declared: Identities | None = None) -> Report:
    """Every check on one disclosure, as a deterministic ``Report``."""
    declared = declared or identities()
    figures = Figures()  # cell terms and line lookups shared by the identities and the narrative checks
    findings = [
        *check_identities(disclosure, declared, figures),
        *check_narrative(disclosure, declared, figures),
        *check_codes(disclosure),
        *read_notes(disclosure),
    ]
    return Report.of(findings, source=disclosure.source.name)
