"""The FAPI 2.0 profile (SHARING_PROFILE=fapi2): private_key_jwt or mutual TLS only,
sender-constrained tokens only (DPoP-bound, or bound to the client's certificate
behind a trusted ingress), PS256/ES256/EdDSA only, tokens of at most 10 minutes;
each refusal on its own."""

import base64
import json
import secrets
import time
from collections.abc import Callable
from typing import Any

import pytest
from authlib.jose import JsonWebKey, JsonWebToken

from samverkan_shared.client_certificates import ClientCertificate
from samverkan_shared.dpop import ProofSigner
from samverkan_shared.oauth_client import ASSERTION_TYPE
from tests.support.certificates import POLICE_DN, make_certificate
from tests.support.mtls import certificate_token, police_client
from tests.support.sharing import ISSUER, Sharing

TOKEN_URL = f"{ISSUER}/oauth/token"


@pytest.fixture
def fapi(sharing_factory: Callable[..., Sharing]) -> Sharing:
    return sharing_factory(profile="fapi2", token_lifetime=3600)


@pytest.fixture
def fapi_mtls(sharing_factory: Callable[..., Sharing]) -> Sharing:
    """The profile behind an ingress trusted to forward client certificates."""
    return sharing_factory(
        profile="fapi2", token_lifetime=3600, trust_client_cert_header=True
    )


def _partner(
    sharing: Sharing, kty: str = "EC", crv: Any = "P-256", **fields: Any
) -> tuple[str, Any]:
    key = JsonWebKey.generate_key(kty, crv, is_private=True)
    client_id, secret = sharing.register(
        kind="partner",
        recipient="polismyndigheten",
        org_number="202100-0076",
        scopes=["disclosures:request"],
        jwks={"keys": [key.as_dict(is_private=False)]},
        **fields,
    )
    assert secret is None
    return client_id, key


def _assertion(key: Any, client_id: str, algorithm: str = "ES256") -> dict[str, str]:
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": ISSUER,
        "iat": now,
        "exp": now + 60,
        "jti": secrets.token_hex(16),
    }
    signed = JsonWebToken([algorithm]).encode({"alg": algorithm}, claims, key)
    return {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": signed.decode(),
    }


def _bound(
    sharing: Sharing, form: dict[str, str], signer: ProofSigner, **kwargs: Any
) -> Any:
    first = sharing.client.post(
        TOKEN_URL,
        data=form,
        headers={"DPoP": signer.proof("POST", TOKEN_URL)},
        **kwargs,
    )
    assert first.json()["error"] == "use_dpop_nonce", first.text
    proof = signer.proof("POST", TOKEN_URL, nonce=first.headers["dpop-nonce"])
    # The same assertion: the refused request recorded nothing (rolled back).
    return sharing.client.post(TOKEN_URL, data=form, headers={"DPoP": proof}, **kwargs)


def test_a_private_key_jwt_client_with_a_proof_gets_a_bound_token_of_10_minutes(
    fapi: Sharing,
) -> None:
    client_id, key = _partner(fapi)
    response = _bound(fapi, _assertion(key, client_id), ProofSigner.generate())
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "DPoP"
    assert response.json()["expires_in"] == 600
    payload = response.json()["access_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["exp"] - claims["iat"] == 600


def test_the_metadata_offers_only_what_the_profile_allows(fapi: Sharing) -> None:
    metadata = fapi.client.get("/.well-known/oauth-authorization-server").json()
    for endpoint in ("token", "introspection", "revocation"):
        assert metadata[f"{endpoint}_endpoint_auth_methods_supported"] == [
            "private_key_jwt"
        ]
        assert metadata[f"{endpoint}_endpoint_auth_signing_alg_values_supported"] == [
            "PS256",
            "ES256",
            "EdDSA",
        ]
    assert metadata["dpop_signing_alg_values_supported"] == ["ES256", "PS256", "EdDSA"]


def test_a_client_secret_is_refused(fapi: Sharing) -> None:
    client_id, secret = fapi.register(scopes=["tips:read"])
    response = fapi.client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret or ""),
        headers={"DPoP": ProofSigner.generate().proof("POST", TOKEN_URL)},
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert "accepts no client secrets" in response.json()["error_description"]


def test_a_token_without_a_proof_is_refused(fapi: Sharing) -> None:
    client_id, key = _partner(fapi)
    response = fapi.client.post(TOKEN_URL, data=_assertion(key, client_id))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_dpop_proof"
    assert "only sender-constrained tokens" in response.json()["error_description"]


