"""Every metric in plain Python over the recorded rows: a check on the engine that shares no
code with it.

It reads the tables whole (fine for a test organisation) and follows the written definitions
in docs/metrics.md with its own date arithmetic, ASYE phases and rounding. Only the rule
values (31 days, 90 minutes, the eligible roles...) come from data_access/indicators/policy.py:
they are the rules, not the code under test.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import text

from data_access.indicators import policy as rules

NEW_MANAGER_MONTHS = rules.NEW_MANAGER_TRAINING_MONTHS


def months_before(day: date, months: int) -> date:
    """`day` minus `months` calendar months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def one_decimal(value: float) -> float:
    return float(Decimal(repr(round(value, 9))).quantize(Decimal("0.1"), ROUND_HALF_UP))


def share(top: float, bottom: float) -> float | None:
    return one_decimal(100 * top / bottom) if bottom else None


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


class Organisation:
    """The recorded rows of one database, read once."""

    def __init__(self, connection) -> None:
        def rows(sql: str) -> list[dict]:
            return [dict(row._mapping) for row in connection.execute(text(sql))]

        self.teams = {
            row["team_id"]: row
            for row in rows(
                "select t.team_id, t.team_type, h.name as hub, a.name as area from team t "
                "join hub h on h.id = t.hub_id join area a on a.id = h.area_id"
            )
        }
        self.staff = rows(
            "select staff_id, role, employment_type, fte, team_id, start_date, end_date, "
            "asye_start_date, supervision_agreement_date, supervision_training_date from staff"
        )
        for worker in self.staff:
            for key in ("start_date", "end_date", "asye_start_date",
                        "supervision_agreement_date", "supervision_training_date"):  # fmt: skip
                worker[key] = _date(worker[key])
        self.team_of = {worker["staff_id"]: worker["team_id"] for worker in self.staff}
        self.sessions = rows(
            "select staff_id, session_date, status, duration_minutes, reflective, "
            "childs_views_recorded from supervision_session"
        )
        self.held_dates: dict[str, list[date]] = defaultdict(list)
        for row in self.sessions:
            row["session_date"] = _date(row["session_date"])
            if row["status"] == "held":
                self.held_dates[row["staff_id"]].append(row["session_date"])
        self.caseloads = rows("select staff_id, snapshot_date, open_cases from caseload_snapshot")
        for row in self.caseloads:
            row["snapshot_date"] = _date(row["snapshot_date"])
        self.vacancies: dict[str, list[tuple[date, float]]] = defaultdict(list)
        for row in rows("select team_id, as_at, vacant_fte from vacancy"):
            self.vacancies[row["team_id"]].append((_date(row["as_at"]), row["vacant_fte"]))
        self.audits = [
            {**row, "audit_date": _date(row["audit_date"])}
            for row in rows("select staff_id, audit_date, grade from supervision_audit")
        ]
        self.appraisals: dict[str, list[date]] = defaultdict(list)
        for row in rows("select staff_id, appraisal_date from appraisal"):
            self.appraisals[row["staff_id"]].append(_date(row["appraisal_date"]))

    def teams_in(self, area=None, hub=None, team_id=None) -> set[str]:
        return {
            team
            for team, row in self.teams.items()
            if (area is None or row["area"] == area)
            and (hub is None or row["hub"] == hub)
            and (team_id is None or team == team_id)
        }

    def metrics(self, day: date, teams: set[str]) -> dict[str, float | int | None]:
        year_before = months_before(day, 12)
        staff = [w for w in self.staff if w["team_id"] in teams]
        in_post = [
            w
            for w in staff
            if w["start_date"] <= day and (w["end_date"] is None or w["end_date"] > day)
        ]
        permanent = [w for w in in_post if w["employment_type"] == "permanent"]
        agency_fte = sum(w["fte"] for w in in_post if w["employment_type"] == "agency")
        permanent_fte = sum(w["fte"] for w in permanent)
        leavers_fte = sum(
            w["fte"]
            for w in staff
            if w["employment_type"] == "permanent"
            and w["end_date"] is not None
            and year_before < w["end_date"] <= day
        )
        vacant = 0.0
        for team in teams:
            rows = [row for row in self.vacancies.get(team, []) if row[0] <= day]
            if rows:
                vacant += max(rows)[1]
        stayed = [w for w in permanent if w["start_date"] <= year_before]

        # Caseloads at S, the latest snapshot on or before D anywhere.
        dates = [row["snapshot_date"] for row in self.caseloads if row["snapshot_date"] <= day]
        holders = []
        if dates:
            snapshot = max(dates)
            by_id = {w["staff_id"]: w for w in staff}
            for row in self.caseloads:
                worker = by_id.get(row["staff_id"])
                if row["snapshot_date"] == snapshot and row["open_cases"] > 0 and worker:
                    limit = rules.DEFAULT_POLICY.caseload_thresholds.get(
                        self.teams[worker["team_id"]]["team_type"], 18.0
                    )
                    asye = worker["asye_start_date"]
                    if asye and asye <= snapshot < months_before(asye, -rules.ASYE_MONTHS):
                        limit = round(limit * rules.DEFAULT_POLICY.asye_caseload_factor, 6)
                    holders.append((row["open_cases"], worker["fte"], row["open_cases"] > limit))
        cases = sum(h[0] for h in holders)
        holders_fte = sum(h[1] for h in holders)

        eligible = [w for w in in_post if w["role"] in rules.SUPERVISION_ELIGIBLE_ROLES]

        def interval(worker) -> int:
            asye = worker["asye_start_date"]
            if asye is not None and asye <= day:
                if day < asye + timedelta(days=rules.ASYE_WEEKLY_DAYS):
                    return rules.WEEKLY_INTERVAL_DAYS
                if day < months_before(asye, -rules.ASYE_FORTNIGHTLY_MONTHS):
                    return rules.FORTNIGHTLY_INTERVAL_DAYS
            return rules.MONTHLY_INTERVAL_DAYS

        def in_date(worker) -> bool:
            cutoff = day - timedelta(days=interval(worker))
            held = self.held_dates.get(worker["staff_id"], [])
            return worker["start_date"] > cutoff or any(cutoff <= d <= day for d in held)

        agreed = [w for w in eligible if (w["supervision_agreement_date"] or date.max) <= day]
        due = [
            w
            for w in eligible
            if w["start_date"] <= months_before(day, rules.AGREEMENT_WITHIN_MONTHS)
        ]
        in_time = [
            w
            for w in due
            if (w["supervision_agreement_date"] or date.max)
            <= months_before(w["start_date"], -rules.AGREEMENT_WITHIN_MONTHS)
        ]
        managers = [w for w in in_post if w["role"] == "team_manager"]
        window = months_before(day, rules.DEFAULT_POLICY.supervisor_training_window_months)
        trained = [
            w for w in managers
            if w["supervision_training_date"] and window < w["supervision_training_date"] <= day
        ]  # fmt: skip
        new_managers = [
            w for w in managers
            if year_before < w["start_date"] <= months_before(day, NEW_MANAGER_MONTHS)
        ]  # fmt: skip
        new_trained = [
            w
            for w in new_managers
            if (w["supervision_training_date"] or date.max)
            <= months_before(w["start_date"], -rules.NEW_MANAGER_TRAINING_MONTHS)
        ]
        quarter = months_before(day, 3)
        held = [
            s
            for s in self.sessions
            if s["status"] == "held"
            and quarter < s["session_date"] <= day
            and self.team_of[s["staff_id"]] in teams
        ]
        timed = [s for s in held if s["duration_minutes"] is not None]
        audits = [
            a for a in self.audits
            if year_before < a["audit_date"] <= day and self.team_of[a["staff_id"]] in teams
        ]  # fmt: skip
        appraisal_from = months_before(day, rules.APPRAISAL_INTERVAL_MONTHS)
        appraisal_due = [
            w for w in eligible
            if w["employment_type"] == "permanent" and w["start_date"] <= appraisal_from
        ]  # fmt: skip
        appraised = [
            w for w in appraisal_due
            if any(appraisal_from < d <= day for d in self.appraisals.get(w["staff_id"], []))
        ]  # fmt: skip
        return {
            "headcount": len(in_post),
            "fte_in_post": one_decimal(permanent_fte),
            "agency_rate_fte": share(agency_fte, agency_fte + permanent_fte),
            "turnover_rate_fte": share(leavers_fte, permanent_fte),
            "vacancy_rate_fte": share(vacant, vacant + permanent_fte),
            "vacancies_fte": one_decimal(vacant),
            "stability_index": share(len(stayed), len(permanent)),
            "caseload_average": one_decimal(cases / holders_fte) if holders_fte else None,
            "caseload_over_threshold_share": share(sum(h[2] for h in holders), len(holders)),
            "supervision_coverage": share(sum(map(in_date, eligible)), len(eligible)),
            "supervision_agreement_share": share(len(agreed), len(eligible)),
            "agreement_within_3_months_share": share(len(in_time), len(due)),
            "supervisor_training_share": share(len(trained), len(managers)),
            "new_manager_training_share": share(len(new_trained), len(new_managers)),
            "reflective_share": share(sum(bool(s["reflective"]) for s in held), len(held)),
            "childs_views_share": share(
                sum(bool(s["childs_views_recorded"]) for s in held), len(held)
            ),
            "supervision_duration_standard_share": share(
                sum(s["duration_minutes"] >= rules.SUPERVISION_STANDARD_MINUTES for s in timed),
                len(timed),
            ),
            "audit_good_or_better_share": share(
                sum(a["grade"] in ("outstanding", "good") for a in audits), len(audits)
            ),
            "appraisal_share": share(len(appraised), len(appraisal_due)),
        }
