"""Pushed authorization requests (RFC 9126) and codes bound to a DPoP key (RFC 9449
§10): a client pushes its request, authenticated; the browser carries only the
reference; a bound code is redeemed only with a proof by its key. Under the FAPI 2.0
profile a sign-in starts only so, and every token is sender-constrained."""

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.jose import JsonWebKey
from sqlmodel import Session

from samverkan_shared.dpop import ProofSigner
from samverkan_shared.oauth_client import ASSERTION_TYPE, client_assertion
from samverkan_sharing.people.service import NewPerson
from samverkan_sharing.signin.authorization_request import (
    PUSHED_LIFETIME,
    UnsafeRequest,
    authorization_request,
)
from tests.support.sharing import ISSUER, Sharing
from tests.support.signing_in import (
    PERSON_SCOPES,
    REDIRECT_URI,
    SignIn,
    form_inputs,
)

PAR_URL = f"{ISSUER}/oauth/par"
TOKEN_URL = f"{ISSUER}/oauth/token"


@pytest.fixture
def console(sharing: Sharing) -> SignIn:
    return sharing.person_client()


def _with_nonce(
    sharing: Sharing,
    url: str,
    signer: ProofSigner,
    data: dict[str, str],
    **kwargs: Any,
) -> Any:
    """POST with a proof, and once more with the server's nonce if it asks."""
    response = sharing.client.post(
        url, data=data, headers={"DPoP": signer.proof("POST", url)}, **kwargs
    )
    if response.status_code == 400 and response.json()["error"] == "use_dpop_nonce":
        nonce = response.headers["dpop-nonce"]
        proof = signer.proof("POST", url, nonce=nonce)
        response = sharing.client.post(
            url, data=data, headers={"DPoP": proof}, **kwargs
        )
    return response


def _push(console: SignIn, **overrides: str) -> Any:
    return console.client.post(
        PAR_URL,
        data=console.params(**overrides),
        auth=(console.client_id, console.client_secret),
    )


