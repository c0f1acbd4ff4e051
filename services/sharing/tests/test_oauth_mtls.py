"""Mutual TLS at the authorization server (RFC 8705): tls_client_auth (by the subject
DN or a subject alternative name) and self_signed_tls_client_auth by the certificate
the ingress forwards (RFC 9440 ``Client-Cert``), certificate-bound tokens
(``cnf.x5t#S256``), each refusal on its own, the header ignored where it is not
trusted. The registration and the CLI: test_oauth_mtls_registration.py."""

import pytest
from cryptography import x509
from sqlmodel import Session

from samverkan_shared.dpop import ProofSigner
from samverkan_sharing.oauth.registration import revoke_client
from tests.support.certificates import POLICE_DN, make_certificate
from tests.support.mtls import (
    TOKEN_URL,
    certificate_token,
    police_client,
    self_signed_client,
)
from tests.support.sharing import Sharing
from tests.support.tokens import token_claims

NO_CERTIFICATE = {
    "error": "invalid_client",
    "error_description": "This client authenticates with its TLS client certificate "
    "(RFC 8705) and none was presented: connect over mutual TLS.",
}


class TestClientAuthentication:
    def test_a_tls_client_auth_client_gets_a_certificate_bound_bearercertificate_token(
        self, mtls: Sharing
    ) -> None:
        client_id = police_client(mtls, tls_subject_dn=POLICE_DN)
        certificate = make_certificate()
        response = certificate_token(mtls, client_id, certificate)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["token_type"] == "Bearer"  # RFC 8705 §3: bound, yet Bearer
        claims = token_claims(body["access_token"])
        assert claims["cnf"] == {"x5t#S256": certificate.thumbprint}
        assert claims["client_id"] == client_id

    def test_the_subject_is_compared_without_regard_to_case(
        self, mtls: Sharing
    ) -> None:
        client_id = police_client(
            mtls, tls_subject_dn="CN=POLISEN,O=polismyndigheten,C=se"
        )
        response = certificate_token(mtls, client_id, make_certificate())
        assert response.status_code == 200, response.text

    def test_a_client_registered_by_an_alternative_name_gets_a_bound_token(
        self, mtls: Sharing
    ) -> None:
        """RFC 8705 §2.1.2 (tls_client_auth_san_dns): the subject does not count."""
        client_id = police_client(mtls, tls_san="dns:API.polisen.se")
        certificate = make_certificate(
            common_name="Anything", alternative_names=[x509.DNSName("api.polisen.se")]
        )
        response = certificate_token(mtls, client_id, certificate)
        assert response.status_code == 200, response.text
        claims = token_claims(response.json()["access_token"])
        assert claims["cnf"] == {"x5t#S256": certificate.thumbprint}

    def test_a_certificate_without_the_registered_alternative_name_is_refused(
        self, mtls: Sharing
    ) -> None:
        client_id = police_client(mtls, tls_san="dns:api.polisen.se")
        other = [x509.DNSName("polisen.se"), x509.RFC822Name("api.polisen.se")]
        for certificate in (
            make_certificate(),  # the police's subject, but no such name
            make_certificate(alternative_names=other),
        ):
            response = certificate_token(mtls, client_id, certificate)
            assert response.status_code == 400
            assert response.json() == {
                "error": "invalid_client",
                "error_description": "The certificate has no subject alternative "
                "name 'dns:api.polisen.se', the one registered for this client.",
            }

    def test_a_self_signed_client_gets_a_token_bound_to_its_certificate(
        self, mtls: Sharing
    ) -> None:
        certificate = make_certificate()
        response = certificate_token(
            mtls, self_signed_client(mtls, certificate), certificate
        )
        assert response.status_code == 200, response.text
        cnf = token_claims(response.json()["access_token"])["cnf"]
        assert cnf == {"x5t#S256": certificate.thumbprint}

    def test_without_a_certificate_the_client_is_refused(self, mtls: Sharing) -> None:
        client_id = police_client(mtls, tls_subject_dn=POLICE_DN)
        response = certificate_token(mtls, client_id, None)
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/json"
        assert response.json() == NO_CERTIFICATE

    def test_a_certificate_with_another_subject_is_refused(self, mtls: Sharing) -> None:
        client_id = police_client(mtls, tls_subject_dn=POLICE_DN)
        response = certificate_token(
            mtls, client_id, make_certificate(common_name="Tullverket")
        )
        assert response.status_code == 400
        assert response.json() == {
            "error": "invalid_client",
            "error_description": "The certificate's subject is not the one "
            "registered for this client.",
        }

    def test_another_self_signed_certificate_with_the_same_subject_is_refused(
        self, mtls: Sharing
    ) -> None:
        client_id = self_signed_client(mtls, make_certificate())
        response = certificate_token(mtls, client_id, make_certificate())
        assert response.status_code == 400
        assert response.json() == {
            "error": "invalid_client",
            "error_description": "The certificate is not one registered for this "
            "client.",
        }

    def test_a_client_registered_otherwise_is_not_authenticated_by_a_certificate(
        self, mtls: Sharing
    ) -> None:
        client_id, _ = mtls.register(scopes=["tips:read"])
        response = certificate_token(mtls, client_id, make_certificate())
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_client"
        assert "Unknown client" in response.json()["error_description"]

    def test_a_revoked_client_is_refused(self, mtls: Sharing) -> None:
        certificate = make_certificate()
        client_id = self_signed_client(mtls, certificate)
        with Session(mtls.client.app.platform.engine) as session:  # type: ignore[attr-defined]
            revoke_client(session, client_id)
        response = certificate_token(mtls, client_id, certificate)
        assert response.json() == {
            "error": "invalid_client",
            "error_description": "This client has been revoked.",
        }

    @pytest.mark.parametrize(
        "value",
        [
            pytest.param("MIIB", id="not a byte sequence"),
            pytest.param(":MIIB$$:", id="not base64"),
            pytest.param(":bm90IGEgY2VydGlmaWNhdGU=:", id="not a certificate"),
            pytest.param(":MIIB:;a=1", id="with parameters"),
        ],
    )
    def test_a_malformed_header_is_invalid_request(
        self, mtls: Sharing, value: str
    ) -> None:
        client_id = police_client(mtls, tls_subject_dn=POLICE_DN)
        response = certificate_token(mtls, client_id, None, {"Client-Cert": value})
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"
        assert response.json()["error_description"].startswith(
            "The forwarded client certificate is malformed: "
        )

    def test_two_certificate_headers_are_invalid_request(self, mtls: Sharing) -> None:
        client_id = police_client(mtls, tls_subject_dn=POLICE_DN)
        one, other = make_certificate(), make_certificate()
        response = mtls.client.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials", "client_id": client_id},
            headers=[
                ("Client-Cert", one.header["Client-Cert"]),
                ("Client-Cert", other.header["Client-Cert"]),
            ],
        )
        assert response.json() == {
            "error": "invalid_request",
            "error_description": "The forwarded client certificate is malformed: "
            "send one Client-Cert header, not several.",
        }

    def test_an_untrusted_header_is_ignored(self, sharing: Sharing) -> None:
        """Without SAMVERKAN_TRUST_CLIENT_CERT_HEADER a caller could write any
        certificate into the header: it is not read, malformed or not."""
        client_id = police_client(sharing, tls_subject_dn=POLICE_DN)
        response = certificate_token(sharing, client_id, make_certificate())
        assert response.status_code == 400
        assert response.json() == NO_CERTIFICATE
        garbage = certificate_token(
            sharing, client_id, None, {"Client-Cert": "garbage"}
        )
        assert garbage.json() == NO_CERTIFICATE

    def test_a_tls_client_introspects_and_revokes_with_its_certificate(
        self, mtls: Sharing
    ) -> None:
        certificate = make_certificate()
        client_id = self_signed_client(mtls, certificate)
        token = certificate_token(mtls, client_id, certificate).json()["access_token"]
        form = {"token": token, "client_id": client_id}
        answer = mtls.client.post(
            "/oauth/introspect", data=form, headers=certificate.header
        ).json()
        assert answer["active"] is True
        assert answer["token_type"] == "Bearer"
        assert answer["cnf"] == {"x5t#S256": certificate.thumbprint}
        refused = mtls.client.post("/oauth/revoke", data=form)
        assert refused.json() == NO_CERTIFICATE
        revoked = mtls.client.post(
            "/oauth/revoke", data=form, headers=certificate.header
        )
        assert revoked.status_code == 200, revoked.text
        again = mtls.client.post(
            "/oauth/introspect", data=form, headers=certificate.header
        )
        assert again.json() == {"active": False}


