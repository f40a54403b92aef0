"""Whether a sign-in may be trusted, decided on every run of the dashboard.

The identity provider (OpenID Connect; for example Microsoft Entra ID) vouches for a person
through the claims of the ID token, which Streamlit keeps in a signed cookie for 30 days and
cannot revoke. So the dashboard decides for itself, from the claims and the database, each
time a page runs:

- **A verified address.** A token whose `email_verified` claim is false is refused: anyone
  can type an address into an account at some providers. (Microsoft Entra ID sends no such
  claim for its own accounts; there the subject binding below is what protects.)
- **One person, one account.** At a user's first sign-in their row is bound to the
  provider's immutable id for them: for Entra ID the tenant and object ids (`tid`, `oid`,
  which Microsoft recommends over the mutable e-mail), else the issuer and `sub`. Later
  sign-ins must come from that account: a renamed or re-used address cannot inherit the
  access, and a person whose address changes keeps theirs.
- **A working day.** A sign-in lasts `sign_in_hours` (an organisation setting, default
  `DEFAULT_SIGN_IN_HOURS`) from when the provider issued the token (`iat`), not 30 days.
- **Sign out means out.** Signing out, or an administrator's "sign out everywhere", records
  the moment on the user's row; every token issued at or before it is refused from the next
  run on, whichever browser holds it. Removing a user removes their row, so their tokens
  find nobody.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlmodel import Session, col

from data_access.access.grants import (
    CHANGE_USERS,
    AccessError,
    Grant,
    grant_for,
    log_access,
    normalise_email,
)
from data_access.core.models import AppUser

#: How long a sign-in lasts when the organisation has not chosen: a working day.
DEFAULT_SIGN_IN_HOURS = 10
#: The range an administrator may choose from.
SIGN_IN_HOURS_RANGE = (1, 24)
#: Access-log actions.
SIGN_OUT = "sign out"
BIND_ACCOUNT = "bind account"
REFUSED_SIGN_IN = "refused sign-in"


@dataclass(frozen=True)
class Identity:
    """What the ID token says about the person signing in."""

    email: str
    #: The provider's immutable id for the person (see `identity_from_claims`).
    subject: str | None
    #: When the provider issued the token; None when it did not say.
    issued_at: datetime | None
    #: The provider's `email_verified` claim; None when it sent none.
    email_verified: bool | None


def _truth(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def identity_from_claims(claims: Mapping) -> Identity:
    """The identity in an ID token's claims (Streamlit's `st.user`)."""
    issuer = str(claims.get("iss") or "")
    tenant, object_id, subject = claims.get("tid"), claims.get("oid"), claims.get("sub")
    if tenant and object_id:
        bound = f"{issuer}#tid={tenant}#oid={object_id}"
    elif subject:
        bound = f"{issuer}#sub={subject}"
    else:
        bound = None
    issued = claims.get("iat")
    issued_at = (
        datetime.fromtimestamp(issued, UTC)
        if isinstance(issued, int | float) and not isinstance(issued, bool)
        else None
    )
    return Identity(
        email=str(claims.get("email") or ""),
        subject=bound[:500] if bound else None,
        issued_at=issued_at,
        email_verified=_truth(claims.get("email_verified")),
    )


class Refusal(StrEnum):
    """Why a sign-in is not trusted; each is said to the person in plain words by the page."""

    UNVERIFIED_EMAIL = "unverified e-mail"
    NO_ACCOUNT_ID = "no account id"
    EXPIRED = "expired"
    SIGNED_OUT = "signed out"
    NOT_GIVEN_ACCESS = "not given access"
    OTHER_ACCOUNT = "another account"


@dataclass(frozen=True)
class SignIn:
    """The outcome: a grant, or why there is none."""

    grant: Grant | None
    refusal: Refusal | None = None


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes for what was stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_sign_in(
    identity: Identity, *, session: Session, hours: int, now: datetime | None = None
) -> SignIn:
    """Whether `identity` may use the dashboard now, and with what grant. Binds the user to
    the provider's account at their first sign-in (logged)."""
    now = now or datetime.now(UTC)
    if identity.email_verified is False:
        return SignIn(None, Refusal.UNVERIFIED_EMAIL)
    if identity.subject is None:
        return SignIn(None, Refusal.NO_ACCOUNT_ID)
    if identity.issued_at is None or now - identity.issued_at > timedelta(hours=hours):
        return SignIn(None, Refusal.EXPIRED)
    user = session.execute(
        select(AppUser).where(col(AppUser.subject) == identity.subject)
    ).scalar_one_or_none()
    if user is None:
        try:
            user = session.get(AppUser, normalise_email(identity.email))
        except AccessError:
            user = None
        if user is None:
            return SignIn(None, Refusal.NOT_GIVEN_ACCESS)
        if user.subject is not None:
            return SignIn(None, Refusal.OTHER_ACCOUNT)
        user.subject = identity.subject
        session.add(user)
        log_access(user.email, BIND_ACCOUNT, user.email, "first sign-in", session=session)
    if user.signed_out_at is not None and identity.issued_at <= _aware(user.signed_out_at):
        return SignIn(None, Refusal.SIGNED_OUT)
    return SignIn(grant_for(user.email, session=session))


def sign_out(email: str, *, session: Session, by: str, now: datetime | None = None) -> bool:
    """End every sign-in of the user with this address issued until now (their own Sign out,
    or an administrator's "sign out everywhere"); logged. False when there is no such user."""
    user = session.get(AppUser, normalise_email(email))
    if user is None:
        return False
    user.signed_out_at = now or datetime.now(UTC)
    session.add(user)
    action = SIGN_OUT if by == user.email else CHANGE_USERS
    log_access(by, action, user.email, "signed out everywhere", session=session)
    return True
