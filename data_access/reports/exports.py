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

import numpy
import pandas as pd

# Kept beside the exports they make safe (the command line imports them without pandas).
from data_access.core.text import FORMULA_STARTS as FORMULA_STARTS
from data_access.core.text import inert as inert
from data_access.core.text import printable as printable


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
