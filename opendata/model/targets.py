"""Performance-indicator targets (指标值) as structure, the raw text always kept.

A target is one of:

* ``numeric``: an optional comparator, a value and a unit (``≥95%``, ``≤0.15万元/家``, ``4238.28 平方米``);
* ``range``: two values and a unit (``5-12月份`` as months, ``实际发生额的0.1-1%``);
* ``deadline``: a point in the year (``10月底前``, ``≤12月``, ``3月份``, ``月后 25 日前``);
* ``qualitative``: words only (``及时``, ``达到``, ``起到一定的社会效益``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

COMPARATORS = {
    "≥": "≥", ">=": "≥", "≧": "≥", "不少于": "≥", "不低于": "≥", "大于等于": "≥",
    "≤": "≤", "<=": "≤", "≦": "≤", "不超过": "≤", "不高于": "≤", "小于等于": "≤", "不多于": "≤",
    ">": ">", "大于": ">", "高于": ">",
    "<": "<", "小于": "<", "低于": "<",
    "=": "=", "等于": "=",
}

# Units that make a number a point in the year rather than a quantity.
DEADLINE_UNITS = {
    "月": "month", "月份": "month", "月末": "end-of-month", "月底": "end-of-month",
    "月底前": "by-end-of-month", "月末前": "by-end-of-month", "月前": "before-month",
    "月中旬": "mid-month", "月上旬": "early-month", "月下旬": "late-month",
    "月中旬前": "by-mid-month", "季度": "quarter", "季度末": "end-of-quarter",
}

_COMPARATOR = "|".join(sorted((re.escape(c) for c in COMPARATORS), key=len, reverse=True))
_NUM = r"\d+(?:\.\d+)?"
_PATTERN = re.compile(
    rf"^(?P<cmp>{_COMPARATOR})?"
    rf"(?P<prefix>[^\d《》()（）]{{0,12}}?)"
    rf"(?P<num>{_NUM})"
    rf"(?:(?P<sep>-|~|至|—|－)(?P<num2>{_NUM}))?"
    rf"(?P<unit>[^\d]*)$"
)
_UNIT_OK = re.compile(r"^[A-Za-z%‰\u4e00-\u9fff/·]{0,10}$")
_DAY_OF_NEXT_MONTH = re.compile(rf"^(?P<cmp>{_COMPARATOR})?(?:次月|月后|下月)(?P<day>\d{{1,2}})(?:日|号)(?P<rule>前|内|之前)?$")


@dataclass(frozen=True, slots=True)
class Target:
    """A parsed 指标值. ``raw`` is the cell as printed; everything else is derived from it."""

    raw: str
    kind: str  # numeric | range | deadline | qualitative
    comparator: str | None = None
    value: Decimal | None = None
    upper: Decimal | None = None
    unit: str | None = None
    month: int | None = None
    day: int | None = None
    deadline_rule: str | None = None
    qualifier: str | None = None  # words printed before the number (``实际发生额的``)

    @property
    def text(self) -> str:
        """The qualitative text (for qualitative targets), else the normalised raw text."""
        return _clean(self.raw)


_WHITESPACE = re.compile(r"\s+")


def _clean(text: str) -> str:
    """NFKC without whitespace (the pattern compiled once: ``re.sub`` looks it up in re's cache per call)."""
    text = unicodedata.normalize("NFKC", text)
    return _WHITESPACE.sub("", text)


def _strip_parens(unit: str) -> str:
    if len(unit) >= 2 and unit[0] in "(（" and unit[-1] in ")）":
        return unit[1:-1]
    return unit


def parse_target(raw: str) -> Target:
    """Parse a 指标值 cell; never fails (anything not numeric is qualitative).

    Disclosures repeat the same few targets (及时, ≥95%) many times: the answer for a short cell
    is remembered (a ``Target`` is immutable, so sharing it is safe).
    """
    return _parse_short(raw) if len(raw) <= 200 else _parse(raw)


def _parse(raw: str) -> Target:
    text = _clean(raw)
    if not text:
        return Target(raw=raw, kind="qualitative")
    day = _DAY_OF_NEXT_MONTH.match(text)
    if day:
        return Target(
            raw=raw, kind="deadline",
            comparator=COMPARATORS.get(day["cmp"] or "", None),
            value=Decimal(day["day"]), unit="日", day=int(day["day"]),
            deadline_rule="day-of-following-month",
        )
    match = _PATTERN.match(text)
    if not match:
        return Target(raw=raw, kind="qualitative")
    unit = _strip_parens(match["unit"])
    prefix = match["prefix"] or ""
    if not _UNIT_OK.match(unit) or (prefix and not _UNIT_OK.match(prefix)):
        return Target(raw=raw, kind="qualitative")
    comparator = COMPARATORS.get(match["cmp"] or "")
    if prefix in COMPARATORS:  # a comparator written in words after a symbol-less start
        comparator, prefix = COMPARATORS[prefix], ""
    value = Decimal(match["num"])
    upper = Decimal(match["num2"]) if match["num2"] else None
    rule = DEADLINE_UNITS.get(unit)
    if rule is not None and not prefix:
        month = int(value) if value == value.to_integral_value() and 1 <= value <= 12 else None
        if month is not None and rule != "quarter" and rule != "end-of-quarter":
            if upper is not None:
                return Target(
                    raw=raw, kind="range", comparator=comparator, value=value, upper=upper,
                    unit="月", month=month, deadline_rule=rule,
                )
            return Target(
                raw=raw, kind="deadline", comparator=comparator, value=value,
                unit="月", month=month, deadline_rule=rule,
            )
    return Target(
        raw=raw,
        kind="range" if upper is not None else "numeric",
        comparator=comparator,
        value=value,
        upper=upper,
        unit=unit or None,
        qualifier=prefix or None,
    )


_parse_short = lru_cache(maxsize=1 << 12)(_parse)
