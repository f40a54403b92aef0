"""Reading a board pack's PDF in the tests: its text, and its charts' text alternatives."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    """Every page's text, its whitespace run together into single spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages).split())


def chart_alternatives(pdf: bytes) -> list[str]:
    """The text alternative of every chart (each tagged /Figure), in the structure's order."""
    found = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                found.append(str(node.get("/Alt")))
            if "/K" in node:
                walk(node["/K"])
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(PdfReader(BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"])
    return found
