"""`samverkan people sign-in` with keys: private_key_jwt (RFC 7523) instead of a
secret, tokens bound to a DPoP key (RFC 9449), and the pushed request (RFC 9126)
whenever the issuer offers it: what the FAPI 2.0 profile, production's, requires."""

import argparse
import io
import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from authlib.jose import JsonWebKey, jwt

from samverkan_shared.dpop import jwk_thumbprint
from samverkan_sharing.cli import register
from samverkan_sharing.signin.command import run_sign_in
from tests.support.sharing import ISSUER, Sharing
from tests.support.signing_in import REDIRECT_URI


class _Pipe(io.StringIO):
    """stdin from a pipe: the password is read without a prompt."""


class _Recording(httpx.BaseTransport):
    """Forwards to the app and keeps each request's method and URL."""

    def __init__(self, sharing: Sharing) -> None:
        self.sharing = sharing
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response = self.sharing.client.send(request, follow_redirects=False)
        response.read()
        headers = {
            name: value
            for name, value in response.headers.items()
            if name.lower() != "content-length"
        }
        return httpx.Response(
            response.status_code, headers=headers, content=response.content
        )


def _sign_in(
    sharing: Sharing, password: str, *argv: str
) -> tuple[int, str, str, _Recording]:
    parser = argparse.ArgumentParser(prog="samverkan")
    parser.add_argument("--data-dir")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(
        ["--data-dir", str(sharing.settings.data_dir), "people", "sign-in", *argv]
    )
    stdout, stderr = io.StringIO(), io.StringIO()
    recording = _Recording(sharing)
    code = run_sign_in(
        args,
        http=httpx.Client(base_url=ISSUER, transport=recording),
        stdin=_Pipe(password + "\n"),
        stdout=stdout,
        stderr=stderr,
    )
    return code, stdout.getvalue(), stderr.getvalue(), recording


def _claims(sharing: Sharing, token: str) -> Any:
    keys = JsonWebKey.import_key_set(
        sharing.client.get("/.well-known/jwks.json").json()
    )
    return jwt.decode(token, keys)


def _keyed_client(sharing: Sharing, tmp_path: Path) -> tuple[str, Path]:
    """A client that signs people in with private_key_jwt, and its key's file."""
    key = JsonWebKey.generate_key("EC", "P-256", is_private=True)
    client_id, secret = sharing.register(
        name="Ärendesystem",
        scopes=["openid", "profile", "disclosures:assess"],
        redirect_uris=[REDIRECT_URI],
        jwks={"keys": [key.as_dict(is_private=False)]},
    )
    assert secret is None
    path = tmp_path / "client-key.pem"
    path.write_bytes(key.as_pem(is_private=True))
    return client_id, path


def _dpop_thumbprint(path: Path) -> str:
    public = JsonWebKey.import_key(path.read_bytes()).as_dict(is_private=False)
    return jwk_thumbprint(public)


def _with_keys(client_id: str, client_key: Path, dpop_key: Path) -> list[str]:
    """Anna's sign-in with the client's key, bound to the DPoP key."""
    return [
        "--username", "anna", "--issuer", ISSUER, "--client-id", client_id,
        "--client-key", str(client_key), "--dpop-key", str(dpop_key),
        "--redirect-uri", REDIRECT_URI, "--scope", "openid profile disclosures:assess",
    ]  # fmt: skip


@pytest.fixture
def fapi(sharing_factory: Callable[..., Sharing]) -> Sharing:
    return sharing_factory(profile="fapi2")


def test_under_fapi2_signs_in_with_the_client_key_pushed_and_bound(
    fapi: Sharing, tmp_path: Path
) -> None:
    anna = fapi.add_person("anna", ["assessor"])
    client_id, client_key = _keyed_client(fapi, tmp_path)
    dpop_key = tmp_path / "dpop-key.pem"

    code, out, err, recording = _sign_in(
        fapi, anna.password, *_with_keys(client_id, client_key, dpop_key)
    )

    assert code == 0, err
    tokens = json.loads(out)
    assert tokens["token_type"] == "DPoP"
    claims = _claims(fapi, tokens["access_token"])
    assert claims["sub"] == anna.record.person_id
    # Bound to the key the command wrote, which only its owner may read.
    assert claims["cnf"]["jkt"] == _dpop_thumbprint(dpop_key)
    assert stat.S_IMODE(dpop_key.stat().st_mode) == 0o600
    assert f"bound to the DPoP key in {dpop_key}" in err
    # The browser's request carried only the pushed request's reference.
    (authorize,) = [r for r in recording.requests if r.method == "GET" and
                    r.url.path == "/oauth/authorize"]  # fmt: skip
    assert set(authorize.url.params) == {"client_id", "request_uri"}
    assert "client_secret" not in out + err


