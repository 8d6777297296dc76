"""Squarified treemap geometry in exact decimals (Bruls, Huizing and van Wijk 2000).

The page chart places each child of a classification node in a rectangle whose area is
proportional to its amount. Amounts are ``Decimal`` and so is every coordinate: the same input
gives the same rectangles on every machine, with no float rounding in between. Coordinates are
quantized to 0.01 for printing into SVG.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Sequence

_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Rect:
    """A rectangle in chart units (top-left corner, width, height)."""

    x: Decimal
    y: Decimal
    w: Decimal
    h: Decimal

    def quantized(self) -> "Rect":
        """The rectangle with every coordinate rounded to 0.01 (for SVG attributes)."""
        return Rect(*(v.quantize(_CENT, rounding=ROUND_HALF_EVEN) for v in (self.x, self.y, self.w, self.h)))


def _worst(row: Sequence[Decimal], side: Decimal) -> Decimal:
    """The largest aspect ratio in a row of areas laid along a side of length ``side``."""
    total = sum(row, Decimal(0))
    side2 = side * side
    total2 = total * total
    return max(side2 * max(row) / total2, total2 / (side2 * min(row)))


def squarify(values: Sequence[Decimal], width: Decimal, height: Decimal) -> list[Rect | None]:
    """Rectangles filling ``width`` × ``height`` with areas proportional to ``values``.

    Returned in the order of ``values``; a value that is not positive gets ``None`` (it has no
    area to draw). Larger values are placed first (ties keep their input order).
    """
    result: list[Rect | None] = [None] * len(values)
    order = sorted((i for i, v in enumerate(values) if v > 0), key=lambda i: (-values[i], i))
    if not order or width <= 0 or height <= 0:
        return result
    with localcontext() as ctx:
        ctx.prec = 34
        total = sum((values[i] for i in order), Decimal(0))
        scale = width * height / total
        areas = [(i, values[i] * scale) for i in order]
        x, y, w, h = Decimal(0), Decimal(0), Decimal(width), Decimal(height)
        start = 0
        while start < len(areas):
            side = min(w, h)
            end = start + 1
            row = [areas[start][1]]
            while end < len(areas):
                candidate = row + [areas[end][1]]
                if _worst(candidate, side) > _worst(row, side):
                    break
                row = candidate
                end += 1
            row_total = sum(row, Decimal(0))
            last = end == len(areas)
            if w >= h:  # a column on the left
                col = w if last else row_total / h
                cy = y
                for k, (index, area) in enumerate(areas[start:end]):
                    rh = (y + h - cy) if k == end - start - 1 else area / col
                    result[index] = Rect(x, cy, col, rh)
                    cy += rh
                x, w = x + col, w - col
            else:  # a row along the top
                rowh = h if last else row_total / w
                cx = x
                for k, (index, area) in enumerate(areas[start:end]):
                    rw = (x + w - cx) if k == end - start - 1 else area / rowh
                    result[index] = Rect(cx, y, rw, rowh)
                    cx += rw
                y, h = y + rowh, h - rowh
            start = end
    return result
