"""Text from data made harmless where it lands: a spreadsheet cell that would run as a
formula, a terminal that would obey control characters. No pandas here, so the command line
starts without it."""

from __future__ import annotations

from typing import TypeVar

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


def printable(text: str) -> str:
    """`text` with every control character shown as `?` (tab and newline kept)."""
    return text.translate(_UNPRINTABLE)
