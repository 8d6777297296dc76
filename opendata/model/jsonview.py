"""The model as JSON-ready data: decimals as strings, enums by value, field order kept."""

from __future__ import annotations

import dataclasses
import enum
from decimal import Decimal
from typing import Any

from .money import Amount


def to_data(value: Any) -> Any:
    """Convert a model object to JSON-ready dicts, lists and strings (decimals exact)."""
    if isinstance(value, Amount):
        return {"value": format(value.value, "f"), "unit": value.unit.value, "yuan": value.yuan_text, "raw": value.raw}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        result: dict[str, Any] = {}
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if item is None or item == () or item == "":
                continue
            result[field.name] = to_data(item)
        return result
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [to_data(item) for item in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    return value
