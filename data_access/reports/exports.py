"""Files and text the dashboard hands to other programs: spreadsheets and terminals.

- A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and a tab or
  carriage return can hide one in the next cell), so text from data is written with a
  leading apostrophe there, which Excel and LibreOffice show as the text typed.
- A terminal acts on control characters (escape sequences can move the cursor, retitle the
  window or hide text), so text from data is printed without them.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import TypeVar

import numpy
import pandas as pd

#: What a spreadsheet reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Control characters (C0 but tab and newline, DEL, C1) and the bidirectional overrides that
#: can make printed text read differently from what it is.
_UNPRINTABLE = {
    code: "?"
    for code in [
        *range(0x00, 0x09),
        *range(0x0B, 0x20),
        *range(0x7F, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ]
}


_Cell = TypeVar("_Cell")


def inert(value: _Cell) -> _Cell | str:
    """`value` made safe for a spreadsheet cell: text a spreadsheet would run as a formula
    gets a leading apostrophe; anything else (numbers included) is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_safe(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with every text cell and heading made `inert`; numbers stay numbers."""
    safe = table.copy()
    safe.columns = [inert(str(column)) for column in table.columns]
    for column in safe.columns:
        if pd.api.types.is_object_dtype(safe[column]) or pd.api.types.is_string_dtype(safe[column]):
            # Element by element into objects: Series.map would turn an object column of
            # whole numbers and decimals back into floats.
            safe[column] = pd.Series(
                [inert(value) for value in safe[column]], index=safe.index, dtype=object
            )
    return safe


def _as_read(value: object) -> object:
    """A cell as a UK reader (and a UK spreadsheet) reads it: dates as 31/10/2026, yes/no for
    true/false, a whole number without ".0"; anything else as it is."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool | numpy.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | numpy.floating) and float(value).is_integer():
        return int(value)
    return value


def csv_text(table: pd.DataFrame) -> bytes:
    """`table` as a UTF-8 CSV file (no index), safe to open in a spreadsheet, its values
    written as the pages show them (UK dates, yes/no, whole numbers without ".0")."""
    readable = pd.DataFrame(
        {
            # Built as objects, so that pandas does not turn 18 back into 18.0 in a column
            # that also holds 16.2.
            column: pd.Series([_as_read(value) for value in table[column]], dtype=object)
            for column in table.columns
        },
        columns=table.columns,
    )
    return spreadsheet_safe(readable).to_csv(index=False).encode("utf-8")


def printable(text: str) -> str:
    """`text` with every control character shown as `?` (tab and newline kept)."""
    return text.translate(_UNPRINTABLE)