def _sign_in_at(console: SignIn, query: dict[str, str], person: NewPerson) -> str:
    """The pages, from the authorization endpoint to the code."""
    page = console.client.get("/oauth/authorize", params=query, follow_redirects=False)
    assert page.status_code == 200, page.text
    form = {**form_inputs(page.text), "username": "anna", "password": person.password}
    answer = console.client.post("/oauth/authorize", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    found = parse_qs(urlsplit(answer.headers["location"]).query)
    assert found["state"] == [console.state]
    return found["code"][0]


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def _redeeming(console: SignIn, code: str) -> dict[str, str]:
    return {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": console.verifier,
    }


def test_a_pushed_request_signs_a_person_in_with_only_its_reference_in_the_browser(
    sharing: Sharing, console: SignIn
) -> None:
    anna = sharing.add_person("anna", ["assessor"])
    pushed = _push(console)
    assert pushed.status_code == 201, pushed.text
    assert pushed.headers["cache-control"] == "no-store"
    body = pushed.json()
    assert body["expires_in"] == PUSHED_LIFETIME.total_seconds() == 90
    assert body["request_uri"].startswith("urn:ietf:params:oauth:request_uri:")
    reference = {"client_id": console.client_id, "request_uri": body["request_uri"]}
    page = console.client.get("/oauth/authorize", params=reference)
    # The form carries the reference, not the request (which the page cannot alter).
    hidden = form_inputs(page.text)
    assert hidden["request_uri"] == body["request_uri"]
    assert set(hidden) == {"client_id", "request_uri", "username", "password"}
    tokens = console.redeem(_sign_in_at(console, reference, anna))
    assert tokens.status_code == 200, tokens.text
    assert tokens.json()["token_type"] == "Bearer"


def test_a_code_pushed_with_a_proof_is_redeemed_only_with_that_key(
    sharing: Sharing, console: SignIn
) -> None:
    anna, signer = sharing.add_person("anna", ["assessor"]), ProofSigner.generate()
    auth = (console.client_id, console.client_secret)
    pushed = _with_nonce(sharing, PAR_URL, signer, console.params(), auth=auth)
    assert pushed.status_code == 201, pushed.text
    reference = {
        "client_id": console.client_id,
        "request_uri": pushed.json()["request_uri"],
    }
    code = _sign_in_at(console, reference, anna)
    redeem = _redeeming(console, code)
    unproved = console.redeem(code)
    assert unproved.status_code == 400
    assert unproved.json()["error"] == "invalid_grant"
    other = _with_nonce(sharing, TOKEN_URL, ProofSigner.generate(), redeem, auth=auth)
    assert (other.status_code, other.json()["error"]) == (400, "invalid_grant")
    # Neither spent the code: the key's holder redeems it now.
    tokens = _with_nonce(sharing, TOKEN_URL, signer, redeem, auth=auth)
    assert tokens.status_code == 200, tokens.text
    assert tokens.json()["token_type"] == "DPoP"
    assert _claims(tokens.json()["access_token"])["cnf"] == {"jkt": signer.jkt}


def test_dpop_jkt_in_a_plain_request_binds_the_code_too(
    sharing: Sharing, console: SignIn
) -> None:
    anna, signer = sharing.add_person("anna", ["assessor"]), ProofSigner.generate()
    code = _sign_in_at(console, console.params(dpop_jkt=signer.jkt), anna)
    assert console.redeem(code).json()["error"] == "invalid_grant"
    redeem = _redeeming(console, code)
    auth = (console.client_id, console.client_secret)
    tokens = _with_nonce(sharing, TOKEN_URL, signer, redeem, auth=auth)
    assert tokens.status_code == 200, tokens.text
    assert _claims(tokens.json()["access_token"])["cnf"] == {"jkt": signer.jkt}


@pytest.mark.parametrize(
    ("changes", "status", "error"),
    [
        ({"redirect_uri": "https://elsewhere.example/cb"}, 400, "invalid_request"),
        ({"scope": "openid tips:internal"}, 400, "invalid_scope"),
        ({"code_challenge_method": "plain"}, 400, "invalid_request"),
        ({"response_type": "token"}, 400, "unsupported_response_type"),
        (
            {"request_uri": "urn:ietf:params:oauth:request_uri:x"},
            400,
            "invalid_request",
        ),
        ({"client_id": "someone-else"}, 400, "invalid_request"),
        ({"dpop_jkt": "not a thumbprint"}, 400, "invalid_request"),
    ],
    ids=[
        "unregistered redirect",
        "scope not the client's",
        "no S256",
        "not a code",
        "a request_uri pushed",
        "another client_id",
        "bad dpop_jkt",
    ],
)
def test_each_refusal_of_a_pushed_request_is_an_oauth_error(
    console: SignIn, changes: dict[str, str], status: int, error: str
) -> None:
    response = _push(console, **changes)
    assert (response.status_code, response.json()["error"]) == (status, error)


def test_a_push_without_the_client_s_credentials_is_invalid_client(
    console: SignIn,
) -> None:
    """As at the token endpoint: no credentials 400, a wrong secret 401."""
    response = console.client.post(PAR_URL, data=console.params())
    assert (response.status_code, response.json()["error"]) == (400, "invalid_client")
    wrong = console.client.post(
        PAR_URL, data=console.params(), auth=(console.client_id, "not-the-secret")
    )
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")


def test_a_proof_for_another_key_than_dpop_jkt_is_refused(
    sharing: Sharing, console: SignIn
) -> None:
    signer = ProofSigner.generate()
    response = _with_nonce(
        sharing,
        PAR_URL,
        signer,
        console.params(dpop_jkt=ProofSigner.generate().jkt),
        auth=(console.client_id, console.client_secret),
    )
    assert (response.status_code, response.json()["error"]) == (
        400,
        "invalid_dpop_proof",
    )


def test_a_reference_works_only_for_its_client_untampered_and_in_time(
    sharing: Sharing, console: SignIn
) -> None:
    other_id, _ = sharing.register(
        name="Annan klient", scopes=PERSON_SCOPES.split(), redirect_uris=[REDIRECT_URI]
    )
    request_uri = _push(console).json()["request_uri"]
    for client_id, uri in (
        (other_id, request_uri),
        (console.client_id, request_uri[:-4] + "AAAA"),
        (console.client_id, request_uri.removeprefix("urn:ietf:params:oauth:")),
    ):
        page = console.client.get(
            "/oauth/authorize", params={"client_id": client_id, "request_uri": uri}
        )
        assert page.status_code == 400, (client_id, uri)
    app: Any = sharing.client.app
    later = datetime.now(UTC) + PUSHED_LIFETIME + timedelta(seconds=1)
    with Session(app.platform.engine) as session:
        reference = {"client_id": console.client_id, "request_uri": request_uri}
        keyring = app.running.state.keyring
        assert authorization_request(
            session, reference, keyring=keyring, now=datetime.now(UTC)
        )
        with pytest.raises(UnsafeRequest):
            authorization_request(session, reference, keyring=keyring, now=later)


# --- under the FAPI 2.0 profile -----------------------------------------------


@pytest.fixture
def fapi(sharing_factory: Callable[..., Sharing]) -> Sharing:
    return sharing_factory(profile="fapi2")


@pytest.fixture
def keyed(fapi: Sharing) -> tuple[SignIn, Any]:
    """A client that signs people in with private_key_jwt (no secret under the
    profile), and its key."""
    key = JsonWebKey.generate_key("EC", "P-256", is_private=True)
    console = fapi.person_client(jwks={"keys": [key.as_dict(is_private=False)]})
    assert console.client_secret == ""
    return console, key


def _assertion(key: Any, client_id: str) -> dict[str, str]:
    return {
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": client_assertion(key, client_id, ISSUER),
    }


def test_under_fapi2_a_sign_in_starts_only_with_a_pushed_request_and_ends_bound(
    fapi: Sharing, keyed: tuple[SignIn, Any]
) -> None:
    console, key = keyed
    metadata = fapi.client.get("/.well-known/openid-configuration").json()
    assert metadata["require_pushed_authorization_requests"] is True
    assert metadata["pushed_authorization_request_endpoint"] == PAR_URL
    plain = fapi.client.get("/oauth/authorize", params=console.params())
    assert plain.status_code == 400
    assert "RFC 9126" in plain.text

    anna = fapi.add_person("anna", ["assessor"])
    signer = ProofSigner.generate()
    client_id = console.client_id
    pushed = _with_nonce(
        fapi, PAR_URL, signer, {**console.params(), **_assertion(key, client_id)}
    )
    assert pushed.status_code == 201, pushed.text
    reference = {"client_id": client_id, "request_uri": pushed.json()["request_uri"]}
    redeem = _redeeming(console, _sign_in_at(console, reference, anna))
    tokens = _with_nonce(
        fapi, TOKEN_URL, signer, {**redeem, **_assertion(key, client_id)}
    )
    assert tokens.status_code == 200, tokens.text
    assert tokens.json()["token_type"] == "DPoP"


def test_under_fapi2_a_code_redeemed_without_a_proof_gets_no_token(
    fapi: Sharing, keyed: tuple[SignIn, Any]
) -> None:
    """Every token is sender-constrained under the profile, a person's too."""
    console, key = keyed
    anna = fapi.add_person("anna", ["assessor"])
    client_id = console.client_id
    pushed = fapi.client.post(
        PAR_URL, data={**console.params(), **_assertion(key, client_id)}
    )
    assert pushed.status_code == 201, pushed.text
    reference = {"client_id": client_id, "request_uri": pushed.json()["request_uri"]}
    redeem = _redeeming(console, _sign_in_at(console, reference, anna))
    response = fapi.client.post(
        TOKEN_URL, data={**redeem, **_assertion(key, client_id)}
    )
    assert (response.status_code, response.json()["error"]) == (
        400,
        "invalid_dpop_proof",
    )
