"""The rounding rule: when does a difference between printed figures count, and how much.

Tables print amounts rounded to their last digit (0.01 万元 in most documents). A printed figure
``x`` stands for a true value within ``x ± h`` where ``h`` is half a unit of its last digit
(``Amount.precision``). If the true values satisfy an identity exactly, the printed ones can miss
it by at most the sum of the ``h`` of every figure involved: the *rounding bound*.

- difference 0: no finding;
- 0 < difference <= bound: a **warning** (explainable by rounding, worth a look);
- difference > bound: an **error** (no rounding explains it).

One figure restated at a coarser precision (a table in 元 and the text in 万元 to 0.01, or 1,212.12万元
for 12121164元) is no finding when the finer figure, rounded half-up to the coarser one's last digit,
gives exactly the coarser figure.

All comparisons are made in yuan, exactly, with ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..errors import Locator
from ..model.money import Amount
from .report import ERROR, WARNING

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Term:
    """One figure taking part in a comparison: its value and rounding bound in yuan, and its place.

    A blank cell or an absent line is a term with value 0, bound 0 and ``amount`` None.
    """

    value: Decimal
    bound: Decimal
    locator: Locator | None
    amount: Amount | None = None
    label: str = ""

    @classmethod
    def of(cls, amount: Amount | None, locator: Locator | None, label: str = "") -> "Term":
        if amount is None:
            return cls(ZERO, ZERO, locator, None, label)
        return cls(amount.yuan, amount.precision * amount.unit.factor, locator, amount, label)

    @property
    def printed(self) -> bool:
        return self.amount is not None

    @property
    def shown(self) -> str:
        """The figure as printed (with its unit), or 空 for a blank."""
        if self.amount is None:
            return "blank"
        return f"{self.amount.text}"


def bound_of(terms: list[Term] | tuple[Term, ...]) -> Decimal:
    """The rounding bound of a comparison: the sum of half-units of every figure involved."""
    return sum((t.bound for t in terms), ZERO)


def severity_of(difference: Decimal, bound: Decimal) -> str | None:
    """``None`` for an exact match, ``warning`` within the rounding bound, ``error`` beyond it."""
    size = abs(difference)
    if size == 0:
        return None
    return WARNING if size <= bound else ERROR


def same_at_coarser(a: Term, b: Term) -> bool:
    """True when two printed figures of different precision agree once the finer is rounded to the coarser."""
    if a.amount is None or b.amount is None or a.bound == b.bound:
        return False
    coarse, fine = (a, b) if a.bound > b.bound else (b, a)
    quantum = coarse.bound * 2  # one unit of the coarser figure's last digit, in yuan
    rounded = (fine.value / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP) * quantum
    return rounded == coarse.value
