"""`samverkan` starts without importing any service: verification times include it."""

import argparse
import subprocess
import sys
from collections.abc import Iterator

from samverkan_shared.cli import _parser

# What made `samverkan --help` take ~2.5 s: the supervisor (SQLModel, Alembic) and
# every service's command module (FastAPI, the OAuth server) imported up front.
_HEAVY = ("sqlmodel", "sqlalchemy", "alembic", "fastapi", "httpx", "authlib")


def _imported_after(code: str) -> list[str]:
    probe = (
        "import sys\n"
        f"{code}\n"
        f"print('imported:' + ','.join(m for m in {_HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    last = done.stdout.strip().splitlines()[-1]
    return [name for name in last.removeprefix("imported:").split(",") if name]


def test_building_the_parser_imports_no_heavy_module() -> None:
    # Every service's `register` runs here, as for any command.
    code = "from samverkan_shared.cli import _parser\n_parser()"
    assert _imported_after(code) == []


def test_help_of_every_command_group_is_cheap() -> None:
    code = (
        "from samverkan_shared.cli import main\n"
        "for group in ('audit', 'tips', 'clients', 'rules', 'keys'):\n"
        "    try:\n"
        "        main([group, '--help'])\n"
        "    except SystemExit:\n"
        "        pass"
    )
    assert _imported_after(code) == []


def test_a_command_still_imports_what_it_needs() -> None:
    # The probe itself is sound: running `audit verify` does load httpx.
    code = (
        "from samverkan_shared.cli import main\n"
        "import os\n"
        "os.environ.pop('SAMVERKAN_ACCESS_TOKEN', None)\n"
        "os.environ.pop('SAMVERKAN_CLIENT_ID', None)\n"
        "main(['audit', 'verify', '--url', 'http://127.0.0.1:9'])"
    )
    assert "httpx" in _imported_after(code)


def _parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*path, name))


class TestHelp:
    def test_internal_steps_are_listed_nowhere(self) -> None:
        """`samverkan --help` names no internal step, nor argparse's ==SUPPRESS==."""
        text = _parser().format_help()
        assert "SUPPRESS" not in text
        assert "prepare" not in text
        assert "after-start" not in text
        assert "uvicorn" not in text
        assert "run " in text  # the listing itself is still there

    def test_internal_steps_still_parse(self) -> None:
        """The supervisor's child processes call them."""
        args = _parser().parse_args(["prepare", "tips", "--seed"])
        assert (args.command, args.service, args.seed) == ("prepare", "tips", True)

    def test_every_description_is_whole_sentences(self) -> None:
        """No command's help ends mid-sentence or shows ==SUPPRESS==."""
        for path, parser in _parsers(_parser()):
            text = parser.format_help()
            assert "SUPPRESS" not in text, path
            for part in (parser.description, parser.epilog):
                assert part is None or part.rstrip()[-1] in ".)", (path, part)

    def test_import_agreements_describes_the_whole_file_format(self) -> None:
        commands = dict(_parsers(_parser()))
        text = commands["tips", "import-agreements"].format_help()
        assert COLUMN_HEADER in text
        assert "1:Bemanning enligt bilaga 2|2:Tillstånd från IVO" in text
        assert "empty valid_to means open-ended" in text


COLUMN_HEADER = (
    "agreement_id,agreement_name,area,valid_from,valid_to,terms,owner_org_number,"
    "supplier_org_number,supplier_name"
)
