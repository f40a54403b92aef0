"""scripts/serve.py: the copy of Streamlit's own files that nginx serves, each script and
style sheet beside its gzipped form, made afresh at every start."""

from __future__ import annotations

import gzip
from pathlib import Path

from serve import static_files  # scripts/ is on the test path (pyproject.toml)


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def streamlit_like(folder: Path, version: str) -> dict[str, bytes]:
    """A folder shaped like Streamlit's static/static (scripts, a style sheet, a font, an
    image), its names hashed by `version` as a build's are."""
    written = {
        f"js/index.{version}.js": b"export const page = 'dashboard';\n" * 200,
        f"js/embed.{version}.js": b"function draw(chart) { return chart; }\n" * 300,
        f"css/index.{version}.css": b".stApp { color: #1a1a1a; }\n" * 100,
        f"media/icon.{version}.svg": b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
        f"media/font.{version}.woff2": bytes(range(256)) * 8,
        f"media/logo.{version}.png": b"\x89PNG\r\n\x1a\n" + bytes(100),
    }
    for name, content in written.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    return written


def test_every_file_is_copied_and_each_text_file_has_its_gzipped_form(tmp_path):
    source, run = tmp_path / "streamlit", tmp_path / "run"
    run.mkdir()
    originals = streamlit_like(source, "AbCd1234")

    copy = static_files(run, source)

    assert copy == run / "static"
    copied = files_under(copy)
    zipped = {name.removesuffix(".gz") for name in copied if name.endswith(".gz")}
    # Byte for byte, and nothing else but the gzipped forms.
    assert {name: content for name, content in copied.items() if not name.endswith(".gz")} == (
        originals
    )
    # Scripts, style sheets and SVG are gzipped; the font and the PNG (compressed already)
    # are not.
    assert zipped == {
        "js/index.AbCd1234.js",
        "js/embed.AbCd1234.js",
        "css/index.AbCd1234.css",
        "media/icon.AbCd1234.svg",
    }
    for name in zipped:
        assert gzip.decompress(copied[name + ".gz"]) == originals[name]
    assert len(copied["js/embed.AbCd1234.js.gz"]) < len(originals["js/embed.AbCd1234.js"]) / 10


def test_a_new_start_replaces_the_copy_whole(tmp_path):
    """After an upgrade of Streamlit (new file names) the copy holds only the new files, and
    the half-made folder of a start that failed is not served."""
    source, run = tmp_path / "streamlit", tmp_path / "run"
    run.mkdir()
    streamlit_like(source, "Old00000")
    static_files(run, source)
    for path in sorted(source.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    upgraded = streamlit_like(source, "New11111")
    half_made = run / "static.new" / "js" / "left.Over0000.js"
    half_made.parent.mkdir(parents=True)
    half_made.write_text("from a start that stopped half-way")

    copy = static_files(run, source)

    assert {name for name in files_under(copy) if not name.endswith(".gz")} == set(upgraded)
    assert not (run / "static.new").exists()
