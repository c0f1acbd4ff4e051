"""DPoP at the token endpoint (RFC 9449 §5, §8): bound tokens, server nonces, each
client's policy, and each refusal on its own; introspection's ``cnf``; the CLI."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from authlib.jose import JsonWebKey

from samverkan_shared.cli import main
from samverkan_shared.dpop import ProofSigner
from tests.support.sharing import ISSUER, Sharing
from tests.support.tokens import token_claims

TOKEN_URL = f"{ISSUER}/oauth/token"


def _post(sharing: Sharing, client: tuple[str, str | None], proofs: list[str]) -> Any:
    client_id, secret = client
    return sharing.client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret or ""),
        headers=[("DPoP", proof) for proof in proofs],
    )


def _nonce(sharing: Sharing, client: tuple[str, str | None]) -> str:
    """The nonce the server gives a first proof without one (RFC 9449 §8.1)."""
    signer = ProofSigner.generate()
    response = _post(sharing, client, [signer.proof("POST", TOKEN_URL)])
    assert response.status_code == 400
    assert response.json()["error"] == "use_dpop_nonce"
    nonce: str = response.headers["dpop-nonce"]
    return nonce


def test_a_proof_with_the_server_s_nonce_gets_a_token_bound_to_its_key(
    sharing: Sharing,
) -> None:
    client = sharing.register(scopes=["tips:read"])
    signer = ProofSigner.generate()
    nonce = _nonce(sharing, client)
    response = _post(sharing, client, [signer.proof("POST", TOKEN_URL, nonce=nonce)])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "DPoP"
    assert token_claims(body["access_token"])["cnf"] == {"jkt": signer.jkt}
    # The nonce for the next request comes with the answer (§8.2).
    assert response.headers["dpop-nonce"]
    again = _post(
        sharing,
        client,
        [signer.proof("POST", TOKEN_URL, nonce=response.headers["dpop-nonce"])],
    )
    assert again.status_code == 200, again.text


def test_an_optional_client_without_a_proof_gets_a_bearer_token(
    sharing: Sharing,
) -> None:
    response = _post(sharing, sharing.register(scopes=["tips:read"]), [])
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"
    assert "cnf" not in token_claims(response.json()["access_token"])
    assert "dpop-nonce" not in response.headers


def _replayed(sharing: Sharing, client: tuple[str, str | None]) -> list[str]:
    proof = ProofSigner.generate().proof(
        "POST", TOKEN_URL, nonce=_nonce(sharing, client)
    )
    assert _post(sharing, client, [proof]).status_code == 200
    return [proof]


def _with_nonce(
    method: str = "POST", uri: str = TOKEN_URL
) -> Callable[[Sharing, tuple[str, str | None]], list[str]]:
    def make(sharing: Sharing, client: tuple[str, str | None]) -> list[str]:
        nonce = _nonce(sharing, client)
        return [ProofSigner.generate().proof(method, uri, nonce=nonce)]

    return make


def _two_proofs(sharing: Sharing, client: tuple[str, str | None]) -> list[str]:
    nonce = _nonce(sharing, client)
    signer = ProofSigner.generate()
    return [signer.proof("POST", TOKEN_URL, nonce=nonce) for _ in range(2)]


def _private_key_in_header(
    sharing: Sharing, client: tuple[str, str | None]
) -> list[str]:
    key = JsonWebKey.generate_key("EC", "P-256", is_private=True)
    signer = ProofSigner(key)
    signer.public_jwk = dict(key.as_dict(is_private=True))
    return [signer.proof("POST", TOKEN_URL, nonce=_nonce(sharing, client))]


# (what is wrong, the DPoP headers, the error, words of its description)
REFUSALS: list[
    tuple[str, Callable[[Sharing, tuple[str, str | None]], list[str]], str, str]
] = [
    (
        "a required client without a proof",
        lambda s, c: [],
        "invalid_dpop_proof",
        "bind its tokens",
    ),
    (
        "no nonce",
        lambda s, c: [ProofSigner.generate().proof("POST", TOKEN_URL)],
        "use_dpop_nonce",
        "current DPoP-Nonce",
    ),
    (
        "a nonce the server did not give",
        lambda s, c: [
            ProofSigner.generate().proof("POST", TOKEN_URL, nonce="AAAAAAAAAAAAAAAA")
        ],
        "use_dpop_nonce",
        "current DPoP-Nonce",
    ),
    ("a replayed proof", _replayed, "invalid_dpop_proof", "used before"),
    ("another method", _with_nonce(method="GET"), "invalid_dpop_proof", "htm"),
    (
        "another URL",
        _with_nonce(uri=f"{ISSUER}/oauth/introspect"),
        "invalid_dpop_proof",
        "htu",
    ),
    ("two DPoP headers", _two_proofs, "invalid_dpop_proof", "one DPoP header"),
    ("a private key", _private_key_in_header, "invalid_dpop_proof", "public key"),
    ("not a JWT", lambda s, c: ["not.a.jwt"], "invalid_dpop_proof", "not a JWT"),
]


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        pytest.param(make, error, words, id=name)
        for name, make, error, words in REFUSALS
    ],
)
def test_each_refusal_at_the_token_endpoint(
    sharing: Sharing,
    make: Callable[[Sharing, tuple[str, str | None]], list[str]],
    error: str,
    words: str,
) -> None:
    client = sharing.register(scopes=["tips:read"], dpop="required")
    response = _post(sharing, client, make(sharing, client))
    assert response.status_code == 400, response.text
    assert response.json()["error"] == error
    assert words in response.json()["error_description"]
    assert response.headers["cache-control"] == "no-store"
    if error == "use_dpop_nonce":
        assert response.headers["dpop-nonce"]


def test_without_server_nonces_a_proof_needs_none(
    sharing_factory: Callable[..., Sharing],
) -> None:
    sharing = sharing_factory(dpop_nonces=False)
    client = sharing.register(scopes=["tips:read"], dpop="required")
    response = _post(sharing, client, [ProofSigner.generate().proof("POST", TOKEN_URL)])
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "DPoP"
    assert "dpop-nonce" not in response.headers


def test_the_metadata_names_the_proof_algorithms(sharing: Sharing) -> None:
    metadata = sharing.client.get("/.well-known/oauth-authorization-server").json()
    assert metadata["dpop_signing_alg_values_supported"] == ["ES256", "PS256", "EdDSA"]


def test_introspection_answers_the_binding(sharing: Sharing) -> None:
    client = sharing.register(scopes=["tips:read"])
    signer = ProofSigner.generate()
    proof = signer.proof("POST", TOKEN_URL, nonce=_nonce(sharing, client))
    token = _post(sharing, client, [proof]).json()["access_token"]
    client_id, secret = client
    answer = sharing.client.post(
        "/oauth/introspect", data={"token": token}, auth=(client_id, secret or "")
    ).json()
    assert answer["active"] is True
    assert answer["token_type"] == "DPoP"
    assert answer["cnf"] == {"jkt": signer.jkt}


def test_the_cli_registers_and_lists_a_client_s_dpop_policy(
    sharing: Sharing,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("SHARING_DATABASE_URL", sharing.settings.effective_database_url)
    arguments = ["clients", "add", "--name", "Polisen", "--org-number", "202100-0076"]
    arguments += ["--kind", "partner", "--recipient", "polismyndigheten"]
    arguments += ["--scopes", "disclosures:request", "--dpop", "required"]
    assert main(arguments) == 0
    added = json.loads(capsys.readouterr().out)
    assert main(["clients", "list"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    policies = {client["client_id"]: client["dpop"] for client in listed}
    assert policies[added["client_id"]] == "required"
    assert policies["sharing-service"] == "optional"
    response = _post(sharing, (added["client_id"], added["client_secret"]), [])
    assert response.json()["error"] == "invalid_dpop_proof"
    with pytest.raises(SystemExit):
        main([*arguments[:-1], "sometimes"])
