"""Whether a sign-in is trusted (data_access/access/sign_in.py): a verified address, the account
bound at first sign-in, a working day's lifetime, and signing out that ends every earlier
sign-in. Then the same rules as a signed-in person meets them in the dashboard (AppTest)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from support.app import EVERYWHERE, app_as, give_access, shown_text, signed_in_claims
from support.org import SMALL_ORG, read_folder_bytes

from data_access.access.grants import access_log, remove_user
from data_access.access.sign_in import (
    DEFAULT_SIGN_IN_HOURS,
    Identity,
    Refusal,
    check_sign_in,
    identity_from_claims,
    sign_out,
)
from data_access.core.db import session_scope
from data_access.ingest.importer import import_files
from data_access.settings import change_sign_in_hours, sign_in_hours

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ISSUER = "https://login.example/tenant/v2.0"
ADMIN = "admin@council.example"


@pytest.fixture
def admin(engine):
    give_access(engine, ADMIN, "admin", EVERYWHERE)
    return engine


def token(email=ADMIN, sub="person-1", issued=NOW, **claims) -> Identity:
    return identity_from_claims(
        {
            "iss": ISSUER,
            "sub": sub,
            "email": email,
            "iat": int(issued.timestamp()) if issued else None,
            **claims,
        }
    )


def outcome(engine, identity: Identity, now=NOW, hours=DEFAULT_SIGN_IN_HOURS):
    with session_scope(engine) as session:
        return check_sign_in(identity, hours=hours, now=now, session=session)


def test_the_account_id_is_entras_tenant_and_object_ids_when_given_else_the_subject():
    entra = identity_from_claims(
        {"iss": ISSUER, "sub": "pairwise", "tid": "T-1", "oid": "O-9", "email": "a@b.example"}
    )
    assert entra.subject == f"{ISSUER}#tid=T-1#oid=O-9"
    assert token().subject == f"{ISSUER}#sub=person-1"
    assert identity_from_claims({"iss": ISSUER, "email": "a@b.example"}).subject is None
    assert token().issued_at == NOW
    assert token(email_verified="false").email_verified is False
    assert token().email_verified is None


def test_an_unverified_address_is_refused_whatever_it_names(admin):
    for email in (ADMIN, "ADMIN@Council.Example"):
        assert outcome(admin, token(email=email, email_verified=False)).refusal == (
            Refusal.UNVERIFIED_EMAIL
        )
    signed_in = outcome(admin, token(email_verified=True))
    assert signed_in.grant is not None and signed_in.grant.role == "admin"


def test_the_first_sign_in_binds_the_account_and_another_account_cannot_use_the_address(admin):
    assert outcome(admin, token(sub="person-1")).grant is not None
    # The same address from another account at the provider (re-used, or typed in): refused.
    assert outcome(admin, token(sub="someone-else")).refusal == Refusal.OTHER_ACCOUNT
    # The bound person whose address changed keeps their access.
    moved = outcome(admin, token(email="renamed@council.example", sub="person-1"))
    assert moved.grant is not None and moved.grant.email == ADMIN
    with session_scope(admin) as session:
        bound = [e for e in access_log(session=session) if e.action == "bind account"]
    assert [(e.user_email, e.detail) for e in bound] == [(ADMIN, "first sign-in")]


def test_nobody_without_access_and_no_token_without_an_account_id(admin):
    assert outcome(admin, token(email="stranger@council.example", sub="x")).refusal == (
        Refusal.NOT_GIVEN_ACCESS
    )
    assert outcome(admin, token(sub=None)).refusal == Refusal.NO_ACCOUNT_ID


def test_a_sign_in_lasts_the_chosen_hours_from_when_the_token_was_issued(admin):
    assert outcome(admin, token(issued=NOW - timedelta(hours=9, minutes=59))).grant is not None
    assert outcome(admin, token(issued=NOW - timedelta(hours=10, minutes=1))).refusal == (
        Refusal.EXPIRED
    )
    assert outcome(admin, token(issued=None)).refusal == Refusal.EXPIRED
    with session_scope(admin) as session:
        assert sign_in_hours(session=session) == 10
        change_sign_in_hours(4, by=ADMIN, session=session)
        with pytest.raises(ValueError, match="from 1 to 24"):
            change_sign_in_hours(48, by=ADMIN, session=session)
    with session_scope(admin) as session:
        hours = sign_in_hours(session=session)
        changes = [
            e.detail for e in access_log(session=session) if e.scope == "Hours a sign-in lasts"
        ]
    assert hours == 4
    assert changes == ["10 -> 4"]  # the default, as it was in force
    late = token(issued=NOW - timedelta(hours=4, minutes=1))
    assert outcome(admin, late, hours=hours).refusal == Refusal.EXPIRED


def test_signing_out_voids_every_earlier_token_and_not_a_later_one(admin):
    before = token(issued=NOW - timedelta(minutes=30))
    assert outcome(admin, before).grant is not None
    with session_scope(admin) as session:
        assert sign_out(ADMIN, by=ADMIN, now=NOW - timedelta(minutes=5), session=session)
    assert outcome(admin, before).refusal == Refusal.SIGNED_OUT
    assert outcome(admin, token(issued=NOW - timedelta(minutes=5))).refusal == Refusal.SIGNED_OUT
    assert outcome(admin, token(issued=NOW - timedelta(minutes=4))).grant is not None
    with session_scope(admin) as session:
        assert not sign_out("nobody@council.example", by=ADMIN, session=session)
        assert [e.action for e in access_log(session=session) if e.scope == ADMIN][:1] == [
            "sign out"
        ]


def test_a_removed_user_is_refused_at_once(admin):
    assert outcome(admin, token()).grant is not None
    with session_scope(admin) as session:
        remove_user(ADMIN, by="another admin", session=session)
    assert outcome(admin, token()).refusal == Refusal.NOT_GIVEN_ACCESS


# --- in the dashboard ------------------------------------------------------------------------


@pytest.fixture
def small_org(engine, fresh_caches):
    assert import_files(read_folder_bytes(SMALL_ORG), engine=engine, source="fixture").loaded
    return engine


def test_after_sign_out_the_same_cookie_shows_only_the_sign_in_page(small_org):
    give_access(small_org, ADMIN, "admin", EVERYWHERE)
    copied = signed_in_claims(ADMIN)
    claims = {key: value for key, value in copied.items() if key != "email"}
    app = app_as(ADMIN, claims=claims)
    assert app.title[0].value == "Overview"
    app.sidebar.button(key="sign-out").click().run()
    assert not app.exception
    assert [button.label for button in app.button] == ["Sign in"]
    # A browser that kept a copy of the cookie from before signing out comes back with it.
    app.user = copied
    app.run()
    assert app.title[0].value == "Social work workforce dashboard"
    assert "You have been signed out" in app.info[0].value
    assert [button.label for button in app.button] == ["Sign in"]
    assert not app.metric and not app.dataframe


def test_a_token_older_than_a_working_day_shows_only_the_sign_in_page(small_org):
    give_access(small_org, ADMIN, "admin", EVERYWHERE)
    eleven_hours_ago = int((datetime.now(UTC) - timedelta(hours=11)).timestamp())
    app = app_as(ADMIN, claims={"iat": eleven_hours_ago})
    assert "Your sign-in has ended" in app.info[0].value
    assert not app.metric and not app.dataframe


def test_an_administrator_signs_someone_out_everywhere(small_org):
    manager = "mo.manager@council.example"
    give_access(small_org, manager, "manager", EVERYWHERE)
    give_access(small_org, ADMIN, "admin", EVERYWHERE)
    theirs = app_as(manager)
    assert theirs.title[0].value == "Overview"
    mine = app_as(ADMIN, "access")
    mine.selectbox(key="sign-out-user").select(manager)
    next(b for b in mine.button if b.label == "Sign out everywhere").click().run()
    assert mine.error[0].value == "Choose the user and tick the box to confirm."
    theirs.run()
    assert theirs.title[0].value == "Overview"  # nothing ended without the tick
    mine.checkbox(key="sign-out-sure").check()
    next(b for b in mine.button if b.label == "Sign out everywhere").click().run()
    assert shown_text(mine.success[0].value) == f"Signed {manager} out everywhere."
    theirs.run()
    assert "You have been signed out" in theirs.info[0].value
    assert not theirs.metric


def test_an_unverified_address_sees_nothing_and_is_logged_once(small_org):
    give_access(small_org, ADMIN, "admin", EVERYWHERE)
    app = app_as("ADMIN@Council.Example", claims={"email_verified": False})
    assert "has not verified the e-mail address" in app.warning[0].value
    assert not app.metric and not app.dataframe and not app.selectbox
    app.run()
    with session_scope(small_org) as session:
        refused = [(e.action, e.detail) for e in access_log(session=session) if "sign" in e.action]
    assert refused == [("refused sign-in", "unverified e-mail")]
