"""Resource servers accept only sound tokens: signature, typ, iss, aud, time, revocation."""

import base64
import json
import time
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from authlib.jose import JsonWebKey, JsonWebToken
from sqlmodel import Session

from samverkan_shared.auth import (
    LEEWAY_SECONDS,
    HttpKeySource,
    HttpRevocationSource,
    NeedsIO,
    TokenValidator,
)
from samverkan_shared.problems import Unauthenticated
from samverkan_sharing.oauth.registration import revoke_client

ISSUER = "http://sharing.test"


class FakeClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def _validator(
    sharing: Any, audience: str, clock: FakeClock | None = None
) -> TokenValidator:
    """A validator that reaches the issuer over HTTP, as tips and audit-log do."""
    client: httpx.Client = sharing.client
    return TokenValidator(
        issuer=ISSUER,
        audience=audience,
        keys=HttpKeySource("/.well-known/jwks.json", client),
        revocations=HttpRevocationSource("/oauth/revocations", client),
        clock=clock or time.time,
    )


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _resign(sharing: Any, token: str, **changes: Any) -> str:
    """Re-sign changed claims with the issuer's real key (to test claim checks alone)."""
    header, payload, _ = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    head = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    head.update(changes.pop("_header", {}))
    claims.update(changes)
    key = sharing.client.app.running.state.token_issuer.keys.current().key
    signed: bytes = JsonWebToken(["ES256"]).encode(head, claims, key)
    return signed.decode()


@pytest.fixture
def token(sharing: Any) -> str:
    client_id, secret = sharing.register(scopes=["tips:read", "audit:read"])
    return str(sharing.token(client_id, secret))


def test_a_sound_token_is_accepted_by_every_audience_it_names(
    sharing: Any, token: str
) -> None:
    assert _validator(sharing, "tips").validate(token).scopes == {
        "tips:read",
        "audit:read",
    }
    assert _validator(sharing, "audit-log").validate(token).client_id


def _rejects(validator: TokenValidator, token: str, reason: str) -> None:
    with pytest.raises(Unauthenticated) as caught:
        validator.validate(token)
    assert reason in caught.value.detail
    assert caught.value.headers["WWW-Authenticate"].startswith(
        'Bearer error="invalid_token"'
    )


def test_token_for_another_audience_is_rejected(sharing: Any, token: str) -> None:
    _rejects(_validator(sharing, "sharing"), token, "not meant for the sharing service")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        # exp and nbf: seconds from when the test runs (not when it was collected,
        # which can be more than ten minutes earlier in a full run).
        pytest.param({"exp": -120}, "expired", id="expired"),
        pytest.param({"nbf": 600}, "not valid yet", id="not yet valid"),
        pytest.param({"iss": "http://evil.test"}, "issued by", id="other issuer"),
        pytest.param({"aud": ["sharing"]}, "not meant for", id="other audience"),
        pytest.param({"_header": {"typ": "JWT"}}, "RFC 9068", id="not an at+jwt"),
    ],
)
def test_claims_are_checked(
    sharing: Any, token: str, changes: dict[str, Any], reason: str
) -> None:
    now = int(time.time())
    claims = {
        name: now + value if name in ("exp", "nbf") else value
        for name, value in changes.items()
    }
    _rejects(_validator(sharing, "tips"), _resign(sharing, token, **claims), reason)


def test_expiry_has_a_small_leeway(sharing: Any, token: str) -> None:
    almost = _resign(sharing, token, exp=int(time.time()) - 10)
    assert _validator(sharing, "tips").validate(almost)


def test_tampered_claims_break_the_signature(sharing: Any, token: str) -> None:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["scope"] = "tips:read tips:manage"
    _rejects(
        _validator(sharing, "tips"), f"{header}.{_b64(claims)}.{signature}", "signature"
    )


def test_alg_none_is_rejected(sharing: Any, token: str) -> None:
    header, payload, _ = token.split(".")
    kid = json.loads(base64.urlsafe_b64decode(header + "=="))["kid"]
    forged = f"{_b64({'alg': 'none', 'typ': 'at+jwt', 'kid': kid})}.{payload}."
    _rejects(_validator(sharing, "tips"), forged, "algorithm is not one of")


