"""Mutual TLS at the authorization server (RFC 8705): tls_client_auth and
self_signed_tls_client_auth by the certificate the ingress forwards (RFC 9440
``Client-Cert``), certificate-bound tokens (``cnf.x5t#S256``), each refusal on its
own, the header ignored where it is not trusted; the registration and the CLI."""

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from samverkan_shared.cli import main
from samverkan_shared.client_certificates import ClientCertificate
from samverkan_shared.dpop import ProofSigner
from samverkan_sharing.oauth.registration import InvalidClient, revoke_client
from tests.support.certificates import POLICE_DN, Certificate, make_certificate
from tests.support.sharing import ISSUER, Sharing

TOKEN_URL = f"{ISSUER}/oauth/token"
NO_CERTIFICATE = {
    "error": "invalid_client",
    "error_description": "This client authenticates with its TLS client certificate "
    "(RFC 8705) and none was presented: connect over mutual TLS.",
}


@pytest.fixture
def mtls(sharing_factory: Callable[..., Sharing]) -> Sharing:
    """sharing behind an ingress it trusts to forward client certificates."""
    return sharing_factory(trust_client_cert_header=True)


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def _police(sharing: Sharing, **fields: Any) -> str:
    client_id, secret = sharing.register(
        kind="partner",
        recipient="polismyndigheten",
        org_number="202100-0076",
        scopes=["disclosures:request"],
        **fields,
    )
    assert secret is None
    return client_id


def _self_signed(sharing: Sharing, certificate: Certificate) -> str:
    return _police(
        sharing, tls_certificates=[ClientCertificate.from_der(certificate.der)]
    )


def _token(
    sharing: Sharing,
    client_id: str,
    certificate: Certificate | None,
    headers: dict[str, str] | None = None,
) -> Any:
    return sharing.client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials", "client_id": client_id},
        headers={**(certificate.header if certificate else {}), **(headers or {})},
    )


class TestClientAuthentication:
    def test_a_tls_client_auth_client_gets_a_certificate_bound_bearer_token(
        self, mtls: Sharing
    ) -> None:
        client_id = _police(mtls, tls_subject_dn=POLICE_DN)
        certificate = make_certificate()
        response = _token(mtls, client_id, certificate)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["token_type"] == "Bearer"  # RFC 8705 §3: bound, yet Bearer
        claims = _claims(body["access_token"])
        assert claims["cnf"] == {"x5t#S256": certificate.thumbprint}
        assert claims["client_id"] == client_id

    def test_the_subject_is_compared_without_regard_to_case(
        self, mtls: Sharing
    ) -> None:
        client_id = _police(mtls, tls_subject_dn="CN=POLISEN,O=polismyndigheten,C=se")
        response = _token(mtls, client_id, make_certificate())
        assert response.status_code == 200, response.text

    def test_a_self_signed_client_gets_a_token_bound_to_its_certificate(
        self, mtls: Sharing
    ) -> None:
        certificate = make_certificate()
        response = _token(mtls, _self_signed(mtls, certificate), certificate)
        assert response.status_code == 200, response.text
        cnf = _claims(response.json()["access_token"])["cnf"]
        assert cnf == {"x5t#S256": certificate.thumbprint}

    def test_without_a_certificate_the_client_is_refused(self, mtls: Sharing) -> None:
        client_id = _police(mtls, tls_subject_dn=POLICE_DN)
        response = _token(mtls, client_id, None)
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/json"
        assert response.json() == NO_CERTIFICATE

    def test_a_certificate_with_another_subject_is_refused(self, mtls: Sharing) -> None:
        client_id = _police(mtls, tls_subject_dn=POLICE_DN)
        response = _token(mtls, client_id, make_certificate(common_name="Tullverket"))
        assert response.status_code == 400
        assert response.json() == {
            "error": "invalid_client",
            "error_description": "The certificate's subject is not the one "
            "registered for this client.",
        }

    def test_another_self_signed_certificate_with_the_same_subject_is_refused(
        self, mtls: Sharing
    ) -> None:
        client_id = _self_signed(mtls, make_certificate())
        response = _token(mtls, client_id, make_certificate())
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
        response = _token(mtls, client_id, make_certificate())
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_client"
        assert "Unknown client" in response.json()["error_description"]

    def test_a_revoked_client_is_refused(self, mtls: Sharing) -> None:
        certificate = make_certificate()
        client_id = _self_signed(mtls, certificate)
        with Session(mtls.client.app.platform.engine) as session:  # type: ignore[attr-defined]
            revoke_client(session, client_id)
        response = _token(mtls, client_id, certificate)
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
        client_id = _police(mtls, tls_subject_dn=POLICE_DN)
        response = _token(mtls, client_id, None, {"Client-Cert": value})
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"
        assert response.json()["error_description"].startswith(
            "The forwarded client certificate is malformed: "
        )

    def test_two_certificate_headers_are_invalid_request(self, mtls: Sharing) -> None:
        client_id = _police(mtls, tls_subject_dn=POLICE_DN)
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
        client_id = _police(sharing, tls_subject_dn=POLICE_DN)
        response = _token(sharing, client_id, make_certificate())
        assert response.status_code == 400
        assert response.json() == NO_CERTIFICATE
        garbage = _token(sharing, client_id, None, {"Client-Cert": "garbage"})
        assert garbage.json() == NO_CERTIFICATE

    def test_a_tls_client_introspects_and_revokes_with_its_certificate(
        self, mtls: Sharing
    ) -> None:
        certificate = make_certificate()
        client_id = _self_signed(mtls, certificate)
        token = _token(mtls, client_id, certificate).json()["access_token"]
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
        cnf = _claims(response.json()["access_token"])["cnf"]
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
        client_id = _self_signed(mtls, certificate)
        proof = ProofSigner.generate().proof("POST", TOKEN_URL)
        response = _token(mtls, client_id, certificate, {"DPoP": proof})
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
        assert "cnf" not in _claims(response.json()["access_token"])


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


