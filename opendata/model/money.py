"""Exact money and numbers as printed: ``Decimal`` values, explicit units, yuan normalisation.

Tables print amounts in 元 or 万元, with or without thousands separators, sometimes with
full-width digits, negatives as ``-12.00`` or ``(12.00)``, and blanks as ``—``/``-``/``/``.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, getcontext, localcontext


class Unit(enum.Enum):
    """Money units printed in the ``单位：`` line of a table."""

    YUAN = "元"
    WAN_YUAN = "万元"

    @property
    def factor(self) -> Decimal:
        return Decimal(1) if self is Unit.YUAN else Decimal(10000)

    @property
    def key(self) -> str:
        return "yuan" if self is Unit.YUAN else "wan-yuan"

    @classmethod
    def parse(cls, text: str) -> "Unit | None":
        norm = normalise(text).replace(" ", "")
        if "万元" in norm:
            return cls.WAN_YUAN
        if "元" in norm:
            return cls.YUAN
        return None


def normalise(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII) and trimmed; the raw text is kept elsewhere."""
    return unicodedata.normalize("NFKC", text).strip()


def canonical(value: Decimal) -> str:
    """A decimal as plain text without exponent, trailing zeros after the point removed."""
    text = format(value, "f")  # exact for any number of digits (quantize fails past the context precision)
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True, slots=True)
class Amount:
    """A money figure: the value as printed, its unit, and the raw text."""

    value: Decimal
    unit: Unit
    raw: str

    @property
    def yuan(self) -> Decimal:
        """The value normalised to yuan, exact (the precision grows with the printed digits)."""
        value = self.value
        digits = len(value.as_tuple().digits) + 5
        if digits <= getcontext().prec:  # exact as it is (nearly always): no context to set up
            return value * self.unit.factor
        with localcontext() as context:
            context.prec = digits
            return value * self.unit.factor

    @property
    def yuan_text(self) -> str:
        return canonical(self.yuan)

    @property
    def text(self) -> str:
        """The source value as a plain decimal, with the printed precision kept."""
        return format(self.value, "f")

    @property
    def precision(self) -> Decimal:
        """Half of the last printed digit, in the source unit: the rounding bound of this figure."""
        exponent = self.value.as_tuple().exponent
        assert isinstance(exponent, int)
        return Decimal(1).scaleb(exponent) / 2


BLANKS = frozenset({"", "-", "—", "–", "——", "/", "无", "－", "─", "…", "*"})
NOT_APPLICABLE = frozenset({"单位不需填列", "不适用", "此项不填"})

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def parse_decimal(text: str) -> Decimal | None:
    """Parse a printed number; ``None`` when it is not one.

    Accepts thousands separators, full-width digits, a leading sign, parentheses for negatives
    and a trailing ``%`` is *not* accepted (percentages are not amounts).
    """
    if not text.isascii() and any(unicodedata.category(ch) == "No" for ch in text):
        return None  # superscripts and circled numbers (², ①) are marks, not amounts, though NFKC makes digits of them
    norm = normalise(text).replace(" ", "").replace("\u2212", "-")
    negative = False
    if norm.startswith("(") and norm.endswith(")"):
        norm = norm[1:-1]
        negative = True
    if not _NUMBER.match(norm):
        return None
    try:
        value = Decimal(norm.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern excludes it
        return None
    return -value if negative else value


def is_blank(text: str) -> bool:
    """True for an empty cell or one of the printed placeholders for "nothing"."""
    norm = normalise(text).replace(" ", "")
    return norm in BLANKS or norm in NOT_APPLICABLE


def parse_amount(text: str, unit: Unit) -> Amount | None:
    """An ``Amount`` for a table cell, or ``None`` for a blank; raises ``ValueError`` otherwise."""
    if is_blank(text):
        return None
    value = parse_decimal(text)
    if value is None:
        raise ValueError(f"not an amount: {text!r}")
    return Amount(value, unit, text)


# Numeric tokens as they occur anywhere in a document (used by the coverage account).
NUMBER_TOKEN = re.compile(r"\d+(?:[.,]\d+)*")


def number_tokens(text: str) -> list[str]:
    """Every run of digits (with inner separators) in ``text``, after NFKC."""
    return NUMBER_TOKEN.findall(text if text.isascii() else unicodedata.normalize("NFKC", text))  # ASCII is NFKC
