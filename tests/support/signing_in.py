"""A relying party for tests: signs a person in through sharing's authorization code
flow (PKCE S256), the way a browser and the console would, and returns the tokens."""

import base64
import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from samverkan_sharing.people import totp

REDIRECT_URI = "http://localhost:8004/auth/callback"
PERSON_SCOPES = "openid profile disclosures:assess disclosures:approve audit:read"


def pkce_pair() -> tuple[str, str]:
    """A verifier and its S256 challenge (RFC 7636 §4.1-4.2)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class _Form(HTMLParser):
    """The inputs of the page's one form, by name."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            fields = dict(attrs)
            self.inputs[fields.get("name") or ""] = fields.get("value") or ""


def form_inputs(page: str) -> dict[str, str]:
    parser = _Form()
    parser.feed(page)
    return parser.inputs


def code_now(totp_uri: str) -> str:
    """The current one-time code, as the person's authenticator app shows it."""
    encoded = re.search(r"secret=([A-Z2-7]+)", totp_uri)
    assert encoded is not None
    secret = base64.b32decode(encoded[1] + "=" * (-len(encoded[1]) % 8))
    return totp.hotp(secret, int(time.time()) // totp.STEP_SECONDS)


@dataclass
class SignIn:
    """One sign-in of a relying party client at the authorization server."""

    client: TestClient
    client_id: str
    client_secret: str
    scope: str = PERSON_SCOPES
    redirect_uri: str = REDIRECT_URI

    def __post_init__(self) -> None:
        self.verifier, self.challenge = pkce_pair()
        self.state = secrets.token_urlsafe(12)
        self.nonce = secrets.token_urlsafe(12)

    def params(self, **overrides: str) -> dict[str, str]:
        return {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scope,
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": self.challenge,
            "code_challenge_method": "S256",
            **overrides,
        }

    def code(self, username: str, password: str, totp_uri: str | None = None) -> str:
        """Sign in through the pages; the code the browser is sent back with."""
        page = self.client.get(
            "/oauth/authorize", params=self.params(), follow_redirects=False
        )
        assert page.status_code == 200, page.text
        form = {**form_inputs(page.text), "username": username, "password": password}
        answer = self.client.post("/oauth/authorize", data=form, follow_redirects=False)
        if totp_uri is not None:
            assert answer.status_code == 200, answer.text
            form = {**form_inputs(answer.text), "otp": code_now(totp_uri)}
            answer = self.client.post(
                "/oauth/authorize", data=form, follow_redirects=False
            )
        assert answer.status_code == 303, answer.text
        query = parse_qs(urlsplit(answer.headers["location"]).query)
        assert query["state"] == [self.state]
        return query["code"][0]

    def redeem(self, code: str, **overrides: str) -> Any:
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": self.verifier,
            **overrides,
        }
        return self.client.post(
            "/oauth/token", data=data, auth=(self.client_id, self.client_secret)
        )

    def refresh(self, refresh_token: str, **overrides: str) -> Any:
        """The refresh_token grant (RFC 6749 §6), as this client."""
        data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return self.client.post(
            "/oauth/token",
            data={**data, **overrides},
            auth=(self.client_id, self.client_secret),
        )

    def tokens(
        self, username: str, password: str, totp_uri: str | None = None
    ) -> dict[str, Any]:
        response = self.redeem(self.code(username, password, totp_uri))
        assert response.status_code == 200, response.text
        tokens: dict[str, Any] = response.json()
        return tokens
