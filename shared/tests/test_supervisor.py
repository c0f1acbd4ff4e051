"""How the supervisor starts a service: one uvicorn process, or several workers."""

from pathlib import Path

import pytest

from samverkan_shared.cli import main
from samverkan_shared.service_spec import ServiceSpec
from samverkan_shared.supervisor import Suite, uvicorn_command, workers_for

SPEC = ServiceSpec(
    name="audit-log",
    factory="samverkan_audit_log.app:create_app",
    default_port=8003,
    migrate=lambda: None,
)


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
    message = capsys.readouterr().err.strip()
    assert message == (
        f"samverkan: {variable}='two': give a whole number of worker processes "
        "from 1 to 64"
    )


def _must_not_run(*_args: object) -> None:
    raise AssertionError("started although the configuration was refused")
