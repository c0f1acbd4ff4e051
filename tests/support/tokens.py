"""A test issuer: an ES256 key, a validator that trusts it, and real signed access tokens."""

import base64
import json
import secrets
import time
from collections.abc import Iterable, Mapping
from typing import Any

import pytest
from authlib.jose import JsonWebKey, JsonWebToken

from samverkan_shared.auth import Revocations, TokenValidator, audiences_for

TEST_ISSUER = "http://issuer.test"


class TestIssuer:
    """Mints RFC 9068 tokens signed with its own key; revocations can be set by tests."""

    __test__ = False  # not a test class, despite the name

    def __init__(self, issuer: str = TEST_ISSUER) -> None:
        self.issuer = issuer
        self.key = JsonWebKey.generate_key("EC", "P-256", is_private=True)
        self.kid = secrets.token_hex(8)
        self.revocations = Revocations()

    def jwks(self) -> Mapping[str, Any]:
        public = self.key.as_dict(is_private=False)
        return {"keys": [{**public, "kid": self.kid, "alg": "ES256", "use": "sig"}]}

    def validator(self, audience: str) -> TokenValidator:
        return TokenValidator(
            issuer=self.issuer,
            audience=audience,
            keys=self.jwks,
            revocations=lambda: self.revocations,
        )

    def token(
        self,
        scopes: Iterable[str],
        *,
        client_id: str = "test-client",
        kind: str = "municipality",
        recipient: str | None = None,
        org_number: str = "212000-1124",
        municipality_code: str | None = "1280",
        lifetime: int = 300,
        **overrides: Any,
    ) -> str:
        scope_list = sorted(scopes)
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": client_id,
            "client_id": client_id,
            "aud": audiences_for(scope_list),
            "scope": " ".join(scope_list),
            "iat": now,
            "exp": now + lifetime,
            "jti": secrets.token_hex(16),
            "client_kind": kind,
            "org_number": org_number,
            "client_name": client_id,
        }
        if recipient is not None:
            claims["recipient"] = recipient
        if municipality_code is not None:
            claims["municipality_code"] = municipality_code
        claims.update(overrides)
        header = {"alg": "ES256", "kid": self.kid, "typ": "at+jwt"}
        token: bytes = JsonWebToken(["ES256"]).encode(header, claims, self.key)
        return token.decode()

    def headers(self, scopes: Iterable[str], **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(scopes, **kwargs)}"}


@pytest.fixture(scope="session")
def issuer() -> TestIssuer:
    return TestIssuer()


def token_claims(token: str) -> dict[str, Any]:
    """A JWT's payload, unverified (the tests read what the server put in it)."""
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims
