"""People sign in at the authorization server: OpenID Connect's authorization code
flow with PKCE S256 (RFC 6749 §4.1, RFC 7636, RFC 9700, OIDC Core §3.1)."""

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.jose import JsonWebKey, jwt

from tests.support.sharing import ISSUER, Sharing
from tests.support.signing_in import PERSON_SCOPES, REDIRECT_URI, SignIn, form_inputs


@pytest.fixture
def console(sharing: Sharing) -> SignIn:
    return sharing.person_client()


def _claims(sharing: Sharing, token: str) -> Any:
    keys = JsonWebKey.import_key_set(
        sharing.client.get("/.well-known/jwks.json").json()
    )
    claims = jwt.decode(token, keys)
    claims.validate()
    return claims


def test_a_person_signs_in_and_gets_tokens_that_name_them(
    sharing: Sharing, console: SignIn
) -> None:
    anna = sharing.add_person("anna", ["assessor"], totp=True)
    tokens = console.tokens("anna", anna.password, anna.totp_uri)
    assert tokens["token_type"] == "Bearer"
    identity = _claims(sharing, tokens["id_token"])
    assert identity["iss"] == ISSUER
    assert identity["aud"] == console.client_id
    assert identity["sub"] == anna.record.person_id
    assert identity["nonce"] == console.nonce
    assert identity["amr"] == ["pwd", "otp", "mfa"]
    assert identity["name"] == "Anna Andersson"
    access = _claims(sharing, tokens["access_token"])
    assert access["sub"] == anna.record.person_id
    assert access["client_id"] == console.client_id
    # Asked for approval too; an assessor's roles allow only assessment.
    assert set(access["scope"].split()) == {"openid", "profile", "disclosures:assess"}
    info = sharing.client.get(
        "/oauth/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert info.status_code == 200
    assert info.json() == {
        "sub": anna.record.person_id,
        "name": "Anna Andersson",
        "preferred_username": "anna",
        "org_number": "212000-1124",
        "roles": ["assessor"],
    }


def test_the_form_asks_for_the_code_only_after_the_right_password(
    sharing: Sharing, console: SignIn
) -> None:
    anna = sharing.add_person("anna", ["assessor"], totp=True)
    page = sharing.client.get("/oauth/authorize", params=console.params())
    assert {"username", "password"} <= form_inputs(page.text).keys()
    assert "otp" not in form_inputs(page.text)
    assert "Användarnamn" in page.text
    assert "script" not in page.headers["content-security-policy"].replace("'none'", "")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    # The post may be followed only back here and to the client's registered origin.
    assert (
        "form-action 'self' http://localhost:8004;"
        in (page.headers["content-security-policy"])
    )
    wrong = {**form_inputs(page.text), "username": "anna", "password": "fel"}
    refused = sharing.client.post("/oauth/authorize", data=wrong)
    assert refused.status_code == 200
    assert "otp" not in form_inputs(refused.text)
    assert "Fel användarnamn" in refused.text
    right = {**form_inputs(page.text), "username": "anna", "password": anna.password}
    asked = sharing.client.post("/oauth/authorize", data=right)
    assert "otp" in form_inputs(asked.text)
    assert anna.password not in asked.text  # the password does not travel on


def test_a_forged_or_foreign_ticket_gets_no_code(
    sharing: Sharing, console: SignIn
) -> None:
    anna = sharing.add_person("anna", ["assessor"], totp=True)
    sharing.add_person("bertil", ["approver"], totp=True)
    page = sharing.client.get("/oauth/authorize", params=console.params())
    right = {**form_inputs(page.text), "username": "anna", "password": anna.password}
    ticket = form_inputs(sharing.client.post("/oauth/authorize", data=right).text)
    for forged in ({**ticket, "username": "bertil"}, {**ticket, "ticket": "v1.x.y.z"}):
        answer = sharing.client.post(
            "/oauth/authorize", data={**forged, "otp": "123456"}, follow_redirects=False
        )
        assert answer.status_code == 200
        assert "börja om" in answer.text


def test_a_code_is_used_once_by_its_client_with_its_verifier(
    sharing: Sharing, console: SignIn
) -> None:
    bertil = sharing.add_person("bertil", ["approver"], totp=False)
    code = console.code("bertil", bertil.password)
    other_id, other_secret = sharing.register(
        name="Annan", scopes=["openid"], redirect_uris=[REDIRECT_URI]
    )
    stranger = SignIn(sharing.client, other_id, other_secret or "")
    refusals = [
        stranger.redeem(code, code_verifier=console.verifier),
        console.redeem(code, code_verifier="x" * 43),
        console.redeem(code, redirect_uri=REDIRECT_URI + "/other"),
    ]
    for refused in refusals:
        assert refused.status_code == 400
        assert refused.json()["error"] == "invalid_grant"
    assert console.redeem(code).status_code == 200
    again = console.redeem(code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ({"code_challenge_method": "plain"}, "invalid_request"),  # RFC 9700 §2.1.1
        ({"code_challenge": ""}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "profile"}, "invalid_scope"),
        ({"scope": "openid audit:append"}, "invalid_scope"),
    ],
)
def test_a_bad_request_goes_back_to_the_client_with_an_error(
    sharing: Sharing, console: SignIn, override: dict[str, str], error: str
) -> None:
    answer = sharing.client.get(
        "/oauth/authorize", params=console.params(**override), follow_redirects=False
    )
    assert answer.status_code == 303
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    query = parse_qs(location.query)
    assert query["error"] == [error]
    assert query["state"] == [console.state]
    assert query["iss"] == [ISSUER]  # RFC 9207


