"""People's tokens bound to the console's DPoP key (RFC 9449), against the running suite.

The console runs here in the test's process (its pages through a TestClient, its calls
over real HTTP to the suite's sharing, tips and audit-log), so the test can read its
session store and its key as an intruder in its memory could, and show that a token
taken from there is worth nothing to the services without the key.
"""

import json
import secrets
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from samverkan_console.app import create_app
from samverkan_console.sessions.store import ConsoleSession
from samverkan_console.settings import ConsoleSettings
from samverkan_console.state import ConsoleApp
from samverkan_shared.dpop import ProofSigner
from samverkan_shared.supervisor import Suite
from tests.support.console import ConsoleUser, hidden_inputs, new_person

_ISSUER = "https://idp.example"


# -- a provider that cannot bind tokens: no sign-in starts ------------------------


def _provider_without_dpop(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "issuer": _ISSUER,
            "authorization_endpoint": f"{_ISSUER}/authorize",
            "token_endpoint": f"{_ISSUER}/token",
            "jwks_uri": f"{_ISSUER}/jwks",
        },
    )


@pytest.mark.parametrize("dpop", ["required", "off"])
def test_a_provider_that_cannot_bind_tokens_is_named_at_sign_in(
    tmp_path: Path, dpop: str
) -> None:
    settings = ConsoleSettings(
        data_dir=tmp_path,
        oidc_issuer=_ISSUER,
        client_id="console",
        client_secret="s3cret",
        dpop=dpop,
    )
    app = create_app(settings, transport=httpx.MockTransport(_provider_without_dpop))
    with TestClient(app) as client:
        page = client.get("/auth/login", follow_redirects=False)

    if dpop == "off":
        assert page.status_code == 303
        assert page.headers["location"].startswith(f"{_ISSUER}/authorize?")
        return
    assert page.status_code == 503
    assert "Inloggningstjänsten binder inte token" in page.text
    assert "dpop_signing_alg_values_supported" in page.text
    assert "CONSOLE_DPOP=off" in page.text


# -- the suite's own provider -----------------------------------------------------


def _settings(suite: Suite) -> ConsoleSettings:
    """The running console's settings: its callback is the one its client has."""
    return ConsoleSettings(
        data_dir=suite.data_dir,
        demo=True,
        issuer=suite.url("sharing"),
        public_url=suite.url("console"),
        sharing_url=suite.url("sharing"),
        tips_url=suite.url("tips"),
        audit_log_url=suite.url("audit-log"),
    )


def _console(suite: Suite, transport: httpx.BaseTransport | None = None) -> ConsoleApp:
    return create_app(_settings(suite), transport=transport)


def _browser(suite: Suite, app: ConsoleApp) -> ConsoleUser:
    # Its cookies are the console's URL's, which the provider sends the browser back to.
    # Redirects are the test's to follow: the provider's pages are over real HTTP.
    client = TestClient(app, base_url=suite.url("console"), follow_redirects=False)
    return ConsoleUser(suite, client)


@pytest.fixture(scope="module")
def person(running_suite: Suite) -> tuple[str, str]:
    """A person who reads all three services through the console's pages."""
    username = f"dpop-{secrets.token_hex(4)}"
    roles = "compliance case_officer assessor"
    return username, new_person(running_suite, username, roles)


@pytest.fixture(scope="module")
def signed_in(
    running_suite: Suite, person: tuple[str, str]
) -> Iterator[tuple[ConsoleApp, ConsoleUser]]:
    app = _console(running_suite)
    user = _browser(running_suite, app)
    user.sign_in(*person)
    yield app, user
    user.close()


def _session(app: ConsoleApp, user: ConsoleUser) -> ConsoleSession:
    """The person's session, read out of the console's store."""
    found = app.console.sessions.find(
        user.http.cookies.get("samverkan_console"), app.console.clock()
    )
    assert found is not None
    return found


def _console_key(app: ConsoleApp) -> ProofSigner:
    key = app.console.provider.dpop
    assert key is not None
    return key.signer


def _introspect(suite: Suite, token: str) -> dict[str, Any]:
    """What sharing says of the token, asked by the console's own client."""
    clients = json.loads(Path(suite.data_dir, "demo-clients.json").read_text())
    console = clients["clients"]["console"]
    answer = httpx.post(
        f"{suite.url('sharing')}/oauth/introspect",
        data={"token": token},
        auth=(console["client_id"], console["client_secret"]),
        timeout=30.0,
    )
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


@pytest.mark.e2e
def test_a_signed_in_person_s_token_is_bound_to_the_console_s_key(
    running_suite: Suite, signed_in: tuple[ConsoleApp, ConsoleUser]
) -> None:
    app, user = signed_in
    token = _session(app, user).tokens.access_token

    answer = _introspect(running_suite, token)
    assert answer["active"] is True
    assert answer["token_type"] == "DPoP"
    assert answer["cnf"] == {"jkt": _console_key(app).jkt}


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("path", "shows"),
    [
        ("/arenden", "<h1>Tipsärenden</h1>"),  # tips
        ("/statistik", "<h1>Statistik</h1>"),  # audit-log and sharing
        ("/bedomningar", "<h1>Förfrågningar att bedöma</h1>"),  # sharing
        ("/logg/export?format=jsonl", ""),  # audit-log, streamed
    ],
)
def test_pages_read_the_services_with_the_bound_token(
    signed_in: tuple[ConsoleApp, ConsoleUser], path: str, shows: str
) -> None:
    _, user = signed_in
    page = user.http.get(path)
    assert page.status_code == 200, page.text
    assert shows in page.text


