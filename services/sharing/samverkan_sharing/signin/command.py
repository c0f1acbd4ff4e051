"""`samverkan people sign-in`: sign a person in at a running issuer and print the
token response, as a case system would (the password is read from stdin, never
from the command line, where other users of the machine can see it).

Under the FAPI 2.0 profile (production) the client authenticates with its private
key (``--client-key``) and the tokens are bound to a DPoP key (``--dpop-key``, a
file the command creates if it is missing): whoever then calls the services with
the access token signs each call's proof with that key.
"""

import argparse
import getpass
import json
import os
from contextlib import nullcontext
from pathlib import Path
from typing import Any, TextIO

import httpx
from authlib.jose import JsonWebKey
from authlib.jose.errors import JoseError

from samverkan_shared.dpop import ProofSigner
from samverkan_shared.http import make_client
from samverkan_sharing.signin.relying_party import (
    Person,
    RelyingParty,
    SignInFailed,
    sign_in,
)

__all__ = [
    "CONSOLE_REDIRECT_URI",
    "DEFAULT_ISSUER",
    "PERSON_SCOPES",
    "console_redirect_uri",
    "run_sign_in",
]

DEFAULT_ISSUER = "http://127.0.0.1:8002"
# The demo console's (`make run`): the only redirect URI its client has.
CONSOLE_REDIRECT_URI = "http://127.0.0.1:8004/auth/callback"


def console_redirect_uri() -> str:
    """The console's callback where the suite runs it (the supervisor sets
    SAMVERKAN_CONSOLE_URL for every service), else the default port's."""
    base = os.environ.get("SAMVERKAN_CONSOLE_URL")
    return f"{base.rstrip('/')}/auth/callback" if base else CONSOLE_REDIRECT_URI


# Everything a person may be given; the token holds only what their roles allow.
PERSON_SCOPES = "openid profile disclosures:assess disclosures:approve audit:read"


def run_sign_in(
    args: argparse.Namespace,
    *,
    http: httpx.Client | None = None,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    """0 and the token response on stdout; 1 when the sign-in fails; 2 when there
    is no client to sign in with, or a key file cannot be used."""
    try:
        party = _relying_party(args, stderr)
    except _UnusableKey as unusable:
        stderr.write(f"error: {unusable}\n")
        return 2
    if party is None:
        return 2
    password = _read(stdin, stderr, "Lösenord: ", secret=True)
    person = Person(
        args.username,
        password,
        lambda: _read(stdin, stderr, "Engångskod: ", secret=False),
    )
    try:
        # An injected client is the caller's to close.
        with nullcontext(http) if http is not None else make_client() as client:
            tokens = sign_in(client, party, person)
    except SignInFailed as refused:
        stderr.write(f"error: not signed in: {refused}\n")
        if party.dpop is None and "invalid_dpop_proof" in str(refused):
            stderr.write(
                "note: this issuer binds every token to a key (FAPI 2.0): pass "
                "--dpop-key FILE\n"
            )
        return 1
    except httpx.HTTPError as error:
        stderr.write(f"error: cannot reach {party.issuer}: {error}\n")
        return 1
    stdout.write(json.dumps(tokens, indent=2) + "\n")
    if party.dpop is not None:
        stderr.write(
            f"note: the tokens are bound to the DPoP key in {args.dpop_key}: each call "
            "with them needs a proof signed with it (RFC 9449)\n"
        )
    return 0


def _relying_party(args: argparse.Namespace, stderr: TextIO) -> RelyingParty | None:
    """The options, else the demo's console client from demo-clients.json."""
    demo_file = _data_dir(args) / "demo-clients.json"
    demo = _demo_clients(demo_file)
    client_id, secret = args.client_id, args.client_secret
    client_key = _client_key(args.client_key) if args.client_key else None
    if client_id is None and secret is None and client_key is None:
        console = demo.get("clients", {}).get("console", {})
        client_id, secret = console.get("client_id"), console.get("client_secret")
        if client_id is not None:
            stderr.write(f"note: the demo's console client from {demo_file}\n")
    if not client_id or not (secret or client_key is not None):
        stderr.write(
            "error: no client to sign in with: pass --client-id and --client-secret "
            "or --client-key (a client registered with --redirect-uri), or run the "
            f"demo ({demo_file})\n"
        )
        return None
    return RelyingParty(
        issuer=args.issuer or demo.get("issuer") or DEFAULT_ISSUER,
        client_id=client_id,
        client_secret=secret,
        redirect_uri=args.redirect_uri or console_redirect_uri(),
        scope=args.scope,
        client_key=client_key,
        dpop=_dpop_key(Path(args.dpop_key), stderr) if args.dpop_key else None,
    )


class _UnusableKey(Exception):
    """A key file given on the command line cannot be used; the message says why."""


def _client_key(path: str) -> Any:
    """The client's private key (PEM), for private_key_jwt."""
    try:
        key = JsonWebKey.import_key(Path(path).read_bytes())
    except (OSError, ValueError, JoseError) as error:
        raise _UnusableKey(
            f"--client-key {path}: not a readable PEM key ({error})"
        ) from None
    if "d" not in key.tokens:  # a public key holds no private member
        raise _UnusableKey(
            f"--client-key {path}: a public key; the private key is needed"
        )
    return key


def _dpop_key(path: Path, stderr: TextIO) -> ProofSigner:
    """The P-256 key in ``path`` (ES256), made and written (readable by its owner
    only) when the file does not exist yet."""
    if not path.exists():
        key = JsonWebKey.generate_key("EC", "P-256", is_private=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as file:
                file.write(key.as_pem(is_private=True))
        except OSError as error:
            raise _UnusableKey(
                f"--dpop-key {path}: cannot write a new key ({error})"
            ) from None
        stderr.write(f"note: a new DPoP key written to {path}\n")
        return ProofSigner(key)
    try:
        key = JsonWebKey.import_key(path.read_bytes())
    except (OSError, ValueError, JoseError) as error:
        raise _UnusableKey(
            f"--dpop-key {path}: not a readable PEM key ({error})"
        ) from None
    fields = key.tokens
    if (fields.get("kty"), fields.get("crv")) != ("EC", "P-256") or "d" not in fields:
        raise _UnusableKey(f"--dpop-key {path}: not a private P-256 key (ES256)")
    return ProofSigner(key)


def _read(stdin: TextIO, stderr: TextIO, prompt: str, *, secret: bool) -> str:
    """A line from stdin; at a terminal, asked for (a password without echo)."""
    if stdin.isatty():
        if secret:
            return getpass.getpass(prompt, stream=stderr)
        stderr.write(prompt)
        stderr.flush()
    return stdin.readline().rstrip("\r\n")


def _data_dir(args: argparse.Namespace) -> Path:
    """`samverkan --data-dir`, else $SAMVERKAN_DATA_DIR, else ./var (as `make run`)."""
    given = getattr(args, "data_dir", None)
    return Path(given or os.environ.get("SAMVERKAN_DATA_DIR") or "var")


def _demo_clients(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}
