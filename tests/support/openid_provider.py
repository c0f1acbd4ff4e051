"""An OpenID provider that answers as told, for the console's relying-party tests:
discovery, keys, a token endpoint (DPoP nonces, pushed requests) that records what it was
sent, and the pieces of a sign-in (the pending sign-in, ID token claims, the callback's
answer, the client assertion)."""

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import httpx
from authlib.jose import JsonWebKey, jwt

from samverkan_console.sessions.store import PendingSignIn
from samverkan_console.signin.service import Client, OpenIdProvider

__all__ = [
    "CLIENT",
    "ISSUER",
    "KEY",
    "KEYED",
    "NOW",
    "OTHER_KEY",
    "PUSHED",
    "FakeProvider",
    "assertion_claims",
    "callback_answer",
    "id_token_claims",
    "pending_sign_in",
    "proof_claims",
    "provider_for",
    "sign",
]

ISSUER = "https://idp.example"
CLIENT = Client("console", "s3cret", "https://console.example/auth/callback", "openid")
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
KEY = JsonWebKey.generate_key("EC", "P-256", is_private=True)
OTHER_KEY = JsonWebKey.generate_key("EC", "P-256", is_private=True)


def pending_sign_in() -> PendingSignIn:
    return PendingSignIn(
        state="st4te",
        nonce="n0nce",
        verifier="v" * 50,
        next_page="/",
        expires=NOW + timedelta(minutes=10),
    )


def id_token_claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "person-1",
        "aud": CLIENT.client_id,
        "iat": now,
        "exp": now + 300,
        "nonce": "n0nce",
        "name": "Anna Andersson",
        "preferred_username": "anna",
        "org_number": "212000-1124",
        "roles": ["assessor"],
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def sign(claims: dict[str, Any], key: Any = KEY, alg: str = "ES256") -> str:
    token: bytes = jwt.encode({"alg": alg, "kid": "k1"}, claims, key)
    return token.decode()


@dataclass
class FakeProvider:
    """Discovery, keys and a token endpoint; records what it was sent."""

    id_token: str = ""
    token_status: int = 200
    token_body: dict[str, Any] = field(default_factory=dict)
    metadata_issuer: str = ISSUER
    dpop_algs: list[str] | None = field(default_factory=lambda: ["ES256", "EdDSA"])
    # A token endpoint that wants DPoP proofs with this nonce (RFC 9449 §8).
    dpop_nonce: str | None = None
    # A pushed authorization request endpoint (RFC 9126), answering this status.
    par_status: int | None = None
    sent: list[httpx.Request] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        path = request.url.path
        if path == "/.well-known/openid-configuration":
            return httpx.Response(200, json=self._metadata())
        if path == "/jwks":
            public = {**KEY.as_dict(is_private=False), "kid": "k1"}
            return httpx.Response(200, json={"keys": [public]})
        if path == "/token":
            if self.dpop_nonce is not None and "dpop" in request.headers:
                nonce = {"DPoP-Nonce": self.dpop_nonce}
                claims = proof_claims(request.headers["dpop"])
                if claims.get("nonce") != self.dpop_nonce:
                    error = {"error": "use_dpop_nonce"}
                    return httpx.Response(400, json=error, headers=nonce)
            body = self.token_body or {
                "access_token": "at",
                "token_type": "Bearer",
                "expires_in": 300,
                "scope": "openid disclosures:assess",
                "refresh_token": "rt",
                "id_token": self.id_token,
            }
            return httpx.Response(self.token_status, json=body)
        if path == "/revoke":
            return httpx.Response(200)
        if path == "/par" and self.par_status is not None:
            if self.par_status != 201:
                error = {"error": "invalid_request", "error_description": "no"}
                return httpx.Response(self.par_status, json=error)
            reference = {"request_uri": PUSHED, "expires_in": 90}
            return httpx.Response(201, json=reference)
        return httpx.Response(404)

    def _metadata(self) -> dict[str, Any]:
        return (
            {
                "issuer": self.metadata_issuer,
                "authorization_endpoint": f"{ISSUER}/authorize",
                "token_endpoint": f"{ISSUER}/token",
                "jwks_uri": f"{ISSUER}/jwks",
                "revocation_endpoint": f"{ISSUER}/revoke",
                "authorization_response_iss_parameter_supported": True,
            }
            | (
                {}
                if self.par_status is None
                else {"pushed_authorization_request_endpoint": f"{ISSUER}/par"}
            )
            | (
                {}
                if self.dpop_algs is None
                else {"dpop_signing_alg_values_supported": self.dpop_algs}
            )
        )


PUSHED = "urn:ietf:params:oauth:request_uri:r3f"


def proof_claims(proof: str) -> dict[str, Any]:
    """A proof's claims, not yet checked (the fake only reads its nonce)."""
    import base64

    payload = proof.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def provider_for(fake: FakeProvider) -> OpenIdProvider:
    return OpenIdProvider(
        ISSUER, CLIENT, httpx.Client(transport=httpx.MockTransport(fake.handler))
    )


def callback_answer(**changes: str | None) -> dict[str, str]:
    answer = {"code": "c0de", "state": "st4te", "iss": ISSUER}
    answer.update({k: v for k, v in changes.items() if v is not None})
    return {k: v for k, v in answer.items() if changes.get(k, "") is not None}


# private_key_jwt (RFC 7523 §2.2): the console proves itself with a signed assertion.
KEYED = Client(CLIENT.client_id, None, CLIENT.redirect_uri, "openid", key=OTHER_KEY)


def assertion_claims(request: httpx.Request) -> dict[str, Any]:
    form = parse_qs(request.content.decode())
    assert form["client_assertion_type"] == [
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    ]
    assert form["client_id"] == [CLIENT.client_id]
    assert "authorization" not in request.headers  # no secret, no Basic
    public = JsonWebKey.import_key(OTHER_KEY.as_dict(is_private=False))
    claims = jwt.decode(form["client_assertion"][0], public)
    claims.validate()
    return dict(claims)