# A call of each service the console makes with a person's token.
_CALLS = {
    "tips": "/v1/tips",
    "sharing": "/v1/disclosure-requests",
    "audit-log": "/v1/entries",
}


@pytest.mark.e2e
@pytest.mark.parametrize("service", sorted(_CALLS))
def test_a_token_taken_from_the_session_store_is_useless_without_the_key(
    running_suite: Suite, signed_in: tuple[ConsoleApp, ConsoleUser], service: str
) -> None:
    app, user = signed_in
    token = _session(app, user).tokens.access_token
    url = f"{running_suite.url(service)}{_CALLS[service]}"

    def called(scheme: str, proof_key: ProofSigner | None) -> httpx.Response:
        headers = {"Authorization": f"{scheme} {token}"}
        if proof_key is not None:
            headers["DPoP"] = proof_key.proof("GET", url, access_token=token)
        return httpx.get(url, headers=headers, timeout=30.0)

    as_bearer = called("Bearer", None)
    assert as_bearer.status_code == 401, as_bearer.text
    assert "bound to a DPoP key" in as_bearer.json()["detail"]
    with_another_key = called("DPoP", ProofSigner.generate())
    assert with_another_key.status_code == 401, with_another_key.text
    assert "another key" in with_another_key.json()["detail"]
    without_proof = called("DPoP", None)
    assert without_proof.status_code == 401, without_proof.text
    # The same token with a proof of the console's key is the person's.
    assert called("DPoP", _console_key(app)).status_code == 200


@pytest.mark.e2e
def test_a_refreshed_token_is_bound_to_the_same_key(
    running_suite: Suite, person: tuple[str, str]
) -> None:
    app = _console(running_suite)
    user = _browser(running_suite, app)
    user.sign_in(*person)
    session = _session(app, user)
    first = session.tokens.access_token
    # Make the token look as if it expires now: the next page refreshes it first.
    session.tokens = type(session.tokens)(
        access_token=first,
        expires_at=app.console.clock() + timedelta(seconds=1),
        scopes=session.tokens.scopes,
        refresh_token=session.tokens.refresh_token,
        id_token=session.tokens.id_token,
    )

    assert user.http.get("/arenden").status_code == 200
    fresh = session.tokens.access_token
    assert fresh != first
    answer = _introspect(running_suite, fresh)
    assert (answer["token_type"], answer["cnf"]) == (
        "DPoP",
        {"jkt": _console_key(app).jkt},
    )

    signed_out = user.submit("/", "/auth/logout", {})
    assert signed_out.status_code == 200
    # Revoked at sign-out, bound or not.
    assert _introspect(running_suite, fresh) == {"active": False}
    user.close()


class _AnswersBearer(httpx.BaseTransport):
    """The real network, except that the token endpoint's answers say Bearer: a
    provider that ignores the proof the console sent."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if request.url.path != "/oauth/token" or "dpop" not in request.headers:
            return response
        response.read()
        if response.status_code != 200:
            return response
        body = {**response.json(), "token_type": "Bearer"}
        return httpx.Response(200, json=body, headers={"Cache-Control": "no-store"})


@pytest.mark.e2e
def test_a_bearer_answer_to_a_proofed_code_exchange_signs_nobody_in(
    running_suite: Suite, person: tuple[str, str]
) -> None:
    app = _console(running_suite, transport=_AnswersBearer())
    user = _browser(running_suite, app)
    start = user.http.get("/auth/login", follow_redirects=False)
    form = httpx.get(start.headers["location"])
    username, password = person
    answer = httpx.post(
        str(form.url.copy_with(query=None)),
        data={**hidden_inputs(form.text), "username": username, "password": password},
    )
    assert answer.status_code == 303, answer.text
    callback = user.http.get(answer.headers["location"])

    assert callback.status_code == 400
    assert "Inloggningen misslyckades" in callback.text
    assert "obunden token (Bearer)" in callback.text
    assert "samverkan_console=" not in callback.headers.get("set-cookie", "")
    user.close()


@pytest.mark.e2e
def test_the_console_pushes_its_request_and_the_browser_carries_only_the_reference(
    running_suite: Suite,
) -> None:
    """Sharing offers pushed authorization requests (RFC 9126): the console sends its
    request there, so the browser's address holds no PKCE challenge, state or scope."""
    user = _browser(running_suite, _console(running_suite))
    try:
        started = user.http.get("/auth/login")
    finally:
        user.close()
    assert started.status_code == 303, started.text
    location = started.headers["location"]
    assert location.startswith(f"{running_suite.url('sharing')}/oauth/authorize?")
    query = parse_qs(urlsplit(location).query)
    assert set(query) == {"client_id", "request_uri"}
    assert query["request_uri"][0].startswith("urn:ietf:params:oauth:request_uri:")
