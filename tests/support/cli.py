"""The command line as a user runs it: a subprocess with DATABASE_URL set."""

from __future__ import annotations

import os
import subprocess
import sys

from data_access.core.config import PROJECT_ROOT


def run_cli(
    database_url: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "data_access", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
