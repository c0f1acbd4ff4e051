"""`samverkan clients|people|rules|disclosures|keys ...`: the operator's view of sharing."""

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from samverkan_sharing.people.cli import add_people_commands

# The service's modules are imported inside each command, not here: `samverkan`
# loads this module for every command it runs (to add these parsers), and the OAuth
# server, SQLModel and the settings cost ~3 s to import.
if TYPE_CHECKING:
    from sqlmodel import Session

    from samverkan_shared.client_certificates import ClientCertificate
    from samverkan_sharing.oauth.keys import SigningKeyStore

__all__ = ["CLIENT_KINDS", "open_session", "register"]

# `samverkan_sharing.oauth.service.CLIENT_KINDS`, which validates them again (a test
# keeps the two equal): importing it here would load the whole OAuth server.
CLIENT_KINDS = ("municipality", "partner", "compliance", "service")


def open_session() -> "Session":
    """A session on the configured database, for one operator command: its units
    read, then write, beside a running service, so on SQLite each takes the write
    lock at BEGIN (a plain BEGIN cannot become a writer once the service has
    committed meanwhile: "database is locked")."""
    from samverkan_shared.db import make_engine
    from samverkan_shared.sessions import writing_session
    from samverkan_sharing.settings import SharingSettings

    return writing_session(make_engine(SharingSettings().effective_database_url))


def _read_certificates(paths: list[str]) -> "list[ClientCertificate]":
    """The certificates of ``--tls-certificate`` (PEM or DER files); `ValueError`
    naming the file that cannot be read."""
    from samverkan_shared.client_certificates import certificate_from_file_bytes

    certificates = []
    for path in paths:
        try:
            certificates.append(certificate_from_file_bytes(Path(path).read_bytes()))
        except (OSError, ValueError) as error:
            raise ValueError(f"--tls-certificate {path}: {error}") from None
    return certificates


def _add(args: argparse.Namespace) -> int:
    from samverkan_sharing.oauth.registration import InvalidClient, register_client

    jwks: dict[str, Any] | None = None
    if args.jwks:
        try:
            jwks = json.loads(Path(args.jwks).read_text())
        except (OSError, ValueError) as error:
            print(f"error: --jwks {args.jwks}: {error}", file=sys.stderr)
            return 2
    try:
        certificates = _read_certificates(args.tls_certificate)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with open_session() as session:
        try:
            client, secret = register_client(
                session,
                name=args.name,
                org_number=args.org_number,
                kind=args.kind,
                scopes=args.scopes.split(),
                recipient=args.recipient,
                municipality_code=args.municipality,
                jwks=jwks,
                redirect_uris=args.redirect_uri,
                dpop=args.dpop,
                tls_subject_dn=args.tls_subject_dn,
                tls_san=args.tls_san,
                tls_certificates=certificates,
                certificate_bound_tokens=args.certificate_bound_tokens,
            )
        except InvalidClient as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        output: dict[str, Any] = {"client_id": client.client_id}
    if secret is not None:
        output["client_secret"] = secret
    print(json.dumps(output))
    return 0


