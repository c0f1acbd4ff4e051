"""`samverkan tips import-agreements FILE`: agreements and suppliers from CSV (see
`samverkan_tips.agreements.csv_import` for the columns and the terms format);
`samverkan tips reencrypt`: every sealed field under the current key."""

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["register"]

_IMPORT_DESCRIPTION = """\
Insert or update framework agreements and their suppliers from a CSV file, in one
transaction. The import only adds: a supplier missing from the file stays on its
agreement's selection list. A bad row stops the import, naming its line."""

_IMPORT_EPILOG = """\
The file has one row per agreement and supplier, and a header naming the columns:

  agreement_id,agreement_name,area,valid_from,valid_to,terms,owner_org_number,supplier_org_number,supplier_name

owner_org_number is the organisation that owns the agreement (a purchasing centre,
or a municipality for its own): only its officers manage the agreement's tips and
call-off stops. Dates are ISO (2022-04-01); an empty valid_to means open-ended.
terms lists the numbered terms as 1:Bemanning enligt bilaga 2|2:Tillstånd från IVO ('|' between
terms). An agreement's columns repeat on each of its rows and must agree; leave the
supplier columns empty for an agreement without suppliers."""


def _import_agreements(args: argparse.Namespace) -> int:
    # Imported here, not above: `samverkan` loads this module for every command it
    # runs (to add the `tips` parsers), and SQLModel and the service cost ~0.5 s.
    from samverkan_shared.db import make_engine
    from samverkan_shared.sessions import writing_session
    from samverkan_tips.agreements.csv_import import InvalidRow, parse_agreements_csv
    from samverkan_tips.agreements.service import import_agreements
    from samverkan_tips.settings import TipsSettings

    path = Path(args.file)
    try:
        agreements = parse_agreements_csv(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        print(f"error: cannot read {path}: {error.strerror or error}", file=sys.stderr)
        return 2
    except (InvalidRow, UnicodeDecodeError) as error:
        print(f"error: {path}: {error}", file=sys.stderr)
        return 2
    overrides: dict[str, Any] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    engine = make_engine(TipsSettings(**overrides).effective_database_url)
    try:
        # Beside a running service: on SQLite the unit takes the write lock at BEGIN.
        with writing_session(engine) as session:
            summary = import_agreements(session, agreements)
    finally:
        engine.dispose()
    print(
        f"imported {summary.agreements} agreements with {summary.suppliers} suppliers",
        file=sys.stderr,
    )
    return 0


def _reencrypt(args: argparse.Namespace) -> int:
    from samverkan_shared.reencryption import run_command
    from samverkan_tips.settings import TipsSettings
    from samverkan_tips.tips.reencrypt import reencrypt_tips

    settings = TipsSettings()
    return run_command(
        settings.effective_database_url, settings.keyring, reencrypt_tips
    )


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the `tips` command group to the operator's `samverkan` command."""
    tips = commands.add_parser("tips", help="the tips service's data")
    actions = tips.add_subparsers(dest="tips_command", required=True)
    importer = actions.add_parser(
        "import-agreements",
        help="insert or update framework agreements and their suppliers from CSV",
        description=_IMPORT_DESCRIPTION,
        epilog=_IMPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    importer.add_argument("file", help="the CSV file (UTF-8, with a header row)")
    importer.set_defaults(handler=_import_agreements)
    actions.add_parser(
        "reencrypt",
        help="seal every tip's encrypted fields under the keyring's current key "
        "(after a rotation, before removing an old key); safe beside the service",
    ).set_defaults(handler=_reencrypt)
