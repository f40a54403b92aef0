"""The code's layers: the import-linter contracts hold, and no module reaches into another's
private names (a name starting with an underscore is its own module's business)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from data_access.core.config import PROJECT_ROOT

#: The code whose imports are checked (tests may use what they test).
CODE = ("app.py", "app_pages", "ui", "data_access", "scripts")


def _python_files() -> list[Path]:
    found = []
    for name in CODE:
        path = PROJECT_ROOT / name
        found.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return found


def private_imports(source: str) -> list[str]:
    """`module.name` for every `from module import _name` in `source` (a module's own
    `__future__`, dunder names and relative imports aside)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{node.module}.{alias.name}")
    return found


def test_the_private_import_check_finds_one():
    assert private_imports("from data_access.ingest.validation import _hidden, shown\n") == [
        "data_access.ingest.validation._hidden"
    ]
    assert private_imports("from __future__ import annotations\nimport os\n") == []


def test_no_module_imports_another_s_private_names():
    offenders = {
        str(path.relative_to(PROJECT_ROOT)): names
        for path in _python_files()
        if (names := private_imports(path.read_text()))
    }
    assert offenders == {}


def test_the_layer_contracts_hold():
    # The same command CI runs (.ci/run); the contracts and the layering are in pyproject.toml.
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert command, "import-linter is not installed (requirements-dev.txt)"
    done = subprocess.run([command], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "Contracts: 2 kept, 0 broken." in done.stdout


def test_no_page_or_report_writes_the_due_soon_rule_into_its_words():
    # "Due within 7 days" follows DUE_SOON_DAYS (policy.SupervisionStatus): a page, the pack or
    # a chart that wrote the 7 itself would keep saying 7 after the rule changed.
    written = {
        str(path.relative_to(PROJECT_ROOT))
        for folder in ("app_pages", "ui", "data_access")
        for path in sorted((PROJECT_ROOT / folder).rglob("*"))
        if path.suffix in (".py", ".typ")
        and any(words in path.read_text().lower() for words in ("within 7 days", "due_within_7"))
    }
    assert written == set()


#: What a page may import from data_access besides constants and types, with the reason.
PAGE_ALLOWED_FUNCTIONS = {
    # Calendar arithmetic on the date a page is showing: no data, no rule.
    "data_access.core.dates.add_months",
}


def data_access_functions_imported(source: str) -> list[str]:
    """`module.name` for every lower-case name (a function) imported from data_access."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("data_access"):
            for alias in node.names:
                if alias.name[0].islower():
                    found.append(f"{node.module}.{alias.name}")
    return found


def test_the_page_import_check_finds_a_function():
    source = "from data_access.ingest.importer import ImportResult, import_files, MAX_ROWS\n"
    assert data_access_functions_imported(source) == ["data_access.ingest.importer.import_files"]


def test_pages_read_and_act_only_through_ui():
    """A page imports data_access's vocabulary (constants, types, METRICS), never its
    functions: it reads through ui/queries.py and acts through ui/actions.py, which hold the
    sessions, the caching and the emptying of caches after a write."""
    found = {
        name
        for page in sorted((PROJECT_ROOT / "app_pages").glob("*.py"))
        for name in data_access_functions_imported(page.read_text())
    }
    assert found - PAGE_ALLOWED_FUNCTIONS == set()


def _session_taken_positionally(source: str) -> list[str]:
    """The module-level public functions in `source` that take a `session` parameter other
    than keyword-only."""
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            positional = node.args.posonlyargs + node.args.args
            if any(argument.arg == "session" for argument in positional):
                found.append(node.name)
    return found


def test_the_session_check_finds_a_positional_session():
    source = "def figures(session, as_at): ...\ndef fine(as_at, *, session): ...\n"
    assert _session_taken_positionally(source) == ["figures"]


def test_every_public_function_takes_the_session_by_keyword():
    """`f(as_at, scope, session=session)`: a call reads the same wherever the session comes
    from, and mypy finds a call that forgets it."""
    offenders = []
    for package in ("data_access", "ui"):
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for name in _session_taken_positionally(path.read_text()):
                offenders.append(f"{path.relative_to(PROJECT_ROOT)}: {name}")
    assert offenders == []
