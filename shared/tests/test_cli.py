"""`samverkan` starts without importing any service: verification times include it."""

import subprocess
import sys

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