@pytest.mark.parametrize(
    "override",
    [{"client_id": "nobody"}, {"redirect_uri": "https://evil.example/cb"}, {}],
)
def test_an_untrusted_client_or_redirect_gets_a_page_never_a_redirect(
    sharing: Sharing, console: SignIn, override: dict[str, str]
) -> None:
    params = console.params(**override)
    if not override:
        params["redirect_uri"] = REDIRECT_URI.replace("8004", "8005")
    answer = sharing.client.get(
        "/oauth/authorize", params=params, follow_redirects=False
    )
    assert answer.status_code == 400
    assert "location" not in answer.headers
    assert "Inloggningen kan inte fortsätta" in answer.text


def test_a_client_token_is_not_a_person(sharing: Sharing) -> None:
    client_id, secret = sharing.register(name="Maskin", scopes=["openid"])
    token = sharing.token(client_id, secret)
    info = sharing.client.get(
        "/oauth/userinfo", headers={"Authorization": f"Bearer {token}"}
    )
    assert info.status_code == 403


def test_discovery_names_the_endpoints_and_pkce(sharing: Sharing) -> None:
    document = sharing.client.get("/.well-known/openid-configuration").json()
    assert document["authorization_endpoint"] == f"{ISSUER}/oauth/authorize"
    assert document["userinfo_endpoint"] == f"{ISSUER}/oauth/userinfo"
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["response_types_supported"] == ["code"]
    assert "authorization_code" in document["grant_types_supported"]
    assert (
        document == sharing.client.get("/.well-known/oauth-authorization-server").json()
    )


def test_a_client_id_that_looks_like_a_card_number_gets_an_id_token(
    sharing: Sharing,
) -> None:
    """The ID token's ``aud`` and ``azp`` are the client id: Authlib's leak heuristic
    took an all-digit generated id for a card number and refused to sign it."""
    client_id, secret = sharing.register(
        client_id="svk-4138046846714205",
        scopes=PERSON_SCOPES.split(),
        redirect_uris=[REDIRECT_URI],
    )
    anna = sharing.add_person("anna", ["assessor"], totp=False)
    sign_in = SignIn(sharing.client, client_id, secret or "")

    tokens = sign_in.tokens("anna", anna.password)

    claims = _claims(sharing, tokens["id_token"])
    assert (claims["aud"], claims["azp"]) == (client_id, client_id)
