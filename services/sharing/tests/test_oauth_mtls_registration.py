"""Registering a client that authenticates with its TLS certificate (RFC 8705 §2):
by subject DN, by one subject alternative name (§2.1.2) or by the certificates
themselves, one method only, through the use case and the ``samverkan clients`` CLI."""

import json
from pathlib import Path
from typing import Any

import pytest

from samverkan_shared.cli import main
from samverkan_sharing.oauth.registration import InvalidClient
from tests.support.certificates import POLICE_DN, make_certificate
from tests.support.mtls import certificate_token, police_client
from tests.support.sharing import Sharing


class TestRegistration:
    def test_a_subject_dn_that_is_not_one_is_refused(self, sharing: Sharing) -> None:
        with pytest.raises(InvalidClient, match=r"--tls-subject-dn: .*not an RFC 4514"):
            police_client(sharing, tls_subject_dn="Polisen i Malmö")

    def test_an_alternative_name_that_is_not_one_is_refused(
        self, sharing: Sharing
    ) -> None:
        with pytest.raises(InvalidClient, match=r"--tls-san: .*write dns:<name>"):
            police_client(sharing, tls_san="api.polisen.se")

    @pytest.mark.parametrize(
        "methods",
        [
            pytest.param({"jwks": {"keys": []}}, id="subject and a key set"),
            pytest.param({"tls_san": "dns:api.polisen.se"}, id="subject and a name"),
        ],
    )
    def test_one_client_authentication_method_only(
        self, sharing: Sharing, methods: dict[str, Any]
    ) -> None:
        """RFC 8705 §2.1.2: exactly one of the subject DN and the alternative names."""
        with pytest.raises(InvalidClient, match="authenticates one way"):
            police_client(sharing, tls_subject_dn=POLICE_DN, **methods)

    def test_a_certificate_bound_client_cannot_require_dpop(
        self, sharing: Sharing
    ) -> None:
        with pytest.raises(InvalidClient, match="not both"):
            police_client(sharing, tls_subject_dn=POLICE_DN, dpop="required")

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
        assert main([*base, "--tls-san", "ip:2001:DB8:0::1"]) == 0
        by_name = json.loads(capsys.readouterr().out)
        assert set(by_name) == {"client_id"}
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
        named = listed[by_name["client_id"]]
        assert (named["auth_method"], named["tls_san"], named["tls_subject_dn"]) == (
            "tls_client_auth",
            "ip:2001:db8::1",
            None,
        )
        assert second["auth_method"] == "self_signed_tls_client_auth"
        assert second["tls_thumbprints"] == [certificate.thumbprint]
        assert listed["sharing-service"]["certificate_bound_tokens"] is False
        response = certificate_token(mtls, self_signed["client_id"], certificate)
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
