"""The one exception type for input that cannot be read, and its locator.

Data problems in a readable document are findings (see ``opendata.check``), not exceptions.
An ``UnreadableInput`` means there is nothing sensible to report on: the CLI turns it into
one message naming the file and the place, and exit code 3.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Locator:
    """Where a value came from: file, page or line, table, row and column (all 1-based)."""

    file: str
    line: int | None = None
    page: int | None = None
    table: str | None = None
    row: int | None = None
    column: int | None = None

    def at(self, **changes: object) -> "Locator":
        """A copy with some fields replaced."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        fields.update(changes)
        return Locator(**fields)  # type: ignore[arg-type]

    def __str__(self) -> str:
        parts = [self.file]
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.table is not None:
            parts.append(f"table {self.table}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__ if getattr(self, name) is not None}


class OpendataError(Exception):
    """Base of every error this library raises on purpose."""


class UnreadableInput(OpendataError):
    """The input cannot be read as a disclosure; carries where the reader gave up."""

    def __init__(self, message: str, locator: Locator) -> None:
        super().__init__(f"{locator}: {message}")
        self.message = message
        self.locator = locator


class ConfigError(OpendataError):
    """A configuration file or option is wrong (a usage problem, exit code 2)."""


class BuildLocked(OpendataError):
    """Another build holds the lock on the output directory."""