def _list(args: argparse.Namespace) -> int:
    from samverkan_sharing.oauth.repository import ClientRepository

    with open_session() as session:
        for client in ClientRepository(session).all():
            print(
                json.dumps(
                    {
                        "client_id": client.client_id,
                        "name": client.name,
                        "org_number": client.org_number,
                        "kind": client.kind,
                        "recipient": client.recipient,
                        "municipality_code": client.municipality_code,
                        "scopes": client.scopes,
                        "auth_method": client.auth_method,
                        "redirect_uris": client.redirect_uris or [],
                        "dpop": client.dpop,
                        "tls_subject_dn": client.tls_subject_dn,
                        "tls_san": client.tls_san,
                        "tls_thumbprints": client.tls_thumbprints or [],
                        "certificate_bound_tokens": client.certificate_bound_tokens,
                        "active": client.active,
                    }
                )
            )
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from samverkan_sharing.oauth.registration import InvalidClient, revoke_client

    with open_session() as session:
        try:
            revoke_client(session, args.client_id)
        except InvalidClient as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    print(
        f"revoked {args.client_id}: no new tokens, live tokens refused within seconds"
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from samverkan_sharing.rules import CATALOGUE, catalogue_to_json

    print(catalogue_to_json(CATALOGUE))
    return 0


def _doc(args: argparse.Namespace) -> int:
    from samverkan_sharing.rules import CATALOGUE
    from samverkan_sharing.rules.catalogue_doc import catalogue_markdown

    print(catalogue_markdown(CATALOGUE), end="")
    return 0


def _key_store(*, create: bool) -> "SigningKeyStore":
    from samverkan_sharing.oauth.keys import SigningKeyStore
    from samverkan_sharing.settings import SharingSettings

    settings = SharingSettings()
    return SigningKeyStore(
        settings.effective_signing_keys_dir,
        token_lifetime=settings.token_lifetime,
        create=create,
    )


def _rotate(args: argparse.Namespace) -> int:
    key = _key_store(create=True).rotate()
    print(
        f"new signing key {key.kid}; earlier keys stay published until their tokens expire"
    )
    return 0


def _prune(args: argparse.Namespace) -> int:
    try:
        gone = _key_store(create=False).prune()
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if gone:
        print(f"deleted {len(gone)} retired signing key(s): {', '.join(gone)}")
    else:
        print("no retired signing key is past the lifetime of its last tokens")
    return 0


def _reencrypt(args: argparse.Namespace) -> int:
    from samverkan_shared.reencryption import run_command
    from samverkan_sharing.disclosures.reencrypt import reencrypt_payloads
    from samverkan_sharing.settings import SharingSettings

    settings = SharingSettings()
    return run_command(
        settings.effective_database_url, settings.keyring, reencrypt_payloads
    )


def _replay(args: argparse.Namespace) -> int:
    from samverkan_sharing.disclosures.replay_source import stored_decisions
    from samverkan_sharing.disclosures.repository import DisclosureRepository
    from samverkan_sharing.rules import (
        CATALOGUE,
        InvalidCatalogue,
        catalogue_from_json,
        replay,
    )

    proposed = CATALOGUE
    if args.catalogue:
        try:
            proposed = catalogue_from_json(Path(args.catalogue).read_text())
        except (OSError, ValueError, InvalidCatalogue) as error:
            print(f"error: --catalogue {args.catalogue}: {error}", file=sys.stderr)
            return 2
    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        print(f"error: --as-of {args.as_of!r} is not YYYY-MM-DD", file=sys.stderr)
        return 2
    unreadable: list[str] = []
    with open_session() as session:
        records = DisclosureRepository(session).all_decided()
        changes = replay(stored_decisions(records, unreadable), proposed, as_of)
    for change in changes:
        print(json.dumps(change.to_dict(), ensure_ascii=False))
    for problem in unreadable:
        print(f"not replayed: {problem}", file=sys.stderr)
    print(
        f"{len(changes)} field outcome(s) would change across {len(records)} stored "
        f"decision(s) under catalogue {proposed.version}",
        file=sys.stderr,
    )
    return 0


def _add_client_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    clients = commands.add_parser(
        "clients", help="register, list and revoke OAuth clients"
    )
    actions = clients.add_subparsers(dest="action", required=True)
    add = actions.add_parser(
        "add", help="register a client; prints its credentials as JSON"
    )
    _add_client_identity_arguments(add)
    add.add_argument(
        "--jwks", help="public JWKS file: private_key_jwt instead of a secret"
    )
    add.add_argument(
        "--redirect-uri",
        action="append",
        default=[],
        help="where people are sent back after signing in (repeatable); a client "
        "with one may sign people in (OpenID Connect, scopes openid profile …)",
    )
    add.add_argument(
        "--dpop",
        choices=("required", "optional"),
        default="optional",
        help="required: tokens only with a DPoP proof, bound to the client's key "
        "(RFC 9449); optional (default): bound when it sends one",
    )
    _add_client_tls_arguments(add)
    add.set_defaults(handler=_add)
    actions.add_parser("list", help="one JSON line per client").set_defaults(
        handler=_list
    )
    revoke = actions.add_parser("revoke", help="revoke a client and its live tokens")
    revoke.add_argument("client_id")
    revoke.set_defaults(handler=_revoke)


def _add_client_identity_arguments(add: argparse.ArgumentParser) -> None:
    """Who the client is and what it may ask for."""
    add.add_argument("--name", required=True)
    add.add_argument("--org-number", required=True)
    add.add_argument("--kind", required=True, choices=CLIENT_KINDS)
    add.add_argument(
        "--recipient", help="recipient code (partners), see docs/evaluation-contract.md"
    )
    add.add_argument(
        "--municipality",
        help="the municipality code (kommunkod) a tips:write client files tips for",
    )
    add.add_argument(
        "--scopes", required=True, help='space-separated, e.g. "tips:read"'
    )


def _add_client_tls_arguments(add: argparse.ArgumentParser) -> None:
    """Mutual TLS (RFC 8705): authenticating by certificate, tokens bound to it."""
    add.add_argument(
        "--tls-subject-dn",
        help="tls_client_auth (RFC 8705 §2.1) instead of a secret: the subject DN "
        "(RFC 4514, e.g. CN=Polisen,serialNumber=202100-0076,O=Polismyndigheten,"
        "C=SE) of the client's certificate from a certificate authority the "
        "ingress trusts",
    )
    add.add_argument(
        "--tls-san",
        metavar="KIND:VALUE",
        help="tls_client_auth (RFC 8705 §2.1.2) by a subject alternative name the "
        "certificate must carry instead of its subject DN: dns:<name>, uri:<URI>, "
        "ip:<address> or email:<address>, e.g. dns:api.polisen.se",
    )
    add.add_argument(
        "--tls-certificate",
        action="append",
        default=[],
        help="self_signed_tls_client_auth (RFC 8705 §2.2) instead of a secret: the "
        "client's own certificate, a PEM or DER file (repeatable, for a rollover)",
    )
    add.add_argument(
        "--certificate-bound-tokens",
        action="store_true",
        help="bind every token to the TLS client certificate the client presents "
        "(cnf.x5t#S256, RFC 8705 §3); always so with --tls-subject-dn, --tls-san "
        "and --tls-certificate",
    )


def _add_rule_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    rules = commands.add_parser("rules", help="the rule catalogue")
    rule_actions = rules.add_subparsers(dest="action", required=True)
    replay_parser = rule_actions.add_parser(
        "replay",
        help="re-evaluate every stored decision against the shipped catalogue (or a"
        " proposed one) and list the field outcomes it would flip",
    )
    replay_parser.add_argument(
        "--catalogue", help="a proposed catalogue JSON file (default: the shipped one)"
    )
    replay_parser.add_argument("--as-of", help="re-date every query (YYYY-MM-DD)")
    replay_parser.set_defaults(handler=_replay)
    export = rule_actions.add_parser(
        "export", help="print the shipped catalogue as JSON"
    )
    export.set_defaults(handler=_export)
    rule_actions.add_parser(
        "doc",
        help="print the catalogue as Markdown: every rule with its SFS text and what"
        " was verified (docs/rules.md)",
    ).set_defaults(handler=_doc)


def _add_disclosure_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    disclosures = commands.add_parser("disclosures", help="stored disclosures")
    disclosure_actions = disclosures.add_subparsers(dest="action", required=True)
    disclosure_actions.add_parser(
        "reencrypt",
        help="seal every released payload under the keyring's current key "
        "(after a rotation, before removing an old key); safe beside the service",
    ).set_defaults(handler=_reencrypt)


def _add_key_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    keys = commands.add_parser("keys", help="token signing keys")
    key_actions = keys.add_subparsers(dest="action", required=True)
    key_actions.add_parser("rotate", help="start signing with a new key").set_defaults(
        handler=_rotate
    )
    key_actions.add_parser(
        "prune",
        help="delete retired keys whose tokens have all expired (no longer published)",
    ).set_defaults(handler=_prune)


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """The sharing service's commands, added to `samverkan` (entry point)."""
    # The order here is the order of `samverkan --help`.
    _add_client_commands(commands)
    add_people_commands(commands)
    _add_rule_commands(commands)
    _add_disclosure_commands(commands)
    _add_key_commands(commands)
