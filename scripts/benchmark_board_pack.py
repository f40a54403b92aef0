"""How long the board pack takes to make on the current database (default: the demo).

    .venv/bin/python scripts/benchmark_board_pack.py [--repeat 3] [--area NAME | --hub NAME]
        [--as-at YYYY-MM-DD]

Times the two steps separately (putting the figures together from the database, then drawing
the charts and laying out the PDF) and the whole, as the median of --repeat runs, and says how
many pages and kilobytes the PDF has.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from data_access.core.db import session_scope  # noqa: E402
from data_access.core.scope import Scope  # noqa: E402
from data_access.indicators.summary import latest_complete_month_end  # noqa: E402
from data_access.ingest.parsing import parse_date  # noqa: E402
from data_access.reports.board_pack import assemble_board_pack  # noqa: E402
from data_access.reports.pdf import render_pdf  # noqa: E402
from data_access.settings import organisation_policy  # noqa: E402
from data_access.setup import prepare_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--area")
    where.add_argument("--hub")
    parser.add_argument("--as-at", type=parse_date)
    args = parser.parse_args()
    prepare_database(load_demo_if_empty=True)
    scope = Scope(area=args.area, hub=args.hub)
    assemble, render, total = [], [], []
    with session_scope() as session:
        as_at = args.as_at or latest_complete_month_end(session=session)
        policy = organisation_policy(session=session)
        for _ in range(args.repeat):
            started = time.perf_counter()
            pack = assemble_board_pack(
                as_at,
                scope,
                policy,
                produced_by="benchmark",
                produced_at=datetime.now(UTC),
                session=session,
            )
            middle = time.perf_counter()
            pdf = render_pdf(pack)
            done = time.perf_counter()
            assemble.append(middle - started)
            render.append(done - middle)
            total.append(done - started)
    pages = len(PdfReader(BytesIO(pdf)).pages)
    size = len(pdf) // 1024
    print(f"board pack: {pack.scope_label}, as at {as_at:%d/%m/%Y}; {pages} pages, {size} KB")
    print(
        f"figures {statistics.median(assemble):5.2f} s   PDF {statistics.median(render):5.2f} s   "
        f"whole {statistics.median(total):5.2f} s   (median of {args.repeat})"
    )


if __name__ == "__main__":
    main()
