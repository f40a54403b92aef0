"""Organisation settings chosen in the dashboard and remembered for everyone, with every change
recorded in the access log (who, when, the old and new value)."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from data_access.access.grants import CHANGE_SETTINGS, log_access
from data_access.access.sign_in import DEFAULT_SIGN_IN_HOURS, SIGN_IN_HOURS_RANGE
from data_access.core.db import session_scope
from data_access.core.models import Setting
from data_access.indicators.agency_rules import DEFAULT_MIN_NOTICE_WEEKS
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
#: The shortest notice period an agency assignment may have, in weeks (DfE's agency rules:
#: 4 weeks, or aligned to the council's own for equivalent permanent staff).
AGENCY_MIN_NOTICE_WEEKS = "agency.min_notice_weeks"
#: The minimum notice an organisation may choose, in weeks.
AGENCY_NOTICE_WEEKS_RANGE = (1, 52)
#: The organisation's monthly budget for agency social workers, in whole pounds (optional: the
#: Agency page draws it beside the whole organisation's monthly cost).
AGENCY_MONTHLY_BUDGET = "agency.monthly_budget"
#: The largest monthly budget accepted, in pounds (far above any council's).
MAX_AGENCY_MONTHLY_BUDGET = 100_000_000

SETTING_LABELS = {
    ORGANISATION_NAME: "Organisation name",
    ACCESSIBILITY_CONTACT: "Accessibility contact",
    OUR_AUTHORITY: "Our authority (DfE old LA code)",
    SIGN_IN_HOURS: "Hours a sign-in lasts",
    AGENCY_MIN_NOTICE_WEEKS: "Agency minimum notice (weeks)",
    AGENCY_MONTHLY_BUDGET: "Agency monthly budget (pounds)",
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


def agency_min_notice_weeks(*, session: Session) -> int:
    """The organisation's minimum notice for an agency assignment, else DfE's 4 weeks."""
    value = setting(AGENCY_MIN_NOTICE_WEEKS, session=session)
    return int(value) if value else DEFAULT_MIN_NOTICE_WEEKS


def change_agency_min_notice_weeks(weeks: int, *, session: Session, by: str) -> None:
    """Choose the minimum notice (`AGENCY_NOTICE_WEEKS_RANGE`); the change is logged."""
    low, high = AGENCY_NOTICE_WEEKS_RANGE
    if not low <= weeks <= high:
        raise ValueError(f"{SETTING_LABELS[AGENCY_MIN_NOTICE_WEEKS]} must be from {low} to {high}")
    if weeks != agency_min_notice_weeks(session=session):  # the default kept: nothing to log
        change_setting(AGENCY_MIN_NOTICE_WEEKS, str(weeks), session=session, by=by)


def agency_monthly_budget(*, session: Session) -> int | None:
    """The organisation's monthly agency budget in pounds; None when not set."""
    value = setting(AGENCY_MONTHLY_BUDGET, session=session)
    return int(value) if value else None


def change_agency_monthly_budget(pounds: int | None, *, session: Session, by: str) -> None:
    """Set the monthly agency budget (whole pounds, 1 to `MAX_AGENCY_MONTHLY_BUDGET`) or clear
    it (None); the change is logged."""
    if pounds is not None and not 1 <= pounds <= MAX_AGENCY_MONTHLY_BUDGET:
        raise ValueError(
            f"{SETTING_LABELS[AGENCY_MONTHLY_BUDGET]} must be from 1 to "
            f"{MAX_AGENCY_MONTHLY_BUDGET:,}, or blank for none"
        )
    if pounds != agency_monthly_budget(session=session):
        change_setting(
            AGENCY_MONTHLY_BUDGET, "" if pounds is None else str(pounds), session=session, by=by
        )


#: The settings as the command line names them (`settings list`, `settings set NAME VALUE`).
COMMAND_NAMES = {
    "organisation-name": ORGANISATION_NAME,
    "accessibility-contact": ACCESSIBILITY_CONTACT,
    "our-authority": OUR_AUTHORITY,
    "sign-in-hours": SIGN_IN_HOURS,
    "agency-min-notice-weeks": AGENCY_MIN_NOTICE_WEEKS,
    "agency-monthly-budget": AGENCY_MONTHLY_BUDGET,
}


def current_settings(*, session: Session) -> dict[str, str | None]:
    """Every setting by its command-line name, with the value in force (a default included)."""
    values: dict[str, str | None] = {
        name: setting(key, session=session) for name, key in COMMAND_NAMES.items()
    }
    values["sign-in-hours"] = str(sign_in_hours(session=session))
    values["agency-min-notice-weeks"] = str(agency_min_notice_weeks(session=session))
    budget = agency_monthly_budget(session=session)
    values["agency-monthly-budget"] = None if budget is None else str(budget)
    return values


def set_by_name(name: str, value: str, *, session: Session, by: str) -> None:
    """Change the setting the command line calls `name` (checked as the dashboard checks it);
    ValueError says what is wrong."""
    key = COMMAND_NAMES.get(name)
    if key is None:
        raise ValueError(f'unknown setting "{name}"; one of: {", ".join(COMMAND_NAMES)}')
    if key in (SIGN_IN_HOURS, AGENCY_MIN_NOTICE_WEEKS):
        if not value.strip().isdigit():
            raise ValueError(f"{SETTING_LABELS[key]} must be a whole number")
        change = change_sign_in_hours if key == SIGN_IN_HOURS else change_agency_min_notice_weeks
        change(int(value), session=session, by=by)
        return
    if key == AGENCY_MONTHLY_BUDGET:
        pounds = value.strip().replace(",", "").removeprefix("£")
        if pounds.lower() in ("", "none"):
            change_agency_monthly_budget(None, session=session, by=by)
            return
        if not pounds.isdigit():
            raise ValueError(f"{SETTING_LABELS[key]} must be whole pounds, or none to clear it")
        change_agency_monthly_budget(int(pounds), session=session, by=by)
        return
    if key == OUR_AUTHORITY and not (len(value.strip()) == 3 and value.strip().isdigit()):
        raise ValueError("our authority is a three-digit old LA code, such as 330")
    change_setting(key, value, session=session, by=by)
