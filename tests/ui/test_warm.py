"""ui/warm.py: the figures read ahead as a process starts are the ones the landing page asks
for, so its first visitors do not wait for them; and the objects of the start are left out of
the garbage collector's full collections, without keeping any garbage."""

from __future__ import annotations

import subprocess
import sys

import pytest
from streamlit.runtime.caching.cache_utils import CachedFunc
from streamlit.testing.v1 import AppTest
from support.app import signed_in
from support.org import SMALL_ORG, read_folder_bytes

from data_access.core.config import PROJECT_ROOT
from data_access.ingest.importer import import_files

#: What the landing page (the whole organisation's Overview) reads that does not depend on who
#: is looking.
READ_AHEAD = {
    "month_options",
    "default_as_at",
    "freshness",
    "area_names",
    "hub_names",
    "team_choices",
    "policy",
    "headlines",
    "agency_headlines",
    "agency_period",
}


@pytest.fixture
def small_org(engine, fresh_caches):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    return engine


@pytest.fixture
def computed(monkeypatch) -> list[str]:
    """The cached calls worked out (not found in the cache) from now on."""
    names: list[str] = []
    original = CachedFunc._handle_cache_miss

    def noting(self, *args, **kwargs):
        names.append(self._info.func.__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(CachedFunc, "_handle_cache_miss", noting)
    return names


def starting_process() -> None:
    """What app.py does once in a process that starts with WORKFORCE_WARM_AT_START=1."""
    from ui import warm

    warm.start().join(timeout=120)


def test_the_landing_page_finds_what_was_read_ahead(small_org, computed):
    AppTest.from_function(starting_process, default_timeout=120).run()
    assert set(computed) >= READ_AHEAD
    computed.clear()
    app = signed_in(small_org)
    assert app.title[0].value == "Overview" and app.metric
    assert not READ_AHEAD & set(computed), computed


def test_without_reading_ahead_the_landing_page_works_them_out(small_org, computed):
    """The check above can fail: a landing page not read ahead computes those figures."""
    app = signed_in(small_org)
    assert app.title[0].value == "Overview"
    assert READ_AHEAD - {"agency_period"} <= set(computed)


#: Run in a process of its own (freezing is for the process's life): garbage made before the
#: call is collected, not frozen; what was alive is frozen; a second call does nothing; cycles
#: made afterwards are still collected. Prints how many objects were frozen.
FREEZE_CHECK = """
import gc, weakref
from ui import warm

class Node:
    pass

def cycle():
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)

kept = Node()
gc.disable()  # no collection but the one under test
before = cycle()
assert before() is not None
frozen = warm.freeze_what_the_start_made()
assert before() is None, "garbage from before the call was frozen instead of collected"
assert frozen > 10_000, frozen  # the modules' objects, and ours
assert gc.get_freeze_count() == frozen
assert warm.freeze_what_the_start_made() == frozen, "a second call froze more"
assert not any(obj is kept for obj in gc.get_objects()), "an object alive at the call is not frozen"
after = cycle()
gc.collect()
assert after() is None, "a cycle made after the call was not collected"
print(frozen)
"""


def test_the_start_s_objects_are_frozen_and_later_garbage_still_collected():
    done = subprocess.run(
        [sys.executable, "-c", FREEZE_CHECK],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.strip().splitlines()[-1]) > 10_000
