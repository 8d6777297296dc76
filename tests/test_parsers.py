"""Property tests for the number and target parsers."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, strategies as st

from opendata.model.money import Amount, Unit, canonical, is_blank, parse_amount, parse_decimal
from opendata.model.targets import parse_target

amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False)


def with_separators(value: Decimal) -> str:
    return f"{value:,.2f}"


@given(amounts)
def test_plain_decimal_round_trips(value):
    assert parse_decimal(format(value, "f")) == value


@given(amounts)
def test_thousands_separators(value):
    assert parse_decimal(with_separators(value)) == value


@given(amounts.filter(lambda v: v >= 0))
def test_parenthesised_negative(value):
    assert parse_decimal(f"({format(value, 'f')})") == -value


@given(amounts.filter(lambda v: v >= 0))
def test_full_width_digits(value):
    text = format(value, "f").translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    assert parse_decimal(text) == value


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=12))
def test_text_without_digits_is_no_number(text):
    assert parse_decimal(text) is None


@given(amounts, st.sampled_from(list(Unit)))
def test_amount_keeps_value_and_normalises_to_yuan(value, unit):
    amount = parse_amount(format(value, "f"), unit)
    assert amount is not None
    assert amount.value == value
    assert amount.yuan == value * unit.factor
    assert Decimal(amount.yuan_text) == amount.yuan
    assert "E" not in amount.yuan_text


def test_blanks_and_bad_cells():
    for blank in ("", " ", "-", "—", "/", "无", "单位不需填列"):
        assert is_blank(blank)
        assert parse_amount(blank, Unit.YUAN) is None
    for bad in ("12.3.4", "abc", "1,23", "12元"):
        try:
            parse_amount(bad, Unit.YUAN)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} parsed as an amount")


def test_precision_is_half_the_last_digit():
    assert Amount(Decimal("1722.65"), Unit.WAN_YUAN, "1722.65").precision == Decimal("0.005")
    assert Amount(Decimal("9501164"), Unit.YUAN, "9,501,164").precision == Decimal("0.5")


@given(st.decimals(min_value=0, max_value=Decimal("1e9"), places=4, allow_nan=False))
def test_canonical_has_no_exponent_and_is_exact(value):
    text = canonical(value)
    assert "E" not in text and Decimal(text) == value


comparators = st.sampled_from(["≥", "≤", ">", "<", "=", ""])
units = st.sampled_from(["%", "家", "人", "万元", "万元/家", "万元/条", "天", "次", "个", "条", "套", "年", "平方米"])
values = st.decimals(min_value=0, max_value=Decimal("100000"), places=2, allow_nan=False)


@given(comparators, values, units, st.sampled_from(["", " "]))
def test_numeric_targets(comparator, value, unit, space):
    raw = f"{comparator}{format(value, 'f')}{space}{unit}"
    target = parse_target(raw)
    assert target.raw == raw
    assert target.kind == "numeric"
    assert target.comparator == (comparator or None)
    assert target.value == value
    assert target.unit == unit


@given(st.integers(1, 12), st.sampled_from(["月底前", "月底", "月份", "月"]), st.sampled_from(["", " "]))
def test_deadlines(month, suffix, space):
    target = parse_target(f"{month}{space}{suffix}")
    assert target.kind == "deadline"
    assert target.month == month


@given(st.integers(1, 11), st.integers(0, 11))
def test_month_ranges(start, length):
    end = min(12, start + length + 1)
    target = parse_target(f"{start}-{end}月份")
    assert target.kind == "range" and target.value == start and target.upper == end


@given(st.text(max_size=40))
def test_any_text_parses_and_keeps_raw(text):
    target = parse_target(text)
    assert target.raw == text
    assert target.kind in {"numeric", "range", "deadline", "qualitative"}
    if target.kind == "qualitative":
        assert target.value is None


def test_targets_from_the_sample():
    cases = {
        "≥40 家": ("numeric", "≥", Decimal("40"), "家"),
        "≤0.15万元/家": ("numeric", "≤", Decimal("0.15"), "万元/家"),
        "4238.28 平方米": ("numeric", None, Decimal("4238.28"), "平方米"),
        "≤267.1 万元": ("numeric", "≤", Decimal("267.1"), "万元"),
        "≥13459.00(平方米)": ("numeric", "≥", Decimal("13459.00"), "平方米"),
        "10月底前": ("deadline", None, Decimal("10"), "月"),
        "≤12月": ("deadline", "≤", Decimal("12"), "月"),
        "5-12月份": ("range", None, Decimal("5"), "月"),
        "月后 25 日前": ("deadline", None, Decimal("25"), "日"),
        "起到一定的社会效益": ("qualitative", None, None, None),
        "及时": ("qualitative", None, None, None),
    }
    for raw, (kind, comparator, value, unit) in cases.items():
        target = parse_target(raw)
        assert (target.kind, target.comparator, target.value, target.unit) == (kind, comparator, value, unit), raw
