"""Registering a person and signing them in: password, one-time code, lock-out."""

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from samverkan_shared.crypto import Keyring
from samverkan_shared.db import make_engine
from samverkan_shared.problems import Conflict, UnprocessableContent
from samverkan_shared.sessions import writing_session
from samverkan_sharing.people import totp
from samverkan_sharing.people.models import PersonRecord
from samverkan_sharing.people.repository import PersonRepository
from samverkan_sharing.people.service import (
    MAX_FAILED_ATTEMPTS,
    CodeNeeded,
    NewPerson,
    SignInRefused,
    add_person,
    sign_in,
)

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
KEYRING = Keyring.generate()


@pytest.fixture
def session(sharing_database: str) -> Iterator[Session]:
    engine = make_engine(sharing_database)
    with writing_session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


def _add(session: Session, *, with_totp: bool, username: str = "anna") -> NewPerson:
    return add_person(
        session,
        name="Anna Andersson",
        org_number="212000-1124",
        username=username,
        roles=["assessor"],
        keyring=KEYRING,
        with_totp=with_totp,
        issuer_name="Samverkan",
        now=NOW,
    )


def _sign_in(
    session: Session,
    password: str,
    code: str | None = None,
    *,
    require_totp: bool = False,
    now: datetime = NOW,
) -> PersonRecord:
    return sign_in(
        session,
        username="anna",
        password=password,
        code=code,
        keyring=KEYRING,
        require_totp=require_totp,
        now=now,
    )


def _code_now(new: NewPerson) -> str:
    return totp.hotp(totp_secret(new), int(NOW.timestamp()) // totp.STEP_SECONDS)


def totp_secret(new: NewPerson) -> bytes:
    """The secret as the person's authenticator app reads it from the URI."""
    assert new.totp_uri is not None
    encoded = new.totp_uri.split("secret=")[1].split("&")[0]
    return base64.b32decode(encoded + "=" * (-len(encoded) % 8))


def test_a_person_signs_in_with_the_initial_password(session: Session) -> None:
    new = _add(session, with_totp=False)
    person = _sign_in(session, new.password)
    assert person.person_id == new.record.person_id
    assert person.roles == ["assessor"]


def test_the_stored_account_keeps_no_secret_in_clear(session: Session) -> None:
    new = _add(session, with_totp=True)
    stored = PersonRepository(session).by_username("anna")
    assert stored is not None
    assert new.password not in stored.password_hash
    assert stored.totp_secret is not None
    assert totp_secret(new) not in stored.totp_secret.encode()


def test_with_a_second_factor_the_code_is_asked_for_then_checked(
    session: Session,
) -> None:
    new = _add(session, with_totp=True)
    with pytest.raises(CodeNeeded):
        _sign_in(session, new.password)
    wrong = f"{(int(_code_now(new)) + 1) % 10**6:06d}"
    with pytest.raises(SignInRefused):
        _sign_in(session, new.password, wrong)
    assert _sign_in(session, new.password, _code_now(new)).username == "anna"
    with pytest.raises(SignInRefused):  # the same code a second time: a replay
        _sign_in(session, new.password, _code_now(new))


def test_outside_the_demo_a_person_without_a_second_factor_is_refused(
    session: Session,
) -> None:
    new = _add(session, with_totp=False)
    with pytest.raises(SignInRefused, match="engångskod"):
        _sign_in(session, new.password, require_totp=True)


def test_an_unknown_username_and_a_wrong_password_get_the_same_answer(
    session: Session,
) -> None:
    _add(session, with_totp=False)
    with pytest.raises(SignInRefused) as wrong:
        _sign_in(session, "not the password")
    with pytest.raises(SignInRefused) as unknown:
        sign_in(
            session,
            username="nobody",
            password="x",
            code=None,
            keyring=KEYRING,
            require_totp=False,
            now=NOW,
        )
    assert str(wrong.value) == str(unknown.value)


def test_five_failures_lock_the_account_for_fifteen_minutes(session: Session) -> None:
    new = _add(session, with_totp=False)
    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(SignInRefused, match="Fel"):
            _sign_in(session, "wrong")
    with pytest.raises(SignInRefused, match="spärrat"):
        _sign_in(session, new.password)  # locked: even the right password
    later = NOW + timedelta(minutes=16)
    assert _sign_in(session, new.password, now=later).username == "anna"


def test_a_taken_username_is_a_conflict(session: Session) -> None:
    _add(session, with_totp=False)
    with pytest.raises(Conflict):
        _add(session, with_totp=False)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("username", "Anna Andersson"),
        ("username", "a"),
        ("org_number", "212000-1125"),  # wrong check digit
        ("roles", ["admin"]),
        ("roles", []),
    ],
)
def test_bad_registrations_are_refused_and_store_nothing(
    session: Session, field: str, value: object
) -> None:
    options: dict[str, object] = {
        "name": "Anna",
        "org_number": "212000-1124",
        "username": "anna",
        "roles": ["assessor"],
        field: value,
    }
    with pytest.raises(UnprocessableContent):
        add_person(
            session,
            keyring=KEYRING,
            with_totp=False,
            issuer_name="Samverkan",
            now=NOW,
            **options,  # type: ignore[arg-type]
        )
    assert PersonRepository(session).all() == []
