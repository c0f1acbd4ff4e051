"""The use cases of person accounts: register a person, sign a person in."""

import base64
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session

from samverkan_shared.crypto import Keyring
from samverkan_shared.identifiers import parse_org_number
from samverkan_shared.problems import Conflict, UnprocessableContent
from samverkan_sharing.people import passwords, totp
from samverkan_sharing.people.models import PersonRecord
from samverkan_sharing.people.repository import PersonRepository

__all__ = [
    "ROLE_SCOPES",
    "CodeNeeded",
    "NewPerson",
    "Role",
    "SignInRefused",
    "add_person",
    "sign_in",
]

MAX_FAILED_ATTEMPTS = 5
LOCKED_FOR = timedelta(minutes=15)
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# Checked when nobody has the username, so an unknown name costs as much as a wrong
# password and the answer's timing does not tell which.
_NOBODY = passwords.hash_password("nobody has this username")


class Role(StrEnum):
    ASSESSOR = "assessor"
    APPROVER = "approver"
    COMPLIANCE = "compliance"
    # A municipal officer who files tips for their municipality and follows them.
    REPORTER = "reporter"
    # An agreement owner's officer who investigates the tips on its agreements.
    CASE_OFFICER = "case_officer"


# What a person of each role may do, as the scopes of their access token. Whose tips
# a tips scope reaches is the token's org_number (the person's organisation).
ROLE_SCOPES: Mapping[Role, frozenset[str]] = {
    Role.ASSESSOR: frozenset({"disclosures:assess"}),
    Role.APPROVER: frozenset({"disclosures:approve"}),
    Role.COMPLIANCE: frozenset({"audit:read"}),
    Role.REPORTER: frozenset({"tips:write", "tips:read"}),
    Role.CASE_OFFICER: frozenset({"tips:manage", "tips:read"}),
}


class SignInRefused(Exception):
    """Sign-in failed; the message is for the person, in Swedish, and says no more
    than it must (never whether the username exists)."""


class CodeNeeded(Exception):
    """The password was right and the person has a second factor: ask for the code."""


@dataclass(frozen=True)
class NewPerson:
    record: PersonRecord
    password: str  # shown once, to be handed to the person
    totp_uri: str | None  # for their authenticator app, shown once


def add_person(
    session: Session,
    *,
    name: str,
    org_number: str,
    username: str,
    roles: list[str],
    keyring: Keyring,
    with_totp: bool,
    issuer_name: str,
    now: datetime,
) -> NewPerson:
    """Register a person with an initial password (and a TOTP secret); committed."""
    record = PersonRecord(
        person_id=str(uuid.uuid4()),
        username=_checked_username(username),
        name=name.strip(),
        org_number=_checked_org_number(org_number),
        roles=_checked_roles(roles),
        password_hash="",
        created_at=now,
    )
    # The slow hash first: the unit below holds SQLite's write lock from its read.
    password = passwords.new_password()
    record.password_hash = passwords.hash_password(password)
    link = None
    if with_totp:
        secret = totp.new_secret()
        record.totp_secret = _seal(keyring, record.person_id, secret)
        link = totp.uri(secret, account=record.username, issuer=issuer_name)
    people = PersonRepository(session)
    if people.by_username(record.username) is not None:
        raise Conflict(f"The username {record.username!r} is taken.")
    people.add(record)
    session.commit()
    return NewPerson(record, password, link)


def sign_in(
    session: Session,
    *,
    username: str,
    password: str,
    code: str | None,
    keyring: Keyring,
    require_totp: bool,
    now: datetime,
    password_verified: bool = False,
) -> PersonRecord:
    """The person these credentials belong to; committed (attempts are counted).

    Raises ``CodeNeeded`` when the password is right but the one-time code is
    missing, ``SignInRefused`` otherwise. Five failures in a row lock the account
    for fifteen minutes. ``password_verified``: the password was checked in an
    earlier step of this sign-in (the caller holds the proof), only the code is left.
    """
    person = PersonRepository(session).by_username_for_update(username.strip().lower())
    if person is None or not person.active:
        passwords.verify_password(_NOBODY, password)
        session.rollback()
        raise SignInRefused("Fel användarnamn, lösenord eller engångskod.")
    if person.locked_until is not None and person.locked_until > now:
        session.rollback()
        raise SignInRefused(
            "Kontot är spärrat efter för många misslyckade försök; försök igen senare."
        )
    if not password_verified and not passwords.verify_password(
        person.password_hash, password
    ):
        _fail(session, person, now)
    if person.totp_secret is None and require_totp:
        session.rollback()
        raise SignInRefused(
            "Inloggning kräver en engångskod, och kontot har ingen kodapp registrerad. "
            "Be en administratör registrera en."
        )
    if person.totp_secret is not None:
        _check_code(session, person, code, keyring, now)
    if not password_verified and passwords.needs_rehash(person.password_hash):
        person.password_hash = passwords.hash_password(password)
    person.failed_attempts = 0
    person.locked_until = None
    session.commit()
    return person


def _check_code(
    session: Session,
    person: PersonRecord,
    code: str | None,
    keyring: Keyring,
    now: datetime,
) -> None:
    if not code:
        session.rollback()
        raise CodeNeeded
    secret = _open(keyring, person.person_id, person.totp_secret or "")
    step = totp.accepted_step(
        secret, code.strip(), now=now.timestamp(), last_step=person.totp_last_step
    )
    if step is None:
        _fail(session, person, now)
    person.totp_last_step = step


def _fail(session: Session, person: PersonRecord, now: datetime) -> None:
    """Count the failure, lock at the limit, commit, and refuse."""
    person.failed_attempts += 1
    if person.failed_attempts >= MAX_FAILED_ATTEMPTS:
        person.locked_until = now + LOCKED_FOR
        person.failed_attempts = 0
    session.commit()
    raise SignInRefused("Fel användarnamn, lösenord eller engångskod.")


def _seal(keyring: Keyring, person_id: str, secret: bytes) -> str:
    return keyring.encrypt(
        base64.b64encode(secret), associated_data=_totp_context(person_id)
    )


def _open(keyring: Keyring, person_id: str, sealed: str) -> bytes:
    return base64.b64decode(
        keyring.decrypt(sealed, associated_data=_totp_context(person_id))
    )


def _totp_context(person_id: str) -> bytes:
    return f"people:{person_id}:totp".encode()


def _checked_username(username: str) -> str:
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise UnprocessableContent(
            "A username is 2-64 characters: lower-case letters, digits, '.', '_' "
            "or '-', starting with a letter or digit.",
            errors=[{"pointer": "#/username", "detail": "not a valid username"}],
        )
    return username


def _checked_org_number(org_number: str) -> str:
    try:
        return parse_org_number(org_number)
    except ValueError as error:
        raise UnprocessableContent(
            str(error), errors=[{"pointer": "#/org_number", "detail": str(error)}]
        ) from None


def _checked_roles(roles: list[str]) -> list[str]:
    known = {role.value for role in Role}
    unknown = sorted(set(roles) - known)
    if unknown or not roles:
        raise UnprocessableContent(
            f"Roles are one or more of {', '.join(sorted(known))}; "
            f"not {', '.join(unknown) or 'none'}.",
            errors=[{"pointer": "#/roles", "detail": "unknown or missing roles"}],
        )
    return sorted(set(roles))