def test_an_rs256_client_assertion_is_refused(fapi: Sharing) -> None:
    client_id, key = _partner(fapi, "RSA", 2048)
    form = _assertion(key, client_id, algorithm="RS256")
    response = fapi.client.post(
        TOKEN_URL,
        data=form,
        headers={"DPoP": ProofSigner.generate().proof("POST", TOKEN_URL)},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"


def test_a_ps256_client_assertion_is_accepted(fapi: Sharing) -> None:
    client_id, key = _partner(fapi, "RSA", 2048)
    response = _bound(
        fapi, _assertion(key, client_id, algorithm="PS256"), ProofSigner.generate()
    )
    assert response.status_code == 200, response.text


def test_outside_the_profile_the_lifetime_is_the_configured_one(
    sharing_factory: Callable[..., Sharing],
) -> None:
    sharing = sharing_factory(token_lifetime=900)
    client_id, secret = sharing.register(scopes=["tips:read"])
    response = sharing.client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret or ""),
    )
    assert response.json()["expires_in"] == 900


def _claims(response: Any) -> dict[str, Any]:
    payload = response.json()["access_token"].split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def test_behind_a_trusted_ingress_the_metadata_offers_mutual_tls_too(
    fapi_mtls: Sharing,
) -> None:
    metadata = fapi_mtls.client.get("/.well-known/oauth-authorization-server").json()
    for endpoint in ("token", "introspection", "revocation"):
        assert metadata[f"{endpoint}_endpoint_auth_methods_supported"] == [
            "private_key_jwt",
            "tls_client_auth",
            "self_signed_tls_client_auth",
        ]
    assert metadata["tls_client_certificate_bound_access_tokens"] is True


@pytest.mark.parametrize("method", ["tls_client_auth", "self_signed_tls_client_auth"])
def test_a_mutual_tls_client_gets_a_certificate_bound_token_without_dpop(
    fapi_mtls: Sharing, method: str
) -> None:
    certificate = make_certificate()
    registration: dict[str, Any] = (
        {"tls_subject_dn": POLICE_DN}
        if method == "tls_client_auth"
        else {"tls_certificates": [ClientCertificate.from_der(certificate.der)]}
    )
    client_id = police_client(fapi_mtls, **registration)
    response = certificate_token(fapi_mtls, client_id, certificate)
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "Bearer"
    assert response.json()["expires_in"] == 600
    assert _claims(response)["cnf"] == {"x5t#S256": certificate.thumbprint}


def test_a_private_key_jwt_client_may_bind_to_its_certificate_instead_of_dpop(
    fapi_mtls: Sharing,
) -> None:
    client_id, key = _partner(fapi_mtls, certificate_bound_tokens=True)
    certificate = make_certificate()
    response = fapi_mtls.client.post(
        TOKEN_URL, data=_assertion(key, client_id), headers=certificate.header
    )
    assert response.status_code == 200, response.text
    assert _claims(response)["cnf"] == {"x5t#S256": certificate.thumbprint}


def test_a_certificate_alone_binds_no_token_of_a_client_not_registered_for_it(
    fapi_mtls: Sharing,
) -> None:
    """The sender constraint is the client's registration, not a header's presence:
    a DPoP client's request with a certificate still needs its proof."""
    client_id, key = _partner(fapi_mtls)
    response = fapi_mtls.client.post(
        TOKEN_URL, data=_assertion(key, client_id), headers=make_certificate().header
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_dpop_proof"
    assert "only sender-constrained tokens" in response.json()["error_description"]


def test_a_mutual_tls_client_without_its_certificate_is_refused(
    fapi_mtls: Sharing,
) -> None:
    client_id = police_client(fapi_mtls, tls_subject_dn=POLICE_DN)
    response = certificate_token(fapi_mtls, client_id, None)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"
    assert "none was presented" in response.json()["error_description"]


def test_a_client_secret_is_refused_behind_the_ingress_too(
    fapi_mtls: Sharing,
) -> None:
    client_id, secret = fapi_mtls.register(
        scopes=["tips:read"], certificate_bound_tokens=True
    )
    response = fapi_mtls.client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret or ""),
        headers=make_certificate().header,
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert "accepts no client secrets" in response.json()["error_description"]
