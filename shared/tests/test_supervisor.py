"""How the supervisor starts a service: one uvicorn process, or several workers."""

import pytest

from samverkan_shared.service_spec import ServiceSpec
from samverkan_shared.supervisor import uvicorn_command, workers_for

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
