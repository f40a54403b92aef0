"""How figures and dates are written on the pages (UK formats, one decimal place)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

# The one way figures are written (pages, pack, CSV), re-exported for the pages.
from data_access.core.formatting import NO_DATA as NO_DATA
from data_access.core.formatting import change as change
from data_access.core.formatting import figure as figure
from data_access.indicators.policy import TargetStatus

#: A figure's status against its target as a symbol, so that it never rests on colour alone
#: (tables, the heat map, printing).
STATUS_SYMBOL: dict[str | None, str] = {status: status.symbol for status in TargetStatus}
STATUS_SYMBOL[None] = ""
UK_TIME = ZoneInfo("Europe/London")


def uk_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else NO_DATA


def uk_month(day: date) -> str:
    return day.strftime("%B %Y")


def uk_datetime(moment: datetime | None) -> str:
    """A stored (UTC) moment in UK local time, e.g. 23/11/2026 09:15."""
    if moment is None:
        return NO_DATA
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UK_TIME).strftime("%d/%m/%Y %H:%M")


def target_text(target: float | None, better: str | None, unit: str) -> str:
    """The target as a reader says it: ≤ 15%, ≥ 90%, ≤ 18 cases."""
    if target is None:
        return ""
    sign = "≤" if better == "lower" else "≥"
    if unit == "£":
        return f"{sign} £{target:,.0f}"
    return f"{sign} {target:g}%" if unit == "%" else f"{sign} {target:g} {unit}"


@dataclass(frozen=True)
class Badge:
    text: str
    icon: str
    color: Literal["red", "orange", "green"]


# Each status has its own icon and words, so colour is never the only signal.
_STATUS_STYLE: dict[TargetStatus, tuple[str, str, Literal["red", "orange", "green"]]] = {
    TargetStatus.MET: (TargetStatus.MET.label, ":material/check_circle:", "green"),
    TargetStatus.CLOSE: (TargetStatus.CLOSE.label, ":material/error:", "orange"),
    TargetStatus.MISSED: (TargetStatus.MISSED.label, ":material/cancel:", "red"),
}


def status_badge(status: str | None) -> Badge | None:
    """The badge for a figure's status against its target (the target itself is written
    beside it: a badge with both was cut short in a tile four to a row); None without one."""
    if status is None:
        return None
    return Badge(*_STATUS_STYLE[TargetStatus(status)])


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:=])")


#: An invisible character that joins what is on either side of it: put into what would
#: otherwise be read as a web or e-mail address, it stops Streamlit making that text a link.
WORD_JOINER = "\u2060"
#: Where Streamlit's Markdown turns bare text into a link (an address's scheme, "www." and an
#: e-mail address's "@"). Escaping does not stop it: it links the text after the escapes are
#: read (checked in Chromium, tests/hostile/test_hostile_text.py).
_AUTOLINKS = re.compile(r"(?i)(?<=[a-z0-9])(?=:/)|(?<=www)(?=\.)|(?=@)")


def plain(text: str) -> str:
    """Text from data (a name, an e-mail address, a file name) made safe to put inside
    Markdown: every character Markdown, Streamlit's directives (`:red[...]`, icons) or LaTeX
    could act on is escaped, so it shows as typed, and nothing in it becomes a link (a word
    joiner, which is invisible, breaks each address)."""
    unlinked = _AUTOLINKS.sub(WORD_JOINER, text)
    return _MARKDOWN_SPECIALS.sub(r"\\\1", unlinked).replace("\n", " ")


def counted(number: int, thing: str, things: str | None = None) -> str:
    """`number` of `thing`, with thousands separators and the right plural:
    "1 problem", "1,204 problems", "0 teams" (`things` where adding "s" is wrong)."""
    return f"{number:,} {thing if number == 1 else things or thing + 's'}"


def plain_list(texts: Iterable[str]) -> str:
    """Names from data (file names, team names) as one comma-separated, escaped phrase."""
    return ", ".join(plain(text) for text in texts)
