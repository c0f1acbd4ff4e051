"""`samverkan people sign-in`: a relying party over real HTTP semantics, here against
the sharing app's TestClient."""

import argparse
import base64
import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from authlib.jose import JsonWebKey, JsonWebToken, jwt

from samverkan_sharing.cli import register
from samverkan_sharing.signin import command
from samverkan_sharing.signin.command import run_sign_in
from tests.support.sharing import ISSUER, Sharing
from tests.support.signing_in import code_now


class _Pipe(io.StringIO):
    """stdin from a pipe, not a terminal: the lines are read without a prompt."""


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="samverkan")
    parser.add_argument("--data-dir")
    register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


@pytest.fixture
def console(sharing: Sharing, tmp_path: Path) -> tuple[str, str]:
    """The demo's console client, as `make run` writes it to demo-clients.json."""
    client_id, secret = sharing.register(
        client_id="demo-console",
        scopes=command.PERSON_SCOPES.split(),
        redirect_uris=[command.CONSOLE_REDIRECT_URI],
    )
    assert secret is not None
    document = {
        "issuer": ISSUER,
        "clients": {"console": {"client_id": client_id, "client_secret": secret}},
    }
    (tmp_path / "demo-clients.json").write_text(json.dumps(document))
    return client_id, secret


def _claims(sharing: Sharing, token: str) -> Any:
    keys = JsonWebKey.import_key_set(
        sharing.client.get("/.well-known/jwks.json").json()
    )
    return jwt.decode(token, keys)


def _sign_in(
    sharing: Sharing, stdin: str, *argv: str, http: httpx.Client | None = None
) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    args = _args(
        "--data-dir", str(sharing.settings.data_dir), "people", "sign-in", *argv
    )
    code = run_sign_in(
        args,
        http=http or sharing.client,
        stdin=_Pipe(stdin),
        stdout=stdout,
        stderr=stderr,
    )
    return code, stdout.getvalue(), stderr.getvalue()


def test_signs_the_demo_person_in_with_the_demo_console(
    sharing: Sharing, console: tuple[str, str]
) -> None:
    anna = sharing.add_person("anna", ["assessor"], totp=False)

    code, out, err = _sign_in(sharing, anna.password + "\n", "--username", "anna")

    assert code == 0, err
    tokens = json.loads(out)
    assert sorted(tokens["scope"].split()) == [
        "disclosures:assess",
        "openid",
        "profile",
    ]
    claims = _claims(sharing, tokens["access_token"])
    assert claims["sub"] == anna.record.person_id
    assert claims["name"] == "Anna Andersson"
    assert "id_token" in tokens
    assert "demo's console client" in err
    assert anna.password not in out + err


def test_asks_for_the_one_time_code_when_the_page_does(
    sharing: Sharing, console: tuple[str, str]
) -> None:
    anna = sharing.add_person("anna", ["assessor"], totp=True)
    assert anna.totp_uri is not None
    client_id, secret = console

    code, out, err = _sign_in(
        sharing,
        f"{anna.password}\n{code_now(anna.totp_uri)}\n",
        "--username", "anna", "--issuer", ISSUER,
        "--client-id", client_id, "--client-secret", secret,
    )  # fmt: skip

    assert code == 0, err
    assert _claims(sharing, json.loads(out)["access_token"])["amr"] == [
        "pwd",
        "otp",
        "mfa",
    ]


def test_a_wrong_password_is_exit_1_with_the_page_s_words_and_no_token(
    sharing: Sharing, console: tuple[str, str]
) -> None:
    sharing.add_person("anna", ["assessor"], totp=False)

    code, out, err = _sign_in(sharing, "not the password\n", "--username", "anna")

    assert (code, out) == (1, "")
    assert "error: not signed in: Fel användarnamn, lösenord eller engångskod." in err


def test_a_redirect_uri_the_client_lacks_is_refused_before_any_password(
    sharing: Sharing, console: tuple[str, str]
) -> None:
    anna = sharing.add_person("anna", ["assessor"], totp=False)

    code, out, err = _sign_in(
        sharing, anna.password + "\n", "--username", "anna",
        "--redirect-uri", "http://127.0.0.1:9999/elsewhere",
    )  # fmt: skip

    assert (code, out) == (1, "")
    assert "error: not signed in:" in err


def test_a_scope_the_client_may_not_ask_is_the_issuer_s_error(
    sharing: Sharing, console: tuple[str, str]
) -> None:
    anna = sharing.add_person("anna", ["assessor"], totp=False)

    code, out, err = _sign_in(
        sharing,
        anna.password + "\n",
        "--username",
        "anna",
        "--scope",
        "openid tips:manage",
    )

    assert (code, out) == (1, "")
    assert "error: not signed in: invalid_scope" in err


