"""Validation results as data: a ``Finding`` per problem, a ``Report`` per disclosure.

Every finding has a stable kebab-case ``code`` (the catalogue ``CODES`` below, documented in the
README section "Checks"), a severity, a message in English and Chinese, the figures involved and
the locators of every side. Tests compare ``Report.flat()`` so that rewording breaks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import Locator

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)
_RANK = {ERROR: 0, WARNING: 1, INFO: 2}

# code -> (English title, Chinese title). Every code a check can emit is listed here.
CODES: dict[str, tuple[str, str]] = {
    "row-sum-mismatch": ("a row's total is not the sum of its parts", "行合计不等于各分项之和"),
    "class-sum-mismatch": ("a code's amount is not the sum of its sub-codes", "科目金额不等于其下级科目之和"),
    "line-sum-mismatch": ("a total line is not the sum of the lines it totals", "合计行不等于所合计各行之和"),
    "balance-mismatch": ("income total and expenditure total differ", "收入总计与支出总计不相等"),
    "cross-table-mismatch": ("two tables disagree on the same quantity", "不同表格中同一数额不一致"),
    "project-budget-mismatch": ("project budgets do not add up to project expenditure",
                                "项目绩效目标表预算数之和与项目支出不符"),
    "project-funding-mismatch": ("a project's budget is not fiscal plus other funds",
                                 "项目预算数不等于财政资金与其他资金之和"),
    "asset-sum-mismatch": ("the asset total is not the sum of its categories", "资产总额不等于各类资产之和"),
    "narrative-figure-mismatch": ("a figure in the text differs from the tables", "说明中的数字与表格不一致"),
    "narrative-change-mismatch": ("a stated change does not follow from the figures", "说明中的增减额与数字不符"),
    "narrative-rate-mismatch": ("a stated rate or share does not follow from the figures",
                                "说明中的增减幅度或占比与数字不符"),
    "narrative-direction-mismatch": ("a direction word contradicts the numbers", "增减方向用词与数字不符"),
    "narrative-zero-change-direction": ("a zero change is described with a direction word",
                                        "零变动使用了增减方向用词"),
    "narrative-code-name-mismatch": ("the text names a code differently from the tables",
                                     "说明中的科目名称与表格不一致"),
    "code-malformed": ("a classification code has the wrong form", "科目编码格式不正确"),
    "code-hierarchy": ("a code's parent is missing or out of place", "科目层级与编码前缀不一致"),
    "code-name-inconsistent": ("one code is printed with different names", "同一科目编码对应不同名称"),
    "code-unknown-class": ("a 类 code is not in the code list", "类级科目编码不在科目表中"),
    "code-class-name": ("a 类 is printed with a name other than the code list's", "类级科目名称与科目表不同"),
    "read-note": ("the reader noticed something and worked around it", "读取时发现并处理的情况"),
}


def _plain(value: Decimal) -> str:
    return format(value, "f")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: what (code), how bad (severity), in words (en, zh), with which figures, where."""

    code: str
    severity: str
    message_en: str
    message_zh: str
    figures: tuple[Decimal, ...] = ()
    locators: tuple[Locator, ...] = ()
    rule: str = ""  # the identity id in vocab/identities.toml, or the check that found it

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown finding code {self.code!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    @property
    def locator(self) -> Locator | None:
        """The main place: the figure that was checked (a total, a stated figure)."""
        return self.locators[0] if self.locators else None

    def flat(self) -> tuple[str, str | None, int | None, int | None]:
        """``(code, table, row, column)`` of the main locator: what tests compare."""
        loc = self.locator
        if loc is None:
            return (self.code, None, None, None)
        return (self.code, loc.table, loc.row, loc.column)

    def names(self, locator: Locator) -> bool:
        """True when ``locator`` is one of the places this finding points at."""
        return locator in self.locators

    def to_data(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message_en": self.message_en,
            "message_zh": self.message_zh,
            "figures": [_plain(f) for f in self.figures],
            "locators": [loc.as_dict() for loc in self.locators],
            "rule": self.rule,
        }


def _position(locator: Locator | None) -> tuple[Any, ...]:
    if locator is None:
        return (1, 0, 0, "", 0, 0)
    return (0, locator.page or 0, locator.line or 0, locator.table or "", locator.row or 0, locator.column or 0)


def sort_key(finding: Finding) -> tuple[Any, ...]:
    """Document order of the main locator, then code and message: deterministic output."""
    return (_position(finding.locator), finding.code, _RANK[finding.severity], finding.message_en,
            tuple(_position(loc) for loc in finding.locators))


@dataclass(frozen=True, slots=True)
class Report:
    """All findings on one disclosure, in a deterministic order."""

    findings: tuple[Finding, ...]
    source: str | None = None

    @classmethod
    def of(cls, findings: list[Finding] | tuple[Finding, ...], source: str | None = None) -> "Report":
        unique: dict[tuple[Any, ...], Finding] = {}
        for finding in findings:
            unique.setdefault((finding.code, finding.severity, finding.message_en, finding.locators), finding)
        return cls(tuple(sorted(unique.values(), key=sort_key)), source)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> int:
        return self.count(ERROR)

    @property
    def warnings(self) -> int:
        return self.count(WARNING)

    @property
    def infos(self) -> int:
        return self.count(INFO)

    def has_errors(self, strict: bool = False) -> bool:
        """True when an error-level finding exists (or, with ``strict``, a warning)."""
        return self.errors > 0 or (strict and self.warnings > 0)

    def by_code(self, code: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.code == code)

    def flat(self, severities: tuple[str, ...] = SEVERITIES) -> list[tuple[str, str | None, int | None, int | None]]:
        """``(code, table, row, column)`` per finding of the given severities, sorted."""
        return sorted((f.flat() for f in self.findings if f.severity in severities),
                      key=lambda t: tuple("" if x is None else str(x) for x in t))

    def to_data(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": self.infos,
            "findings": [f.to_data() for f in self.findings],
        }
