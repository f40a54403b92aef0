"""Parts of a page drawn once per distinct content and replayed after.

Drawing a table of 150 areas with its cells flagged against their targets costs about 45 ms a
run (pandas' Styler and the Arrow conversion), and a row of headline tiles as much again:
the same work for every visitor who opens the same page. Streamlit's caches can store the
elements a function draws and send them again when the function is called with the same
arguments, without running it (their "replay" of cached Streamlit commands). `replayed` uses
that for functions that only draw, keyed by their arguments' content.

The key is a digest of the arguments pickled (pickling is lossless: two calls share an entry
only when every value is equal; see `content_key`), plus the function's name, so it never
serves one function's elements to another or one scope's figures to another. Working it out
costs a millisecond or two for a table of 150 areas, where Streamlit's own hashing of the same
figures costs several.

A replayed function must draw nothing that depends on anything but its arguments, and no
widget (Streamlit refuses widgets in cached functions; a box or a download button stays
outside, drawn by the caller).
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from collections.abc import Callable
from typing import Any, ParamSpec

import streamlit as st

from ui.queries import TTL_SECONDS

P = ParamSpec("P")

#: Drawings kept, of every replayed function together, in each server process: a national
#: table of 150 areas is about 80 KB of elements, so at most some 80 MB; each goes after
#: `TTL_SECONDS`.
KEPT = 1000


def content_key(function: Callable[..., Any], args: tuple, kwargs: dict[str, Any]) -> str:
    """What identifies one drawing: the function and a digest of its arguments' content.

    Each argument is pickled, read back and pickled again: a pickle also records which values
    are the same object, which differs between figures just computed and the same figures
    taken out of Streamlit's cache (itself a pickle), and between arguments that share a
    value. After one round trip of each argument alone, its bytes depend on its content, so
    the first visitor's drawing is found by the next."""
    digest = hashlib.blake2b(digest_size=20)
    for value in (*args, *sorted(kwargs.items())):
        once = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        again = pickle.dumps(pickle.loads(once), protocol=pickle.HIGHEST_PROTOCOL)  # noqa: S301
        digest.update(len(again).to_bytes(8, "big") + again)
    return f"{function.__module__}.{function.__qualname__}:{digest.hexdigest()}"


# A resource cache: its entries are handed back as they are, where the data cache unpickles
# each (a tenth of the servers' time with 50 people at once). Streamlit copies every element
# it replays, so nobody changes them. Keyed by content, an entry is never out of date; the
# time limit only lets unused drawings go.
@st.cache_resource(ttl=TTL_SECONDS, max_entries=KEPT, show_spinner=False)
def _draw(key: str, _function: Callable[..., None], _args: tuple, _kwargs: dict) -> None:
    """Streamlit keys this by `key` alone (arguments starting with "_" are not hashed) and
    stores the elements `_function` draws, to send them again for the same key."""
    _function(*_args, **_kwargs)


def replayed(function: Callable[P, None]) -> Callable[P, None]:
    """`function`, which only draws, run once per distinct arguments and replayed after."""

    @functools.wraps(function)
    def draw(*args: P.args, **kwargs: P.kwargs) -> None:
        _draw(content_key(function, args, kwargs), function, args, kwargs)

    return draw
