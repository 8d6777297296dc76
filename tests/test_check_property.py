"""Properties of the checks: any single amount changed in the (balanced) sample is named by a finding;
the rounding rule's severities; reports are deterministic."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import opendata
from opendata.check import validate
from opendata.check.rounding import Term, bound_of, severity_of
from opendata.model.disclosure import Disclosure
from opendata.model.money import Amount, Unit

SAMPLE = opendata.load(opendata.sample_path())
CELLS = [
    (ti, li, ci)
    for ti, table in enumerate(SAMPLE.tables)
    for li, line in enumerate(table.lines)
    for ci, cell in enumerate(line.cells)
    if cell.amount is not None
]


def with_amount(disclosure: Disclosure, ti: int, li: int, ci: int, value: Decimal) -> Disclosure:
    table = disclosure.tables[ti]
    line = table.lines[li]
    cell = line.cells[ci]
    assert cell.amount is not None
    text = format(value, "f")
    new_cell = dataclasses.replace(cell, amount=Amount(value, cell.amount.unit, text), raw=text)
    new_line = dataclasses.replace(line, cells=(*line.cells[:ci], new_cell, *line.cells[ci + 1:]))
    new_table = dataclasses.replace(table, lines=(*table.lines[:li], new_line, *table.lines[li + 1:]))
    return dataclasses.replace(disclosure, tables=(*disclosure.tables[:ti], new_table, *disclosure.tables[ti + 1:]))


def test_the_sample_has_amounts_in_every_table_kind():
    assert len(CELLS) > 250
    assert validate(SAMPLE).errors == 0


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(CELLS),
    st.decimals(min_value=Decimal("-9999.99"), max_value=Decimal("9999.99"), places=2).filter(lambda d: d != 0),
)
def test_any_changed_amount_is_named_by_a_finding(place, delta):
    ti, li, ci = place
    cell = SAMPLE.tables[ti].lines[li].cells[ci]
    assert cell.amount is not None
    changed = with_amount(SAMPLE, ti, li, ci, cell.amount.value + delta)
    report = validate(changed)
    naming = [f for f in report.findings if cell.locator in f.locators]
    assert naming, f"no finding names {cell.locator} after changing it by {delta}"
    if abs(delta) > Decimal("0.10"):  # beyond any rounding bound in these tables
        assert any(f.severity == "error" for f in naming)


@given(
    st.lists(st.decimals(min_value=Decimal("0"), max_value=Decimal("99999.99"), places=2), min_size=1, max_size=8),
    st.integers(min_value=-5, max_value=5),
)
def test_rounding_rule(values, hundredths):
    terms = [Term.of(Amount(v, Unit.WAN_YUAN, format(v, "f")), None) for v in values]
    total = sum((t.value for t in terms), Decimal(0)) + Decimal(hundredths) * 100  # yuan: 0.01 万元 = 100 元
    bound = bound_of(terms) + Decimal(50)  # plus the printed total's own half-unit
    severity = severity_of(total - sum(t.value for t in terms), bound)
    if hundredths == 0:
        assert severity is None
    elif abs(hundredths) * 100 <= bound:
        assert severity == "warning"
    else:
        assert severity == "error"


def test_report_is_deterministic_json():
    first = json.dumps(validate(SAMPLE).to_data(), ensure_ascii=False, sort_keys=True)
    again = json.dumps(validate(opendata.load(opendata.sample_path())).to_data(), ensure_ascii=False, sort_keys=True)
    assert first == again
    changed = with_amount(SAMPLE, *CELLS[5], Decimal("1.23"))
    data = validate(changed).to_data()
    assert data["errors"] > 0
    assert all(isinstance(v, str) for f in data["findings"] for v in f["figures"])


# ---------------------------------------------------------------- synthetic balanced documents
import functools  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

SYNTH = Path(__file__).resolve().parent.parent / "benchmarks" / "synth.py"


@functools.cache
def synthetic() -> tuple[Disclosure, ...]:
    """Three documents of benchmarks/synth.py (every identity holds by construction), read once."""
    out = Path(tempfile.mkdtemp(prefix="opendata-synth-"))
    subprocess.run([sys.executable, str(SYNTH), "3", str(out), "--seed", "11"], check=True, capture_output=True)
    return tuple(opendata.load(path) for path in sorted(out.glob("*.txt")))


def test_synthetic_documents_are_clean():
    if not SYNTH.is_file():  # pragma: no cover - the benchmarks folder ships with the repository
        import pytest

        pytest.skip("benchmarks/synth.py is absent")
    for disclosure in synthetic():
        report = validate(disclosure)
        assert (report.errors, report.warnings) == (0, 0), report.flat(("error", "warning"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_changed_amount_of_a_synthetic_document_is_named(data):
    if not SYNTH.is_file():  # pragma: no cover
        return
    disclosure = data.draw(st.sampled_from(synthetic()))
    cells = [(ti, li, ci) for ti, t in enumerate(disclosure.tables) for li, l in enumerate(t.lines)
             for ci, c in enumerate(l.cells) if c.amount is not None]
    ti, li, ci = data.draw(st.sampled_from(cells))
    delta = data.draw(st.decimals(min_value=Decimal("-999.99"), max_value=Decimal("999.99"), places=2)
                      .filter(lambda d: d != 0))
    cell = disclosure.tables[ti].lines[li].cells[ci]
    assert cell.amount is not None
    report = validate(with_amount(disclosure, ti, li, ci, cell.amount.value + delta))
    assert any(cell.locator in f.locators for f in report.findings), (cell.locator, delta)
