"""The demo database takes no other data.

A database that holds only the demo organisation (`holds_only_demo`) is the demo: on the Data
page anyone viewing the demo may act as a data officer, without signing in, and everyone
viewing it shares it. So nothing is imported or loaded into it, from the page or the command
line: a council's rows would be mixed into the demo's made-up figures, and, since real data
needs sign-in, the dashboard would stop showing anything to anyone until sign-in is set up.
A council's data goes into a database of its own (`OWN_DATABASE_COMMANDS`), and the demo stays
as it is.

On the page, files can still be checked: against a new, empty database (`check_as_new_database`),
which is what the council's own database would be at its first import, so that the check
neither depends on the demo's rows nor writes anything. DfE's published benchmarks and a census
return are checked but not loaded either: the demo's national figures are made up to agree
with the demo organisation, real ones beside them would mislead, and a census return's figures
are a real authority's, unpublished, which the demo shows to anyone without sign-in.
"""

from __future__ import annotations

import atexit
import shlex
import shutil
import tempfile
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine

from data_access.core import db
from data_access.core.config import DEFAULT_DATABASE_PATH
from data_access.ingest.importer import record_failure, record_refusal
from data_access.ingest.preview import UploadCheck, check_upload

#: The example of a database of the council's own, in every message.
OWN_DATABASE_URL = "sqlite:///council.db"

#: Every step from the demo to the council's own data, as the README gives them.
OWN_DATABASE_COMMANDS = (
    f"export DATABASE_URL={OWN_DATABASE_URL}",
    ".venv/bin/python -m data_access init-db",
    ".venv/bin/python -m data_access import path/to/folder",
    ".venv/bin/python -m data_access import-benchmarks csww_indicators.csv "
    "--neighbours sn_model.csv",
    ".venv/bin/python -m data_access users add you@council.gov.uk --role admin "
    "--whole-organisation",
    "cp .streamlit/secrets.toml.example .streamlit/secrets.toml   # then fill in [auth]",
    ".venv/bin/streamlit run app.py",
)

#: How to see the demo again afterwards.
DEMO_AGAIN = (
    f"The demo stays in `{DEFAULT_DATABASE_PATH.name}`: start the dashboard without "
    "`DATABASE_URL` (`unset DATABASE_URL`) to see it again."
)


def demo_database_refusal(command: list[str]) -> str:
    """The command line's one-line refusal of `python -m data_access COMMAND...` into the
    demo database, with the same command pointed at a database of the user's own."""
    again = " ".join(shlex.quote(part) for part in command)
    return (
        "this database holds only the demo organisation (made-up data), and the demo takes no "
        "other data: your rows would be mixed into the demo's figures and demo mode would end "
        "for everyone using the dashboard. Use a database of your own, for example "
        f"`DATABASE_URL={OWN_DATABASE_URL} python -m data_access {again}` (README: Loading real "
        f"data); the demo stays as it is"
    )


@lru_cache(maxsize=1)
def _empty_template() -> Path:
    """A new database with the schema and nothing else, made once per process (half a second
    of migrations) in a temporary folder; each check works on a copy of it."""
    folder = Path(tempfile.mkdtemp(prefix="workforce-empty-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "empty.db"
    engine = db.make_engine(f"sqlite:///{path}")
    try:
        db.init_db(engine)
    finally:
        engine.dispose()
    return path


def check_as_new_database(
    sources: Mapping[str, bytes],
    *,
    engine: Engine | None = None,
    source: str = "upload",
    user: str = "local user",
) -> UploadCheck:
    """Check an upload as a new, empty database would take it (every row new; a file that
    refers to teams or staff needs their files in the same upload), writing nothing to it. A
    refused or failed check is recorded in the import history of `engine`'s database (the
    demo's), as any check is."""
    with tempfile.TemporaryDirectory(prefix="workforce-check-") as folder:
        path = Path(folder) / "check.db"
        shutil.copy(_empty_template(), path)
        scratch = db.make_engine(f"sqlite:///{path}")
        try:
            check = check_upload(sources, engine=scratch, source=source, user=user)
        finally:
            scratch.dispose()
    if check.failed:
        record_failure(sources, engine=engine, source=source, user=user)
    elif check.problems:
        record_refusal(sources, check.problem_count, engine=engine, source=source, user=user)
    return check