def test_hs256_signed_with_the_public_key_is_rejected(sharing: Any, token: str) -> None:
    _, payload, _ = token.split(".")
    jwks = sharing.client.get("/.well-known/jwks.json").json()
    public = json.dumps(jwks["keys"][0]).encode()
    kid = jwks["keys"][0]["kid"]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = (
        JsonWebToken(["HS256"])
        .encode({"alg": "HS256", "typ": "at+jwt", "kid": kid}, claims, public)
        .decode()
    )
    _rejects(_validator(sharing, "tips"), forged, "algorithm is not one of")


def test_unknown_kid_is_rejected_after_refreshing_the_keys(
    sharing: Any, token: str
) -> None:
    stranger = JsonWebKey.generate_key("EC", "P-256", is_private=True)
    _, payload, _ = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = (
        JsonWebToken(["ES256"])
        .encode({"alg": "ES256", "typ": "at+jwt", "kid": "stranger"}, claims, stranger)
        .decode()
    )
    _rejects(_validator(sharing, "tips"), forged, "signing key is unknown")


def test_key_rotation_keeps_old_tokens_valid_until_expiry(
    sharing: Any, token: str
) -> None:
    validator = _validator(sharing, "tips")
    assert validator.validate(token)
    store = sharing.client.app.running.state.token_issuer.keys
    old_kid = store.current().kid
    store.rotate()
    assert validator.validate(token).client_id
    kids = {
        k["kid"] for k in sharing.client.get("/.well-known/jwks.json").json()["keys"]
    }
    assert old_kid in kids
    assert store.current().kid in kids
    assert store.current().kid != old_kid


def _rotate_and_withdraw(sharing: Any) -> str:
    """Rotate the signing key and date the old one's retirement an hour back, so the
    JWKS no longer publishes it; the old key id."""
    store = sharing.client.app.running.state.token_issuer.keys
    old_kid: str = store.current().kid
    store.rotate()
    index = Path(sharing.settings.effective_signing_keys_dir) / "keys.json"
    document = json.loads(index.read_text())
    for entry in document["keys"]:
        if entry["kid"] == old_kid:
            entry["retired_at"] = time.time() - 3600
    index.write_text(json.dumps(document))
    return old_kid


def test_retired_key_leaves_the_jwks_after_its_tokens_expired(sharing: Any) -> None:
    old_kid = _rotate_and_withdraw(sharing)
    kids = {
        k["kid"] for k in sharing.client.get("/.well-known/jwks.json").json()["keys"]
    }
    assert old_kid not in kids


class TestRevocation:
    def test_revoked_token_is_refused_within_seconds(
        self, sharing: Any, token: str
    ) -> None:
        clock = FakeClock()
        validator = _validator(sharing, "tips", clock)
        claims = validator.validate(token)
        response = sharing.client.post(
            "/oauth/revoke",
            data={"token": token},
            auth=(claims.client_id, self._secret_of(sharing, claims.client_id)),
        )
        assert response.status_code == 200
        clock.now += 3  # the revocation list is cached for two seconds
        _rejects(validator, token, "revoked")

    _secrets: ClassVar[dict[str, str]] = {}

    def _secret_of(self, sharing: Any, client_id: str) -> str:
        return self._secrets[client_id]

    @pytest.fixture
    def token(self, sharing: Any) -> str:
        client_id, secret = sharing.register(scopes=["tips:read", "audit:read"])
        assert secret is not None
        self._secrets[client_id] = secret
        return str(sharing.token(client_id, secret))

    def test_revoked_client_tokens_are_refused_by_every_service(
        self, sharing: Any, token: str
    ) -> None:
        clock = FakeClock()
        tips, audit = (
            _validator(sharing, "tips", clock),
            _validator(sharing, "audit-log", clock),
        )
        client_id = tips.validate(token).client_id
        audit.validate(token)
        with Session(sharing.client.app.platform.engine) as session:
            revoke_client(session, client_id)
        clock.now += 3
        _rejects(tips, token, "client has been revoked")
        _rejects(audit, token, "client has been revoked")

    def test_a_client_cannot_revoke_another_clients_token(
        self, sharing: Any, token: str
    ) -> None:
        other_id, other_secret = sharing.register()
        sharing.client.post(
            "/oauth/revoke", data={"token": token}, auth=(other_id, other_secret)
        )
        assert sharing.client.get("/oauth/revocations").json()["token_ids"] == []

    def test_introspection_reports_active_then_inactive(
        self, sharing: Any, token: str
    ) -> None:
        validator = _validator(sharing, "tips")
        client_id = validator.validate(token).client_id
        auth = (client_id, self._secrets[client_id])
        active = sharing.client.post(
            "/oauth/introspect", data={"token": token}, auth=auth
        ).json()
        assert active["active"] is True
        assert active["client_id"] == client_id
        assert active["scope"] == "audit:read tips:read"
        sharing.client.post("/oauth/revoke", data={"token": token}, auth=auth)
        inactive = sharing.client.post(
            "/oauth/introspect", data={"token": token}, auth=auth
        )
        assert inactive.json() == {"active": False}

    def test_introspection_needs_client_authentication(
        self, sharing: Any, token: str
    ) -> None:
        response = sharing.client.post("/oauth/introspect", data={"token": token})
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_client"


