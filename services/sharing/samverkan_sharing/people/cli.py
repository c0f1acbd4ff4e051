"""`samverkan people add|list|sign-in`: person accounts, from the operator's shell.

Like every command module, it imports the service's modules inside each command:
`samverkan` loads this module for every command it runs.
"""

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlmodel import Session

__all__ = ["add_people_commands"]


def open_session() -> "Session":
    from samverkan_sharing.cli import open_session as operator_session

    return operator_session()


def _add_person(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from samverkan_shared.problems import Problem
    from samverkan_sharing.people.service import add_person
    from samverkan_sharing.settings import SharingSettings

    settings = SharingSettings()
    if args.no_totp and not settings.demo:
        print(
            "error: outside the demo every person has a second factor", file=sys.stderr
        )
        return 2
    with open_session() as session:
        try:
            new = add_person(
                session,
                name=args.name,
                org_number=args.org_number,
                username=args.username,
                roles=args.roles.split(),
                keyring=settings.keyring(),
                with_totp=not args.no_totp,
                issuer_name="Samverkan",
                now=datetime.now(UTC),
            )
        except Problem as error:
            print(f"error: {error.detail}", file=sys.stderr)
            return 2
        output = {
            "person_id": new.record.person_id,
            "username": new.record.username,
            "password": new.password,
        }
    if new.totp_uri is not None:
        output["totp_uri"] = new.totp_uri
    print(json.dumps(output))
    return 0


def _list_people(args: argparse.Namespace) -> int:
    from samverkan_sharing.people.repository import PersonRepository

    with open_session() as session:
        for person in PersonRepository(session).all():
            print(
                json.dumps(
                    {
                        "person_id": person.person_id,
                        "username": person.username,
                        "name": person.name,
                        "org_number": person.org_number,
                        "roles": person.roles,
                        "second_factor": person.totp_secret is not None,
                        "active": person.active,
                    }
                )
            )
    return 0


def _sign_in_person(args: argparse.Namespace) -> int:
    from samverkan_sharing.signin.command import run_sign_in

    return run_sign_in(args, stdin=sys.stdin, stdout=sys.stdout, stderr=sys.stderr)


def _add_sign_in_command(
    actions: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    # The defaults are repeated from samverkan_sharing.signin.command (not imported
    # here, see above); a test keeps them equal.
    sign_in = actions.add_parser(
        "sign-in",
        help="sign a person in at a running issuer, as a case system does, and print "
        "the token response; the password is read from stdin, the one-time code too "
        "when the page asks for it",
    )
    sign_in.add_argument("--username", required=True)
    sign_in.add_argument(
        "--issuer",
        help="default: the issuer in demo-clients.json, else http://127.0.0.1:8002",
    )
    sign_in.add_argument(
        "--client-id", help="default: the demo's console client (demo-clients.json)"
    )
    sign_in.add_argument("--client-secret")
    sign_in.add_argument(
        "--client-key",
        metavar="FILE",
        help="the client's private key (PEM): authenticate with private_key_jwt, as "
        "the FAPI 2.0 profile requires, instead of a secret",
    )
    sign_in.add_argument(
        "--dpop-key",
        metavar="FILE",
        help="bind the tokens to the P-256 key in FILE (DPoP, required under FAPI 2.0);"
        " a missing FILE is created with a new key, readable by its owner only",
    )
    sign_in.add_argument(
        "--redirect-uri",
        default=None,
        help="one the client is registered with (default: the demo console's)",
    )
    sign_in.add_argument(
        "--scope",
        default="openid profile disclosures:assess disclosures:approve audit:read",
        help="the token gets only the scopes the person's roles allow",
    )
    sign_in.set_defaults(handler=_sign_in_person)


def add_people_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    people = commands.add_parser(
        "people", help="person accounts: officers who sign in as themselves"
    )
    actions = people.add_subparsers(dest="action", required=True)
    add = actions.add_parser(
        "add",
        help="register a person; prints the initial password (and the TOTP URI for "
        "their authenticator app) once, as JSON",
    )
    add.add_argument("--name", required=True)
    add.add_argument("--org-number", required=True)
    add.add_argument("--username", required=True)
    add.add_argument(
        "--roles",
        required=True,
        help="space-separated, of: assessor approver compliance reporter case_officer",
    )
    add.add_argument(
        "--no-totp", action="store_true", help="no second factor (the demo only)"
    )
    add.set_defaults(handler=_add_person)
    actions.add_parser("list", help="one JSON line per person").set_defaults(
        handler=_list_people
    )
    _add_sign_in_command(actions)
