"""Every page of the dashboard, listed once.

The navigation (app.py), the browser and hostile tests and the benchmark scripts take their
lists of pages from `PAGES`. A page is a file `app_pages/<name>.py`; its address is `/<name>`
(the default page's is `/`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from data_access.access.grants import Grant


def _everyone(_grant: Grant) -> bool:
    return True


@dataclass(frozen=True)
class PageEntry:
    name: str
    title: str
    icon: str
    #: The heading it sits under in the menu.
    section: str
    #: Who sees it in the menu (anyone may open its address: the page then says plainly that
    #: it is not for them, and whatever it would show is narrowed by the grant all the same).
    shown_to: Callable[[Grant], bool] = _everyone
    default: bool = False

    @property
    def path(self) -> str:
        """The page's file, as `st.Page` and AppTest's `switch_page` take it."""
        return f"app_pages/{self.name}.py"

    @property
    def url_path(self) -> str:
        """The address after the server's root: "" for the default page."""
        return "" if self.default else self.name


PAGES: tuple[PageEntry, ...] = (
    PageEntry("overview", "Overview", ":material/dashboard:", "Headlines", default=True),
    PageEntry("board_pack", "Board pack", ":material/picture_as_pdf:", "Headlines"),
    PageEntry("stability", "Workforce stability", ":material/groups:", "Workforce"),
    PageEntry("agency", "Agency social workers", ":material/work_history:", "Workforce"),
    PageEntry("supervision", "Supervision", ":material/forum:", "Practice"),
    PageEntry("caseloads", "Caseloads", ":material/folder_open:", "Practice"),
    PageEntry("benchmarks", "National benchmarks", ":material/leaderboard:", "Benchmarks"),
    PageEntry("team", "Team", ":material/badge:", "Teams", lambda grant: grant.sees_names),
    PageEntry(
        "data", "Data", ":material/upload_file:", "Data", lambda grant: grant.may_use_data_page
    ),
    PageEntry(
        "access",
        "Access",
        ":material/admin_panel_settings:",
        "Administration",
        lambda grant: grant.may_administer,
    ),
    PageEntry("accessibility", "Accessibility statement", ":material/accessibility:", "About"),
)
BY_NAME: dict[str, PageEntry] = {page.name: page for page in PAGES}