def test_without_a_client_says_what_to_pass(sharing: Sharing) -> None:
    code, out, err = _sign_in(sharing, "x\n", "--username", "anna")

    assert (code, out) == (2, "")
    assert "--client-id and --client-secret" in err


def test_the_command_line_s_defaults_are_the_command_s() -> None:
    args = _args("people", "sign-in", "--username", "anna")
    assert args.redirect_uri is None  # the console's, where the suite runs it
    assert args.scope == command.PERSON_SCOPES


def test_the_console_s_callback_follows_where_the_suite_runs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SAMVERKAN_CONSOLE_URL", raising=False)
    assert command.console_redirect_uri() == command.CONSOLE_REDIRECT_URI
    monkeypatch.setenv("SAMVERKAN_CONSOLE_URL", "http://127.0.0.1:9999/")
    assert command.console_redirect_uri() == "http://127.0.0.1:9999/auth/callback"


# -- the ID token ------------------------------------------------------------------------

IdTokenChange = Callable[[Sharing, str], str]


class _TokenResponses(httpx.BaseTransport):
    """Forwards to the app; the token endpoint's ID token is replaced by ``change``'s,
    as an attacker between the command and the issuer (or a wrong issuer) would."""

    def __init__(self, sharing: Sharing, change: IdTokenChange) -> None:
        self.sharing, self.change = sharing, change

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.sharing.client.send(request, follow_redirects=False)
        response.read()
        body = response.content
        if request.url.path == "/oauth/token" and response.status_code == 200:
            tokens = response.json()
            tokens["id_token"] = self.change(self.sharing, tokens["id_token"])
            body = json.dumps(tokens).encode()
        headers = {
            name: value
            for name, value in response.headers.items()
            if name.lower() != "content-length"
        }
        return httpx.Response(response.status_code, headers=headers, content=body)


def _resigned(**changes: Any) -> IdTokenChange:
    """The issuer's ID token with ``changes`` to its claims, signed by the issuer."""

    def change(sharing: Sharing, token: str) -> str:
        issuer = sharing.client.app.running.state.token_issuer  # type: ignore[attr-defined]
        claims = {**_claims(sharing, token), **changes}
        signed: str = issuer.sign(claims, typ="JWT")
        return signed

    return change


def _forged_key(sharing: Sharing, token: str) -> str:
    """Signed with another key under the issuer's key id."""
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    key = JsonWebKey.generate_key("EC", "P-256", is_private=True)
    forged = JsonWebToken(["ES256"]).encode(header, dict(_claims(sharing, token)), key)
    return str(forged.decode())


def _hs256(sharing: Sharing, token: str) -> str:
    """Signed with a shared secret (HS256), which anyone holding it could do."""
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    forged = JsonWebToken(["HS256"]).encode(
        {**header, "alg": "HS256"}, dict(_claims(sharing, token)), b"s" * 32
    )
    return str(forged.decode())


def _unchanged(sharing: Sharing, token: str) -> str:
    return token


def _dropped(sharing: Sharing, token: str) -> str:
    return ""


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        pytest.param(_resigned(nonce="another"), "its nonce", id="wrong nonce"),
        pytest.param(_resigned(aud="demo-other", azp="demo-other"), "meant for",
                     id="wrong aud"),
        pytest.param(_resigned(iss="http://evil.test"), "issued by", id="wrong iss"),
        pytest.param(_resigned(exp=int(time.time()) - 600), "expired", id="expired"),
        pytest.param(_forged_key, "signature", id="bad signature"),
        pytest.param(_hs256, "algorithm 'HS256'", id="HS256"),
        pytest.param(_dropped, "not a JWT", id="not a JWT"),
    ],
)  # fmt: skip
def test_an_id_token_not_answering_this_sign_in_is_refused(
    sharing: Sharing, console: tuple[str, str], change: IdTokenChange, refusal: str
) -> None:
    anna = sharing.add_person("anna", ["assessor"], totp=False)
    http = httpx.Client(base_url=ISSUER, transport=_TokenResponses(sharing, change))

    code, out, err = _sign_in(sharing, anna.password + "\n", "--username", "anna",
                              http=http)  # fmt: skip

    assert (code, out) == (1, ""), err
    assert "error: not signed in: the ID token is refused: " in err
    assert refusal in err


def test_the_issuer_s_own_id_token_passes_the_check(
    sharing: Sharing, console: tuple[str, str]
) -> None:
    """The same interception, changing nothing: the refusals above are the changes'."""
    anna = sharing.add_person("anna", ["assessor"], totp=False)
    http = httpx.Client(base_url=ISSUER, transport=_TokenResponses(sharing, _unchanged))

    code, out, err = _sign_in(sharing, anna.password + "\n", "--username", "anna",
                              http=http)  # fmt: skip

    assert code == 0, err
    assert _claims(sharing, json.loads(out)["id_token"])["sub"] == anna.record.person_id
