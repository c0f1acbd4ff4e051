"""How the supervisor starts a service: one uvicorn process, or several workers."""

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from samverkan_shared.cli import main
from samverkan_shared.logging import configure_logging
from samverkan_shared.service_spec import ServiceSpec
from samverkan_shared.supervisor import Suite, uvicorn_command, workers_for
from tests.support.processes import free_port

SPEC = ServiceSpec(
    name="audit-log",
    factory="samverkan_audit_log.app:create_app",
    default_port=8003,
    migrate=lambda: None,
)


@pytest.fixture(autouse=True)
def _logging_to_the_real_stderr() -> Iterator[None]:
    """`run` and `serve` configure logging on capsys' stream: point it back after."""
    yield
    configure_logging()


def test_one_process_unless_told_otherwise() -> None:
    assert workers_for(SPEC, {}) == 1
    command = uvicorn_command(SPEC, "127.0.0.1", 8003, workers_for(SPEC, {}))
    assert "--workers" not in command
    assert command[command.index("--port") + 1] == "8003"


def test_workers_come_from_the_services_own_variable() -> None:
    env = {"SAMVERKAN_AUDIT_LOG_WORKERS": "3", "SAMVERKAN_TIPS_WORKERS": "5"}
    command = uvicorn_command(SPEC, "127.0.0.1", 8003, workers_for(SPEC, env))
    assert command[command.index("--workers") + 1] == "3"


@pytest.mark.parametrize("value", ["0", "-1", "two", "65", "1.5"])
def test_a_nonsensical_worker_count_is_refused_by_name(value: str) -> None:
    with pytest.raises(ValueError, match="SAMVERKAN_AUDIT_LOG_WORKERS"):
        workers_for(SPEC, {"SAMVERKAN_AUDIT_LOG_WORKERS": value})


@pytest.mark.parametrize(
    ("command", "variable"),
    [
        (["run"], "SAMVERKAN_TIPS_WORKERS"),
        (["serve", "audit-log"], "SAMVERKAN_AUDIT_LOG_WORKERS"),
    ],
)
def test_a_bad_worker_count_stops_the_command_with_one_line(
    command: list[str],
    variable: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before anything is migrated or started: no traceback, the variable named."""
    monkeypatch.setenv(variable, "two")
    monkeypatch.setattr(Suite, "prepare", _must_not_run)
    monkeypatch.setattr(Suite, "start", _must_not_run)

    assert main(["--data-dir", str(tmp_path / "var"), *command]) == 2
    [line] = capsys.readouterr().err.splitlines()
    event = json.loads(line)  # the services' format: stderr is no terminal here
    assert event.pop("timestamp")
    assert event == {
        "event": "invalid_workers",
        "level": "error",
        "logger": "samverkan.supervisor",
        "detail": f"{variable}='two': give a whole number of worker processes "
        "from 1 to 64",
    }


def _must_not_run(*_args: object) -> None:
    raise AssertionError("started although the configuration was refused")


class TestDemoReset:
    """`samverkan demo reset` (`make reset`): a fresh demo without deleting .venv."""

    @pytest.fixture(autouse=True)
    def ports(self, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
        """Every service on a port of its own that nothing listens on."""
        ports = {name: free_port() for name in ("TIPS", "SHARING", "AUDIT_LOG")}
        for name, port in ports.items():
            monkeypatch.setenv(f"SAMVERKAN_{name}_PORT", str(port))
        return ports

    def _demo_dir(self, tmp_path: Path) -> Path:
        data_dir = tmp_path / "var"
        (data_dir / "oauth-signing-keys").mkdir(parents=True)
        for name in ("demo-clients.json", "tips.db", "tips.db-wal", "pseudonym.key"):
            (data_dir / name).write_text("x")
        return data_dir

    def test_removes_the_demo_data_directory(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        data_dir = self._demo_dir(tmp_path)
        assert main(["--data-dir", str(data_dir), "demo", "reset"]) == 0
        assert not data_dir.exists()
        assert "`make run` seeds a fresh demo" in capsys.readouterr().err

    def test_refuses_a_directory_the_demo_did_not_make(self, tmp_path: Path) -> None:
        data_dir = self._demo_dir(tmp_path)
        (data_dir / "demo-clients.json").unlink()
        assert main(["--data-dir", str(data_dir), "demo", "reset"]) == 1
        assert (data_dir / "tips.db").exists()

    def test_refuses_while_a_service_listens(
        self,
        tmp_path: Path,
        ports: dict[str, int],
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        data_dir = self._demo_dir(tmp_path)
        port = ports["SHARING"]
        with socket.create_server(("127.0.0.1", port)):  # sharing still runs
            assert main(["--data-dir", str(data_dir), "demo", "reset"]) == 1
        assert (data_dir / "tips.db").exists()
        assert capsys.readouterr().err == (
            f"samverkan: port {port} (sharing) is in use: stop `make run` first; "
            "nothing removed\n"
        )
