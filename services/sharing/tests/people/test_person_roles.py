"""A person's roles decide the scopes of their access token; their organisation (and,
through a client of that organisation, its municipality) decides whose tips they
reach."""

from datetime import UTC, datetime
from typing import Any

import pytest
from authlib.jose import JsonWebKey, jwt
from sqlmodel import Session

from samverkan_sharing.people.service import ROLE_SCOPES, Role, add_person
from tests.support.sharing import HOLDER_ORG_NUMBER, Sharing
from tests.support.signing_in import REDIRECT_URI, SignIn

PURCHASING_CENTRE = "556578-5788"
EVERY_SCOPE = (
    "openid profile disclosures:assess disclosures:approve audit:read "
    "tips:write tips:read tips:manage"
)


def _person(sharing: Sharing, username: str, roles: list[str], org: str) -> str:
    app: Any = sharing.client.app
    with Session(app.platform.engine) as session:
        return add_person(
            session,
            name=f"{username.title()} Person",
            org_number=org,
            username=username,
            roles=roles,
            keyring=app.running.state.keyring,
            with_totp=False,
            issuer_name="Samverkan",
            now=datetime.now(UTC),
        ).password


@pytest.fixture
def console(sharing: Sharing) -> SignIn:
    """A console of Malmö, which files for kommunkod 1280, asking for every scope."""
    client_id, secret = sharing.register(
        name="Malmö stad, konsolen",
        scopes=EVERY_SCOPE.split(),
        municipality_code="1280",
        redirect_uris=[REDIRECT_URI],
    )
    assert secret is not None
    return SignIn(sharing.client, client_id, secret, scope=EVERY_SCOPE)


def _claims(sharing: Sharing, token: str) -> Any:
    keys = JsonWebKey.import_key_set(
        sharing.client.get("/.well-known/jwks.json").json()
    )
    claims = jwt.decode(token, keys)
    claims.validate()
    return claims


def _signed_in(
    sharing: Sharing, console: SignIn, roles: list[str], org: str = HOLDER_ORG_NUMBER
) -> tuple[Any, Any]:
    """The claims of the access token and the ID token of a new person."""
    username = "p-" + "-".join(roles).replace("_", "-")
    tokens = console.tokens(username, _person(sharing, username, roles, org))
    return (
        _claims(sharing, tokens["access_token"]),
        _claims(sharing, tokens["id_token"]),
    )


def test_every_role_maps_to_scopes_and_the_tips_roles_read_tips() -> None:
    assert set(ROLE_SCOPES) == set(Role)
    assert ROLE_SCOPES[Role.REPORTER] == {"tips:write", "tips:read"}
    assert ROLE_SCOPES[Role.CASE_OFFICER] == {"tips:manage", "tips:read"}


@pytest.mark.parametrize(
    ("roles", "granted"),
    [
        (["reporter"], {"tips:write", "tips:read"}),
        (["case_officer"], {"tips:manage", "tips:read"}),
        (["assessor", "reporter"], {"disclosures:assess", "tips:write", "tips:read"}),
        (
            ["reporter", "case_officer"],
            {"tips:write", "tips:read", "tips:manage"},
        ),
    ],
)
def test_a_person_gets_the_scopes_of_each_of_their_roles_and_no_more(
    sharing: Sharing, console: SignIn, roles: list[str], granted: set[str]
) -> None:
    access, _identity = _signed_in(sharing, console, roles)
    assert set(access["scope"].split()) == {"openid", "profile", *granted}
    assert "tips" in access["aud"]


def test_a_reporter_files_for_the_municipality_of_their_organisation_s_client(
    sharing: Sharing, console: SignIn
) -> None:
    access, identity = _signed_in(sharing, console, ["reporter"])
    assert access["org_number"] == HOLDER_ORG_NUMBER
    assert access["municipality_code"] == "1280"
    assert identity["municipality_code"] == "1280"


def test_a_person_of_another_organisation_names_it_and_no_municipality(
    sharing: Sharing, console: SignIn
) -> None:
    """Adda's case officer signs in through Malmö's console: the token names Adda,
    whose agreements they manage, and not Malmö's kommunkod."""
    access, identity = _signed_in(
        sharing, console, ["case_officer"], org=PURCHASING_CENTRE
    )
    assert access["org_number"] == PURCHASING_CENTRE
    assert access["municipality_code"] is None
    assert "municipality_code" not in identity
    assert set(access["scope"].split()) == {
        "openid",
        "profile",
        "tips:manage",
        "tips:read",
    }
