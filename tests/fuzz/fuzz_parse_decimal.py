"""Fuzz the number and amount parsers (parse_decimal, parse_amount, is_blank, canonical).

Run: python tests/fuzz/fuzz_parse_decimal.py CORPUS_DIR -max_total_time=600 -timeout=5
"""

from __future__ import annotations

from decimal import Context, Decimal

import atheris

from _harness import run

atheris.enabled_hooks.add("RegEx")  # comparison feedback from re matches and str methods
atheris.enabled_hooks.add("str")

with atheris.instrument_imports():
    from opendata.model.money import Unit, canonical, is_blank, parse_amount, parse_decimal


def test_one_input(data: bytes) -> None:
    text = data[:400].decode("utf-8", "replace")  # UTF-8 seeds stay readable
    value = parse_decimal(text)
    if value is not None:
        assert isinstance(value, Decimal) and value.is_finite(), (text, value)
        assert Decimal(canonical(value)) == value, (text, value)
    try:
        amount = parse_amount(text, Unit.WAN_YUAN)
    except ValueError:
        assert value is None and not is_blank(text), text
        return
    if amount is None:
        assert is_blank(text), text
    else:
        assert amount.value == value and amount.raw == text
        exact = Context(prec=len(value.as_tuple().digits) + 10)
        assert amount.yuan == value.scaleb(4, exact), (text, amount.yuan)  # no rounding, however long
        assert amount.precision > 0


if __name__ == "__main__":
    run(test_one_input)
