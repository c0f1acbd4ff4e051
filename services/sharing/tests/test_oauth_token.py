"""The token endpoint: client_secret_basic, private_key_jwt, and RFC 6749 §5.2 errors."""

import base64
import json
import secrets
import time
from typing import Any

import pytest
from authlib.jose import JsonWebKey, JsonWebToken

from samverkan_shared.oauth_client import ASSERTION_TYPE
from samverkan_sharing.oauth.registration import InvalidClient

pytestmark = pytest.mark.usefixtures("sharing")
ISSUER = "http://sharing.test"


def _claims(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")

    def decode(part: str) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(
            base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        )
        return value

    return decode(header), decode(payload)


class TestClientSecretBasic:
    def test_issues_an_rfc_9068_token_for_the_allowed_scopes(
        self, sharing: Any
    ) -> None:
        client_id, secret = sharing.register(
            scopes=["tips:read", "tips:write"], municipality_code="1280"
        )
        response = sharing.client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret),
        )
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        body = response.json()
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 300
        assert body["scope"] == "tips:read tips:write"
        header, claims = _claims(body["access_token"])
        assert header["typ"] == "at+jwt"
        assert header["alg"] == "ES256"
        assert header["kid"] in {
            k["kid"]
            for k in sharing.client.get("/.well-known/jwks.json").json()["keys"]
        }
        assert claims["iss"] == ISSUER
        assert claims["sub"] == claims["client_id"] == client_id
        assert claims["aud"] == ["tips"]
        assert claims["exp"] - claims["iat"] == 300
        assert claims["client_kind"] == "municipality"
        assert len(claims["jti"]) == 32

    def test_a_narrower_scope_can_be_asked_for(self, sharing: Any) -> None:
        client_id, secret = sharing.register(scopes=["tips:read", "audit:read"])
        token = sharing.token(client_id, secret, scope="audit:read")
        assert _claims(token)[1]["aud"] == ["audit-log"]
        assert _claims(token)[1]["scope"] == "audit:read"

    def test_wrong_secret_is_invalid_client_with_basic_challenge(
        self, sharing: Any
    ) -> None:
        client_id, _ = sharing.register()
        response = sharing.client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, "nope"),
        )
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/json"
        assert response.headers["www-authenticate"] == (
            'Basic realm="samverkan", charset="UTF-8"'
        )
        assert response.headers["cache-control"] == "no-store"
        assert response.json() == {
            "error": "invalid_client",
            "error_description": "Unknown client or wrong secret.",
        }

    def test_no_client_authentication_is_invalid_client_without_a_challenge(
        self, sharing: Any
    ) -> None:
        """RFC 6749 §5.2: 401 and its challenge only for a client that used Basic."""
        response = sharing.client.post(
            "/oauth/token", data={"grant_type": "client_credentials"}
        )
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/json"
        assert "www-authenticate" not in response.headers
        assert response.json()["error"] == "invalid_client"

    def test_revoked_client_gets_no_token(self, sharing: Any) -> None:
        from sqlmodel import Session

        from samverkan_sharing.oauth.registration import revoke_client

        client_id, secret = sharing.register()
        with Session(sharing.client.app.platform.engine) as session:
            revoke_client(session, client_id)
        response = sharing.client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret),
        )
        assert response.status_code == 401
        assert response.json()["error_description"] == "This client has been revoked."


@pytest.mark.parametrize(
    ("data", "status", "error"),
    [
        pytest.param(
            {"grant_type": "password"},
            400,
            "unsupported_grant_type",
            id="unknown grant",
        ),
        pytest.param({}, 400, "invalid_request", id="no grant_type"),
        pytest.param(
            {"grant_type": "client_credentials", "scope": "audit:append"},
            400,
            "invalid_scope",
            id="scope not allowed",
        ),
    ],
)
def test_token_errors_follow_rfc_6749(
    sharing: Any, data: dict[str, str], status: int, error: str
) -> None:
    client_id, secret = sharing.register()
    response = sharing.client.post("/oauth/token", data=data, auth=(client_id, secret))
    assert response.status_code == status
    assert response.json()["error"] == error
    assert set(response.json()) == {"error", "error_description"}
    assert response.headers["content-type"] == "application/json"


def test_json_body_is_invalid_request(sharing: Any) -> None:
    response = sharing.client.post(
        "/oauth/token", json={"grant_type": "client_credentials"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_repeated_parameter_is_invalid_request(sharing: Any) -> None:
    client_id, secret = sharing.register()
    response = sharing.client.post(
        "/oauth/token",
        content="grant_type=client_credentials&grant_type=client_credentials",
        headers={"content-type": "application/x-www-form-urlencoded"},
        auth=(client_id, secret),
    )
    assert response.json()["error"] == "invalid_request"
    assert "grant_type" in response.json()["error_description"]


def _keypair() -> tuple[Any, dict[str, Any]]:
    key = JsonWebKey.generate_key("EC", "P-256", is_private=True)
    return key, {"keys": [{**key.as_dict(is_private=False), "alg": "ES256"}]}


def _assertion(
    key: Any, client_id: str, *, aud: str = f"{ISSUER}/oauth/token", **extra: Any
) -> str:
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": aud,
        "iat": now,
        "exp": now + 60,
        "jti": secrets.token_hex(8),
        **extra,
    }
    token: bytes = JsonWebToken(["ES256"]).encode({"alg": "ES256"}, claims, key)
    return token.decode()


def _post_assertion(sharing: Any, assertion: str) -> Any:
    return sharing.client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion,
        },
    )