class TestRegistration:
    def test_a_subject_dn_that_is_not_one_is_refused(self, sharing: Sharing) -> None:
        with pytest.raises(InvalidClient, match=r"--tls-subject-dn: .*not an RFC 4514"):
            _police(sharing, tls_subject_dn="Polisen i Malmö")

    def test_one_client_authentication_method_only(self, sharing: Sharing) -> None:
        with pytest.raises(InvalidClient, match="authenticates one way"):
            _police(sharing, tls_subject_dn=POLICE_DN, jwks={"keys": []})

    def test_a_certificate_bound_client_cannot_require_dpop(
        self, sharing: Sharing
    ) -> None:
        with pytest.raises(InvalidClient, match="not both"):
            _police(sharing, tls_subject_dn=POLICE_DN, dpop="required")

    def test_the_cli_registers_and_lists_tls_clients(
        self,
        mtls: Sharing,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
    ) -> None:
        monkeypatch.setenv("SHARING_DATABASE_URL", mtls.settings.effective_database_url)
        certificate = make_certificate()
        (tmp_path / "client.pem").write_bytes(certificate.pem)
        base = ["clients", "add", "--name", "Polisen", "--org-number", "202100-0076"]
        base += ["--kind", "partner", "--recipient", "polismyndigheten"]
        base += ["--scopes", "disclosures:request"]
        assert main([*base, "--tls-subject-dn", POLICE_DN]) == 0
        by_dn = json.loads(capsys.readouterr().out)
        assert set(by_dn) == {"client_id"}  # no secret
        pem = str(tmp_path / "client.pem")
        assert main([*base, "--tls-certificate", pem]) == 0
        self_signed = json.loads(capsys.readouterr().out)
        assert main(["clients", "list"]) == 0
        listed = {
            client["client_id"]: client
            for client in map(json.loads, capsys.readouterr().out.splitlines())
        }
        first, second = listed[by_dn["client_id"]], listed[self_signed["client_id"]]
        assert (first["auth_method"], first["tls_subject_dn"]) == (
            "tls_client_auth",
            POLICE_DN,
        )
        assert first["certificate_bound_tokens"] is True
        assert second["auth_method"] == "self_signed_tls_client_auth"
        assert second["tls_thumbprints"] == [certificate.thumbprint]
        assert listed["sharing-service"]["certificate_bound_tokens"] is False
        response = _token(mtls, self_signed["client_id"], certificate)
        assert response.status_code == 200, response.text

    def test_the_cli_refuses_a_file_that_is_no_certificate(
        self,
        sharing: Sharing,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
    ) -> None:
        monkeypatch.setenv(
            "SHARING_DATABASE_URL", sharing.settings.effective_database_url
        )
        (tmp_path / "client.pem").write_text("-----BEGIN CERTIFICATE-----\nno\n")
        arguments = ["clients", "add", "--name", "Polisen", "--kind", "partner"]
        arguments += ["--org-number", "202100-0076", "--recipient", "polismyndigheten"]
        arguments += ["--scopes", "disclosures:request"]
        arguments += ["--tls-certificate", str(tmp_path / "client.pem")]
        assert main(arguments) == 2
        assert "--tls-certificate" in capsys.readouterr().err