class TestCertificateBinding:
    def test_a_secret_client_registered_for_bound_tokens_gets_one(
        self, mtls: Sharing
    ) -> None:
        client_id, secret = mtls.register(
            scopes=["tips:read"], certificate_bound_tokens=True
        )
        certificate = make_certificate()
        response = mtls.client.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret or ""),
            headers=certificate.header,
        )
        assert response.status_code == 200, response.text
        assert response.json()["token_type"] == "Bearer"
        cnf = token_claims(response.json()["access_token"])["cnf"]
        assert cnf == {"x5t#S256": certificate.thumbprint}

    def test_a_client_registered_for_bound_tokens_gets_none_without_a_certificate(
        self, mtls: Sharing
    ) -> None:
        client_id, secret = mtls.register(
            scopes=["tips:read"], certificate_bound_tokens=True
        )
        response = mtls.client.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret or ""),
        )
        assert response.status_code == 400
        assert response.json() == {
            "error": "invalid_request",
            "error_description": "This client is registered for certificate-bound "
            "tokens (RFC 8705 §3): connect over mutual TLS with its certificate.",
        }

    def test_a_dpop_proof_beside_the_certificate_is_refused(
        self, mtls: Sharing
    ) -> None:
        """One binding per token: a certificate-bound client sends no DPoP proof."""
        certificate = make_certificate()
        client_id = self_signed_client(mtls, certificate)
        proof = ProofSigner.generate().proof("POST", TOKEN_URL)
        response = certificate_token(mtls, client_id, certificate, {"DPoP": proof})
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"
        assert "send no DPoP proof" in response.json()["error_description"]

    def test_a_client_not_registered_for_bound_tokens_stays_unbound(
        self, mtls: Sharing
    ) -> None:
        client_id, secret = mtls.register(scopes=["tips:read"])
        response = mtls.client.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret or ""),
            headers=make_certificate().header,
        )
        assert response.status_code == 200, response.text
        assert "cnf" not in token_claims(response.json()["access_token"])


class TestMetadata:
    def test_behind_a_trusted_ingress_the_metadata_offers_mutual_tls(
        self, mtls: Sharing
    ) -> None:
        metadata = mtls.client.get("/.well-known/oauth-authorization-server").json()
        methods = [
            "client_secret_basic",
            "private_key_jwt",
            "tls_client_auth",
            "self_signed_tls_client_auth",
        ]
        for endpoint in ("token", "introspection", "revocation"):
            assert metadata[f"{endpoint}_endpoint_auth_methods_supported"] == methods
        assert metadata["tls_client_certificate_bound_access_tokens"] is True

    def test_without_one_it_does_not(self, sharing: Sharing) -> None:
        metadata = sharing.client.get("/.well-known/oauth-authorization-server").json()
        assert metadata["token_endpoint_auth_methods_supported"] == [
            "client_secret_basic",
            "private_key_jwt",
        ]
        assert metadata["tls_client_certificate_bound_access_tokens"] is False