class TestPrivateKeyJwt:
    def _partner(self, sharing: Any) -> tuple[str, Any]:
        key, jwks = _keypair()
        client_id, secret = sharing.register(
            kind="partner",
            recipient="polismyndigheten",
            org_number="202100-0076",
            scopes=["disclosures:request"],
            jwks=jwks,
        )
        assert secret is None
        return client_id, key

    def test_assertion_for_the_token_endpoint_gets_a_token(self, sharing: Any) -> None:
        client_id, key = self._partner(sharing)
        response = _post_assertion(sharing, _assertion(key, client_id))
        assert response.status_code == 200
        claims = _claims(response.json()["access_token"])[1]
        assert claims["recipient"] == "polismyndigheten"
        assert claims["aud"] == ["sharing"]

    def test_assertion_for_the_issuer_is_accepted_too(self, sharing: Any) -> None:
        client_id, key = self._partner(sharing)
        assert (
            _post_assertion(sharing, _assertion(key, client_id, aud=ISSUER)).status_code
            == 200
        )

    def test_replayed_assertion_is_refused(self, sharing: Any) -> None:
        client_id, key = self._partner(sharing)
        assertion = _assertion(key, client_id)
        assert _post_assertion(sharing, assertion).status_code == 200
        replay = _post_assertion(sharing, assertion)
        assert replay.status_code == 400
        assert (
            replay.json()["error_description"]
            == "This client assertion was already used (jti)."
        )

    def test_assertion_signed_with_a_foreign_key_is_refused(self, sharing: Any) -> None:
        client_id, _ = self._partner(sharing)
        foreign, _ = _keypair()
        response = _post_assertion(sharing, _assertion(foreign, client_id))
        assert response.status_code == 400
        assert "www-authenticate" not in response.headers
        assert response.json()["error"] == "invalid_client"
        assert "signature" in response.json()["error_description"]

    @pytest.mark.parametrize(
        ("changes", "reason"),
        [
            pytest.param(
                {"aud": "http://elsewhere"}, "aud must be", id="other audience"
            ),
            pytest.param({"exp": int(time.time()) - 3600}, "expired", id="expired"),
            pytest.param(
                {"exp": int(time.time()) + 86400}, "at most 300", id="exp too far"
            ),
            pytest.param(
                {"sub": "someone-else"}, "sub must be", id="sub is not the client"
            ),
        ],
    )
    def test_bad_assertion_claims_are_refused(
        self, sharing: Any, changes: dict[str, Any], reason: str
    ) -> None:
        client_id, key = self._partner(sharing)
        response = _post_assertion(sharing, _assertion(key, client_id, **changes))
        assert response.status_code == 400
        assert reason in response.json()["error_description"]

    def test_garbage_assertion_is_invalid_client_not_500(self, sharing: Any) -> None:
        response = _post_assertion(sharing, "not.a.jwt")
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_client"


def test_metadata_names_the_endpoints(sharing: Any) -> None:
    body = sharing.client.get("/.well-known/oauth-authorization-server").json()
    assert body["issuer"] == ISSUER
    assert body["token_endpoint"] == f"{ISSUER}/oauth/token"
    assert body["jwks_uri"] == f"{ISSUER}/.well-known/jwks.json"
    assert set(body["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "private_key_jwt",
    }
    assert body["grant_types_supported"] == [
        "client_credentials",
        "authorization_code",
        "refresh_token",
    ]


def test_signing_key_file_is_owner_only(sharing: Any) -> None:
    folder = sharing.settings.effective_signing_keys_dir
    pems = list(folder.glob("*.pem"))
    assert pems
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in pems)


class TestMunicipality:
    """A client that files tips names the municipality it files for (issue #17)."""

    def test_the_token_carries_the_client_s_municipality(self, sharing: Any) -> None:
        client_id, secret = sharing.register(
            scopes=["tips:write"], municipality_code="1280"
        )
        body = sharing.client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret),
        ).json()
        assert _claims(body["access_token"])[1]["municipality_code"] == "1280"

    @pytest.mark.parametrize(
        ("code", "message"),
        [
            pytest.param(None, "give --municipality", id="tips:write without one"),
            pytest.param("9999", "--municipality", id="not a municipality code"),
        ],
    )
    def test_a_filing_client_without_a_valid_municipality_is_refused(
        self, sharing: Any, code: str | None, message: str
    ) -> None:
        with pytest.raises(InvalidClient, match=message):
            sharing.register(scopes=["tips:write"], municipality_code=code)