class TestRememberedSignatures:
    """A token's signature is checked once; everything else on every use."""

    def test_a_remembered_token_still_expires(self, sharing: Any, token: str) -> None:
        clock = FakeClock()
        validator = _validator(sharing, "tips", clock)
        expires = validator.validate(token).expires_at
        clock.now = expires + LEEWAY_SECONDS + 1
        _rejects(validator, token, "expired")

    def test_a_remembered_token_is_still_checked_for_its_audience(
        self, sharing: Any, token: str
    ) -> None:
        # The same token string at another service: the claims are rechecked.
        assert _validator(sharing, "tips").validate(token)
        _rejects(_validator(sharing, "sharing"), token, "not meant for the sharing")

    def test_a_key_withdrawn_from_the_jwks_takes_its_tokens_with_it(
        self, sharing: Any, token: str
    ) -> None:
        clock = FakeClock()
        validator = _validator(sharing, "tips", clock)
        assert validator.validate(token)
        _rotate_and_withdraw(sharing)  # e.g. a compromised key
        # A token under the new key makes the validator fetch the JWKS again.
        clock.now += 3
        fresh_id, fresh_secret = sharing.register(scopes=["tips:read"])
        assert validator.validate(str(sharing.token(fresh_id, fresh_secret)))
        _rejects(validator, token, "signing key is unknown")

    def test_without_io_it_validates_in_place_or_says_it_needs_io(
        self, sharing: Any, token: str
    ) -> None:
        clock = FakeClock()
        validator = _validator(sharing, "tips", clock)
        with pytest.raises(NeedsIO):  # no keys and no revocation list yet
            validator.validate(token, io=False)
        assert validator.validate(token).client_id
        assert validator.validate(token, io=False).client_id  # all known and fresh
        clock.now += 3  # the revocation list is older than its two seconds
        with pytest.raises(NeedsIO):
            validator.validate(token, io=False)
        # Refusals need no I/O: a forged signature is refused in place.
        header, payload, signature = token.split(".")
        forged = f"{header}.{payload}.{signature[::-1]}"
        validator.validate(token)
        _rejects_in_place(validator, forged)


def _rejects_in_place(validator: TokenValidator, token: str) -> None:
    with pytest.raises(Unauthenticated) as caught:
        validator.validate(token, io=False)
    assert "signature" in caught.value.detail


def test_a_client_id_that_looks_like_a_card_number_still_gets_tokens(
    sharing: Any,
) -> None:
    # Generated ids are "svk-" + 16 hex characters: about one in 1,800 is all digits,
    # which Authlib's leak heuristic took for a card number and refused to sign.
    client_id, secret = sharing.register(
        client_id="svk-4138046846714205", scopes=["tips:read"]
    )
    token = sharing.token(client_id, secret)
    assert _validator(sharing, "tips").validate(str(token)).client_id == client_id
