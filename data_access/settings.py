"""Organisation settings chosen in the dashboard and remembered for everyone, with every change
recorded in the access log (who, when, the old and new value)."""

from __future__ import annotations

from sqlmodel import Session

from data_access.access import CHANGE_SETTINGS, log_access
from data_access.models import Setting

#: Who to contact about the dashboard's accessibility (shown on the accessibility statement).
ACCESSIBILITY_CONTACT = "accessibility_contact"
#: The old LA code of "our" authority on the National benchmarks page.
OUR_AUTHORITY = "benchmarks.our_la_code"

SETTING_LABELS = {
    ACCESSIBILITY_CONTACT: "Accessibility contact",
    OUR_AUTHORITY: "Our authority (DfE old LA code)",
}
#: The longest value a setting holds (the column's length).
MAX_SETTING_LENGTH = 500


def setting(session: Session, key: str) -> str | None:
    """The value of a setting; None when it has never been set."""
    row = session.get(Setting, key)
    return row.value if row else None


def change_setting(session: Session, key: str, value: str, *, by: str) -> None:
    """Set a setting for everyone and log the change."""
    if key not in SETTING_LABELS:
        raise ValueError(f'unknown setting "{key}"')
    value = value.strip()
    if len(value) > MAX_SETTING_LENGTH:
        raise ValueError(f"{SETTING_LABELS[key]} holds at most {MAX_SETTING_LENGTH} characters")
    row = session.get(Setting, key)
    old = row.value if row else None
    if old == value:
        return
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
        session.add(row)
    log_access(
        session, by, CHANGE_SETTINGS, SETTING_LABELS[key], f"{old or '(not set)'} -> {value}"
    )
