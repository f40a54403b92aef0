"""A problem found in an import, located as precisely as the file allows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """`FILE, line N, COLUMN: message` (a sheet says "row N" instead of "line N")."""

    file: str
    line: int | None
    column: str | None
    message: str
    line_word: str = "line"
    #: The value found in the cell, where there was one (for tables of problems).
    found: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"{self.line_word} {self.line}")
        if self.column:
            where.append(self.column)
        return f"{', '.join(where)}: {self.message}"
