"""Organisation settings chosen in the dashboard and remembered for everyone, with every change
recorded in the access log (who, when, the old and new value)."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from data_access.access.grants import CHANGE_SETTINGS, log_access
from data_access.access.sign_in import DEFAULT_SIGN_IN_HOURS, SIGN_IN_HOURS_RANGE
from data_access.core.db import session_scope
from data_access.core.models import Setting
from data_access.indicators.metrics import METRICS
from data_access.indicators.policy import DEFAULT_POLICY, Policy

#: The organisation's name, as the board pack's cover gives it.
ORGANISATION_NAME = "organisation_name"
#: Who to contact about the dashboard's accessibility (shown on the accessibility statement).
ACCESSIBILITY_CONTACT = "accessibility_contact"
#: The old LA code of "our" authority on the National benchmarks page.
OUR_AUTHORITY = "benchmarks.our_la_code"
#: How many hours a sign-in lasts (see data_access/access/sign_in.py).
SIGN_IN_HOURS = "sign_in.hours"

SETTING_LABELS = {
    ORGANISATION_NAME: "Organisation name",
    ACCESSIBILITY_CONTACT: "Accessibility contact",
    OUR_AUTHORITY: "Our authority (DfE old LA code)",
    SIGN_IN_HOURS: "Hours a sign-in lasts",
}
#: The longest value a setting holds (the column's length).
MAX_SETTING_LENGTH = 500


#: A target chosen by the organisation is stored under this prefix and the metric's name.
TARGET_PREFIX = "target."


def setting(key: str, *, session: Session) -> str | None:
    """The value of a setting; None when it has never been set."""
    row = session.get(Setting, key)
    return row.value if row else None


def change_setting(key: str, value: str, *, session: Session, by: str) -> None:
    """Set a setting for everyone and log the change."""
    if key not in SETTING_LABELS:
        raise ValueError(f'unknown setting "{key}"')
    value = value.strip()
    if len(value) > MAX_SETTING_LENGTH:
        raise ValueError(f"{SETTING_LABELS[key]} holds at most {MAX_SETTING_LENGTH} characters")
    row = session.get(Setting, key)
    old = row.value if row else None
    if (old or "") == value:
        return
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
        session.add(row)
    log_access(
        by,
        CHANGE_SETTINGS,
        SETTING_LABELS[key],
        f"{old or '(not set)'} -> {value}",
        session=session,
    )


# --- targets -------------------------------------------------------------------------------


def organisation_policy(*, session: Session) -> Policy:
    """The policy in force: the defaults in `data_access.indicators.policy`, with the target
    values the organisation's administrators have chosen."""
    rows = session.execute(
        select(col(Setting.key), col(Setting.value)).where(
            col(Setting.key).startswith(TARGET_PREFIX)
        )
    ).all()
    chosen = {key.removeprefix(TARGET_PREFIX): float(value) for key, value in rows}
    return DEFAULT_POLICY.with_targets(
        {name: value for name, value in chosen.items() if name in DEFAULT_POLICY.targets}
    )


def change_target(metric: str, value: float | None, *, session: Session, by: str) -> None:
    """Set a metric's target for everyone (None: back to the default); the change is logged.

    Percentages must lie between 0 and 100, and a caseload target above 0.
    """
    default = DEFAULT_POLICY.targets.get(metric)
    if default is None:
        raise ValueError(f'"{metric}" has no target')
    label = f"Target: {METRICS[metric].label}"
    if value is not None:
        low, high = (0.0, 100.0) if METRICS[metric].unit == "%" else (0.1, 1000.0)
        if not low <= value <= high:
            raise ValueError(f"{label} must be between {low:g} and {high:g}")
    old = organisation_policy(session=session).targets[metric].value
    row = session.get(Setting, TARGET_PREFIX + metric)
    if value is None or value == default.value:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(Setting(key=TARGET_PREFIX + metric, value=f"{value:g}"))
    else:
        row.value = f"{value:g}"
        session.add(row)
    new = default.value if value is None else value
    if new != old:
        log_access(by, CHANGE_SETTINGS, label, f"{old:g} -> {new:g}", session=session)


def our_authority(*, session: Session) -> str | None:
    """The old LA code chosen as "our" authority (National benchmarks page), if chosen."""
    return setting(OUR_AUTHORITY, session=session)


def remember_our_authority(la_code: str, *, by: str, engine: Engine | None = None) -> None:
    """Save the choice of "our" authority for everyone using the dashboard (logged)."""
    with session_scope(engine) as session:
        change_setting(OUR_AUTHORITY, la_code, by=by, session=session)


def sign_in_hours(*, session: Session) -> int:
    """How many hours a sign-in lasts: the organisation's choice, else the default."""
    value = setting(SIGN_IN_HOURS, session=session)
    return int(value) if value else DEFAULT_SIGN_IN_HOURS


def change_sign_in_hours(hours: int, *, session: Session, by: str) -> None:
    """Choose how long a sign-in lasts, within SIGN_IN_HOURS_RANGE; the change is logged."""
    low, high = SIGN_IN_HOURS_RANGE
    if not low <= hours <= high:
        raise ValueError(f"{SETTING_LABELS[SIGN_IN_HOURS]} must be from {low} to {high}")
    old = sign_in_hours(session=session)
    if hours != old:
        row = session.get(Setting, SIGN_IN_HOURS)
        if row is None:
            session.add(Setting(key=SIGN_IN_HOURS, value=str(hours)))
        else:
            row.value = str(hours)
            session.add(row)
        # The log says what was in force before, the default included.
        log_access(
            by, CHANGE_SETTINGS, SETTING_LABELS[SIGN_IN_HOURS], f"{old} -> {hours}", session=session
        )