def test_an_existing_dpop_key_is_used_again(sharing: Sharing, tmp_path: Path) -> None:
    """Outside the profile too: the same file, the same key, tokens bound to it."""
    anna = sharing.add_person("anna", ["assessor"])
    client_id, client_key = _keyed_client(sharing, tmp_path)
    dpop_key = tmp_path / "dpop-key.pem"
    bound_to = []
    for _ in range(2):
        code, out, err, _recording = _sign_in(
            sharing, anna.password, *_with_keys(client_id, client_key, dpop_key)
        )
        assert code == 0, err
        bound_to.append(_claims(sharing, json.loads(out)["access_token"])["cnf"]["jkt"])
    assert bound_to == [_dpop_thumbprint(dpop_key)] * 2
    assert err.count("a new DPoP key") == 0  # the second run read the file


def test_under_fapi2_without_a_dpop_key_says_to_pass_one(
    fapi: Sharing, tmp_path: Path
) -> None:
    anna = fapi.add_person("anna", ["assessor"])
    client_id, client_key = _keyed_client(fapi, tmp_path)

    code, out, err, _recording = _sign_in(
        fapi, anna.password, "--username", "anna", "--issuer", ISSUER,
        "--client-id", client_id, "--client-key", str(client_key),
        "--redirect-uri", REDIRECT_URI, "--scope", "openid profile",
    )  # fmt: skip

    assert (code, out) == (1, "")
    assert "invalid_dpop_proof" in err
    assert "pass --dpop-key FILE" in err


def test_under_fapi2_a_secret_is_not_enough(fapi: Sharing, tmp_path: Path) -> None:
    """The profile takes private_key_jwt only: the push is refused, before any
    password is sent anywhere."""
    anna = fapi.add_person("anna", ["assessor"])
    client_id, _key = _keyed_client(fapi, tmp_path)

    code, out, err, recording = _sign_in(
        fapi, anna.password, "--username", "anna", "--issuer", ISSUER,
        "--client-id", client_id, "--client-secret", "a guess",
        "--dpop-key", str(tmp_path / "dpop.pem"), "--redirect-uri", REDIRECT_URI,
    )  # fmt: skip

    assert (code, out) == (1, "")
    assert "error: not signed in: invalid_client" in err
    assert not [r for r in recording.requests if r.url.path == "/oauth/authorize"]


@pytest.mark.parametrize(
    ("option", "content", "refusal"),
    [
        ("--client-key", b"not a key", "not a readable PEM key"),
        ("--dpop-key", b"not a key", "not a readable PEM key"),
        ("--dpop-key", "rsa", "not a private P-256 key"),
        ("--client-key", "public", "a public key"),
    ],
)
def test_a_key_file_that_cannot_be_used_is_exit_2(
    sharing: Sharing, tmp_path: Path, option: str, content: bytes | str, refusal: str
) -> None:
    path = tmp_path / "key.pem"
    if content == "rsa":
        content = JsonWebKey.generate_key("RSA", 2048, is_private=True).as_pem(
            is_private=True
        )
    elif content == "public":
        content = JsonWebKey.generate_key("EC", "P-256", is_private=True).as_pem(
            is_private=False
        )
    assert isinstance(content, bytes)
    path.write_bytes(content)
    client_key = tmp_path / "client.pem"
    client_key.write_bytes(
        JsonWebKey.generate_key("EC", "P-256", is_private=True).as_pem(is_private=True)
    )
    keys = {"--client-key": str(client_key), option: str(path)}

    code, out, err, recording = _sign_in(
        sharing, "x", "--username", "anna", "--client-id", "demo-x",
        *[part for pair in keys.items() for part in pair],
    )  # fmt: skip

    assert (code, out) == (2, "")
    assert f"error: {option} {path}: {refusal}" in err
    assert recording.requests == []
