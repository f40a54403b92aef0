"""ui.charts.csv_download: the file is made when the button is pressed, from the table or from
the function given for it (a long list, such as the Agency page's assignments needing
attention, is built whole only then; the page shows its first rows)."""

from __future__ import annotations

import pandas as pd
import pytest

from ui import charts


@pytest.fixture
def pressed(monkeypatch) -> list[dict]:
    """Each download button's arguments, instead of drawing it."""
    buttons: list[dict] = []
    monkeypatch.setattr(
        charts.st,
        "download_button",
        lambda label, data, **kwargs: buttons.append({"label": label, "data": data, **kwargs}),
    )
    return buttons


def test_a_table_made_by_a_function_is_made_only_when_pressed(pressed):
    made: list[int] = []
    logged: list[str] = []

    def whole_list() -> pd.DataFrame:
        made.append(1)
        return pd.DataFrame({"Worker": ["Ann", "=HYPERLINK(1)"], "Days left": [3, 12]})

    charts.csv_download(
        whole_list, "Ending within 4 weeks", on_download=lambda: logged.append("names")
    )
    (button,) = pressed
    assert button["file_name"] == "ending-within-4-weeks.csv"
    assert made == [] and logged == []  # drawing the button builds nothing
    assert button["data"]().decode("utf-8").splitlines() == [
        "Worker,Days left",
        "Ann,3",
        "'=HYPERLINK(1),12",  # neutralised like any export
    ]
    assert made == [1] and logged == ["names"]


def test_a_table_given_whole_is_served_as_it_is(pressed):
    charts.csv_download(pd.DataFrame({"Team": ["Alpha"], "Cases": [14]}), "Teams")
    (button,) = pressed
    assert button["data"]().decode("utf-8").splitlines() == ["Team,Cases", "Alpha,14"]
