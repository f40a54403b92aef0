"""Reading Vega-Lite specifications in tests: their single-view layers and dashed lines."""

from __future__ import annotations

from typing import Any


def layers_of(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every single-view layer of a spec, however deeply layered."""
    found = []
    for layer in spec.get("layer", [spec]):
        found += layers_of(layer) if "layer" in layer else [layer]
    return found


def dashed_lines(spec: dict[str, Any]) -> list[tuple[float, str]]:
    """The target and reference lines of a chart, as (value, label): each dashed rule at a
    datum, paired with the text written at the same datum."""
    lines = []
    for layer in layers_of(spec):
        if layer.get("mark", {}).get("type") != "text" or "text" not in layer["mark"]:
            continue
        at = [channel["datum"] for channel in layer["encoding"].values() if "datum" in channel]
        if at:
            lines.append((at[0], layer["mark"]["text"]))
    rules = sorted(
        channel["datum"]
        for layer in layers_of(spec)
        if layer.get("mark", {}).get("type") == "rule" and layer["mark"].get("strokeDash")
        for channel in layer["encoding"].values()
        if "datum" in channel
    )
    assert rules == sorted(value for value, _ in lines), "a dashed line without its label"
    return sorted(lines)
