"""`samverkan witness serve|key` and `samverkan receipt verify`: a partner's commands.

Nothing heavy is imported here: `samverkan` loads this module for every command.
"""

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

__all__ = ["register", "run_receipt_verify"]


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    witness = commands.add_parser("witness", help="run a witness of the audit log")
    actions = witness.add_subparsers(dest="action", required=True)
    serve = actions.add_parser(
        "serve",
        help="migrate the witness's database and serve C2SP tlog-witness "
        "(WITNESS_NAME, WITNESS_KEY_FILE, WITNESS_LOGS_FILE, WITNESS_DATABASE_URL)",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int)
    serve.set_defaults(handler=_serve)
    key = actions.add_parser("key", help="print the witness's cosigner verifier key")
    key.add_argument(
        "--create", action="store_true", help="create the key file if it is missing"
    )
    key.set_defaults(handler=_key)

    receipt = commands.add_parser("receipt", help="work with disclosure receipts")
    receipt_actions = receipt.add_subparsers(dest="action", required=True)
    verify = receipt_actions.add_parser(
        "verify",
        help="verify a receipt (C2SP tlog-proof) offline against pinned keys",
    )
    add_receipt_arguments(verify)
    verify.set_defaults(handler=run_receipt_verify)


def add_receipt_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="the receipt (.tlog-proof)")
    parser.add_argument(
        "--log-key", required=True, help="the log's note verifier key, as published"
    )
    parser.add_argument(
        "--witness-key",
        action="append",
        default=[],
        help="a witness's cosigner verifier key (repeat for each witness)",
    )
    parser.add_argument(
        "--policy",
        type=int,
        help="how many of the witnesses must have cosigned (default: all given)",
    )
    parser.add_argument(
        "--payload", type=Path, help="the released payload, to check its SHA-256"
    )


def run_receipt_verify(args: argparse.Namespace, *, stdout: TextIO = sys.stdout) -> int:
    """Exit 0 with ``OK: ...``, 1 with ``FAIL: <what failed>``, 2 for bad options."""
    from samverkan_shared.cosignature import parse_cosigner_key
    from samverkan_shared.signed_note import parse_verifier_key
    from samverkan_witness.receipts.verify import ReceiptInvalid, verify_receipt

    try:
        log_key = parse_verifier_key(args.log_key)
        witness_keys = [parse_cosigner_key(key) for key in args.witness_key]
    except ValueError as error:
        stdout.write(f"error: a key is not a verifier key: {error}\n")
        return 2
    try:
        text = args.file.read_text(encoding="utf-8")
        payload = args.payload.read_bytes() if args.payload else None
    except (OSError, UnicodeDecodeError) as error:
        stdout.write(f"FAIL: cannot read the receipt or payload: {error}\n")
        return 1
    try:
        verdict = verify_receipt(
            text, log_key, witness_keys, policy=args.policy, payload=payload
        )
    except ReceiptInvalid as error:
        stdout.write(f"FAIL: {error}\n")
        return 1
    stdout.write(verdict.line() + "\n")
    return 0


def _key(args: argparse.Namespace) -> int:
    from samverkan_witness.keys import MissingWitnessKey, load_witness_signer
    from samverkan_witness.settings import WitnessSettings

    settings = (
        WitnessSettings(data_dir=Path(args.data_dir))
        if args.data_dir
        else WitnessSettings()
    )
    try:
        signer = load_witness_signer(settings, create=args.create)
    except MissingWitnessKey as error:
        print(f"samverkan: {error}", file=sys.stderr)
        return 1
    print(signer.key.encode())
    return 0


def _serve(args: argparse.Namespace) -> int:
    """Migrate, then run the witness under the supervisor (as `samverkan serve`)."""
    from samverkan_shared.supervisor import Suite, start_logging
    from samverkan_witness.spec import SPEC

    start_logging()
    data_dir = Path(args.data_dir or os.environ.get("SAMVERKAN_DATA_DIR", "var"))
    data_dir.mkdir(parents=True, exist_ok=True)
    # The migration reads its settings from the environment, as the process will.
    os.environ["SAMVERKAN_DATA_DIR"] = str(data_dir.resolve())
    SPEC.migrate()
    suite = Suite(
        data_dir=data_dir,
        host=args.host,
        ports={SPEC.name: args.port} if args.port else {},
        demo=False,
        only=[SPEC.name],
    )
    suite.start()
    return suite.supervise()
