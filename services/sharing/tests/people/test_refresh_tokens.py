"""A signed-in person's refresh tokens (RFC 6749 §6): rotated on every use, bound to
their client, revoked as a family on reuse or revocation (RFC 9700 §4.14.2, RFC
7009), and ended by the idle and absolute lifetimes."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from authlib.jose import JsonWebKey, jwt
from sqlmodel import Session

from samverkan_shared.db import make_engine
from samverkan_shared.sessions import writing_session
from samverkan_sharing.oauth.errors import OAuthError
from samverkan_sharing.oauth.models import ClientRecord
from samverkan_sharing.people.repository import PersonRepository
from samverkan_sharing.people.service import NewPerson
from samverkan_sharing.signin.refresh import (
    RefreshPolicy,
    issue_refresh_token,
    new_family,
    use_refresh_token,
)
from samverkan_sharing.signin.service import Grant
from tests.support.sharing import Sharing
from tests.support.signing_in import PERSON_SCOPES, REDIRECT_URI, SignIn

# Claims a refresh must carry over unchanged from the sign-in's access token.
_PERSON_CLAIMS = ("sub", "client_id", "org_number", "roles", "auth_time", "amr")


def _change_person(sharing: Sharing, person_id: str, **values: Any) -> None:
    app: Any = sharing.client.app
    with Session(app.platform.engine) as session:
        person = PersonRepository(session).get(person_id)
        assert person is not None
        for name, value in values.items():
            setattr(person, name, value)
        session.commit()


def _claims(sharing: Sharing, token: str) -> Any:
    keys = JsonWebKey.import_key_set(
        sharing.client.get("/.well-known/jwks.json").json()
    )
    claims = jwt.decode(token, keys)
    claims.validate()
    return claims


def _client_post(sign_in: SignIn, path: str, **data: str) -> Any:
    auth = (sign_in.client_id, sign_in.client_secret)
    return sign_in.client.post(path, data=data, auth=auth)


def _refused(response: Any, error: str = "invalid_grant") -> None:
    assert response.status_code == 400, response.text
    assert response.headers["cache-control"] == "no-store"
    assert set(response.json()) == {"error", "error_description"}
    assert response.json()["error"] == error


@pytest.fixture
def console(sharing: Sharing) -> SignIn:
    return sharing.person_client()


@pytest.fixture
def boss(sharing: Sharing) -> NewPerson:
    """An assessor and approver, without a second factor (the demo allows it)."""
    return sharing.add_person("chef", ["approver", "assessor"])


@pytest.fixture
def signed_in(console: SignIn, boss: NewPerson) -> dict[str, Any]:
    return console.tokens("chef", boss.password)


class TestRefresh:
    def test_a_refresh_gives_an_access_token_with_the_sign_ins_claims(
        self, sharing: Sharing, console: SignIn, signed_in: dict[str, Any]
    ) -> None:
        answer = console.refresh(signed_in["refresh_token"])
        assert answer.status_code == 200, answer.text
        assert answer.headers["cache-control"] == "no-store"
        body = answer.json()
        assert set(body) == {
            "access_token",
            "token_type",
            "expires_in",
            "scope",
            "refresh_token",
        }
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 300
        assert body["refresh_token"] != signed_in["refresh_token"]
        before = _claims(sharing, signed_in["access_token"])
        after = _claims(sharing, body["access_token"])
        assert {c: after[c] for c in _PERSON_CLAIMS} == {
            c: before[c] for c in _PERSON_CLAIMS
        }
        assert (after["scope"], after["aud"]) == (before["scope"], before["aud"])
        assert after["jti"] != before["jti"]
        info = sharing.client.get(
            "/oauth/userinfo",
            headers={"Authorization": f"Bearer {body['access_token']}"},
        )
        assert info.status_code == 200
        assert info.json()["sub"] == before["sub"]

    def test_a_used_refresh_token_revokes_the_whole_family(
        self, console: SignIn, signed_in: dict[str, Any]
    ) -> None:
        """RFC 9700 §4.14.2: reuse means a copy leaked; nobody keeps the sign-in."""
        first = signed_in["refresh_token"]
        second = console.refresh(first).json()
        _refused(console.refresh(first))
        _refused(console.refresh(second["refresh_token"]))
        answer = _client_post(
            console, "/oauth/introspect", token=second["access_token"]
        )
        assert answer.json() == {"active": False}

    def test_another_client_cannot_use_it_and_the_owner_still_can(
        self, sharing: Sharing, console: SignIn, signed_in: dict[str, Any]
    ) -> None:
        other_id, other_secret = sharing.register(
            name="Annan", scopes=PERSON_SCOPES.split(), redirect_uris=[REDIRECT_URI]
        )
        stranger = SignIn(sharing.client, other_id, other_secret or "")
        _refused(stranger.refresh(signed_in["refresh_token"]))
        assert console.refresh(signed_in["refresh_token"]).status_code == 200

    @pytest.mark.parametrize(
        ("form", "error"),
        [
            pytest.param({"refresh_token": "nope"}, "invalid_grant", id="unknown"),
            pytest.param({}, "invalid_request", id="missing"),
        ],
    )
    def test_a_missing_or_unknown_token_is_refused(
        self, console: SignIn, form: dict[str, str], error: str
    ) -> None:
        answer = _client_post(
            console, "/oauth/token", grant_type="refresh_token", **form
        )
        _refused(answer, error)


class TestScope:
    """RFC 6749 §6: a refresh may narrow its access token, never widen the grant."""

    @pytest.mark.parametrize(
        ("asked", "granted"),
        [
            pytest.param(
                "openid disclosures:assess", "disclosures:assess openid", id="narrower"
            ),
            pytest.param(
                "",
                "disclosures:approve disclosures:assess openid profile",
                id="omitted: the whole grant",
            ),
            pytest.param("openid audit:read", None, id="beyond the grant"),
        ],
    )
    def test_a_refresh_may_only_narrow(
        self,
        sharing: Sharing,
        console: SignIn,
        signed_in: dict[str, Any],
        asked: str,
        granted: str | None,
    ) -> None:
        answer = console.refresh(signed_in["refresh_token"], scope=asked)
        if granted is None:
            _refused(answer, "invalid_scope")
            return
        assert answer.json()["scope"] == granted
        assert _claims(sharing, answer.json()["access_token"])["scope"] == granted

    def test_the_next_refresh_has_the_whole_grant_again(
        self, console: SignIn, signed_in: dict[str, Any]
    ) -> None:
        narrow = console.refresh(signed_in["refresh_token"], scope="openid").json()
        assert narrow["scope"] == "openid"
        whole = console.refresh(narrow["refresh_token"]).json()
        assert whole["scope"] == signed_in["scope"]

    def test_a_role_taken_away_is_not_refreshed(
        self, sharing: Sharing, console: SignIn, signed_in: dict[str, Any]
    ) -> None:
        person = _claims(sharing, signed_in["access_token"])["sub"]
        _change_person(sharing, person, roles=["assessor"])
        answer = console.refresh(signed_in["refresh_token"]).json()
        assert answer["scope"] == "disclosures:assess openid profile"


class TestPerson:
    @pytest.mark.parametrize(
        "change",
        [
            pytest.param({"active": False}, id="disabled"),
            pytest.param(
                {"locked_until": datetime.now(UTC) + timedelta(minutes=15)},
                id="locked",
            ),
        ],
    )
    def test_an_inactive_or_locked_person_gets_no_token_and_keeps_the_refresh_token(
        self,
        sharing: Sharing,
        console: SignIn,
        signed_in: dict[str, Any],
        change: dict[str, Any],
    ) -> None:
        person = _claims(sharing, signed_in["access_token"])["sub"]
        _change_person(sharing, person, **change)
        _refused(console.refresh(signed_in["refresh_token"]))
        # Refused, not spent: once the account is usable again, so is the token.
        _change_person(sharing, person, active=True, locked_until=None)
        assert console.refresh(signed_in["refresh_token"]).status_code == 200


class TestRevocation:
    """RFC 7009 §2.1: revoking a refresh token ends its family and its tokens."""

    @pytest.mark.parametrize("hint", [{}, {"token_type_hint": "refresh_token"}])
    def test_revoking_a_refresh_token_ends_the_family(
        self, console: SignIn, signed_in: dict[str, Any], hint: dict[str, str]
    ) -> None:
        latest = console.refresh(signed_in["refresh_token"]).json()
        answer = _client_post(
            console, "/oauth/revoke", token=latest["refresh_token"], **hint
        )
        assert answer.status_code == 200
        assert answer.json() == {}
        _refused(console.refresh(latest["refresh_token"]))
        access = _client_post(
            console, "/oauth/introspect", token=latest["access_token"]
        )
        assert access.json() == {"active": False}

    def test_another_client_cannot_revoke_it(
        self, sharing: Sharing, console: SignIn, signed_in: dict[str, Any]
    ) -> None:
        other_id, other_secret = sharing.register(name="Annan", scopes=["openid"])
        stranger = SignIn(sharing.client, other_id, other_secret or "")
        answer = _client_post(
            stranger, "/oauth/revoke", token=signed_in["refresh_token"]
        )
        _refused(answer, "unauthorized_client")
        assert console.refresh(signed_in["refresh_token"]).status_code == 200

    def test_revoking_the_access_token_keeps_the_refresh_token(
        self, console: SignIn, signed_in: dict[str, Any]
    ) -> None:
        answer = _client_post(console, "/oauth/revoke", token=signed_in["access_token"])
        assert answer.status_code == 200
        assert console.refresh(signed_in["refresh_token"]).status_code == 200


# -- the lifetimes, with the clock passed in as the use cases take it ------------------

SIGNED_IN = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
POLICY = RefreshPolicy(lifetime=timedelta(hours=12), idle=timedelta(minutes=30))
CLIENT = ClientRecord(
    client_id="svk-console",
    name="Konsol",
    org_number="212000-1124",
    kind="municipality",
    scopes=["openid"],
    auth_method="client_secret_basic",
    created_at=SIGNED_IN,
)


@pytest.fixture
def session(sharing_database: str) -> Iterator[Session]:
    engine = make_engine(sharing_database)
    with writing_session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


def _issue(session: Session, family: str, now: datetime) -> str:
    grant = Grant("person-1", ["openid"], None, SIGNED_IN, ["pwd"])
    access = {"jti": f"jti-{now.timestamp()}", "exp": now.timestamp() + 300}
    token = issue_refresh_token(
        session,
        grant,
        client_id=CLIENT.client_id,
        family_id=family,
        access_claims=access,
        now=now,
        policy=POLICY,
    )
    session.commit()
    return token


def _rotate_every(session: Session, step: timedelta, times: int) -> datetime:
    """Use the family's latest token every ``step``; the time of the last use."""
    family, now = new_family(), SIGNED_IN
    token = _issue(session, family, now)
    for _ in range(times):
        now += step
        use_refresh_token(session, CLIENT, token, now=now)
        token = _issue(session, family, now)
    return now


@pytest.mark.parametrize(
    ("step", "times", "refused"),
    [
        pytest.param(timedelta(minutes=29), 1, False, id="used within the idle time"),
        pytest.param(timedelta(minutes=30), 1, True, id="idle for 30 minutes"),
        pytest.param(timedelta(minutes=25), 28, False, id="in use for 11h40"),
        pytest.param(timedelta(minutes=25), 29, True, id="past 12h after sign-in"),
    ],
)
def test_a_token_expires_when_idle_and_its_family_after_twelve_hours(
    session: Session, step: timedelta, times: int, refused: bool
) -> None:
    if not refused:
        _rotate_every(session, step, times)
        return
    with pytest.raises(OAuthError) as error:
        _rotate_every(session, step, times)
    assert error.value.error == "invalid_grant"
    assert "expired" in str(error.value)
