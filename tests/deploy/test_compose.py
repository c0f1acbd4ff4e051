"""deploy/: docker-compose.yml and the Dockerfile, checked offline."""

import re

import yaml

from tests.support.manifests import ROOT
from tests.support.workloads import ALL_INTERFACES, SERVICES, SINGLE_PROCESS


def test_docker_compose_waits_for_migrations_and_checks_health() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    postgres = services["postgres"]
    assert re.fullmatch(r"postgres:16\.\d+-\w+", postgres["image"])
    assert "healthcheck" in postgres
    assert services["migrate"]["command"] == ["migrate"]
    assert (
        services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    )
    for service, port in SERVICES.items():
        spec = services[service]
        assert spec["command"] == [
            "serve",
            service,
            "--host",
            ALL_INTERFACES,
            "--port",
            str(port),
        ]
        assert spec["ports"] == [f"127.0.0.1:{port}:{port}"]
        assert f"http://127.0.0.1:{port}/readyz" in spec["healthcheck"]["test"]
        assert spec["read_only"] is True
        assert spec["user"] not in {"0", "root"}
        if service in SINGLE_PROCESS:
            continue
        assert (
            spec["depends_on"]["migrate"]["condition"]
            == "service_completed_successfully"
        )
    # The console: no database, so it waits for the services it calls instead.
    console = services["console"]
    assert console["depends_on"] == {
        "sharing": {"condition": "service_healthy"},
        "audit-log": {"condition": "service_healthy"},
    }
    assert "deploy" not in console  # no replicas: one process holds the sessions
    for spec in services.values():
        image = spec["image"]
        assert ":" in image, image
        assert not image.endswith(":latest"), image


def test_the_dockerfile_is_pinned_multi_stage_and_non_root() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert dockerfile.startswith("# syntax="), (
        "a parser directive must be the first line"
    )
    lines = [line.strip() for line in dockerfile.splitlines()]
    bases = [line.split()[1] for line in lines if line.upper().startswith("FROM ")]
    assert len(bases) >= 2, "multi-stage"
    for base in bases:
        assert re.fullmatch(
            r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", base
        )
    users = [line.split()[1] for line in lines if line.upper().startswith("USER ")]
    assert users, "no USER"
    assert users[-1].split(":")[0] not in {"0", "root"}
    last_stage = dockerfile.rsplit("\nFROM ", 1)[1]
    assert "USER " in last_stage
    assert re.search(r"uv sync --locked\b.*--no-dev", dockerfile)


def test_docker_compose_gives_the_console_the_browsers_issuer() -> None:
    """The provider's URL is the browser's (the tokens' `iss`); the APIs are called at
    the network names, and one worker holds the sessions."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    environment = compose["services"]["console"]["environment"]
    assert environment["CONSOLE_OIDC_ISSUER"] == environment["SAMVERKAN_ISSUER"]
    assert environment["CONSOLE_PUBLIC_URL"] == "http://127.0.0.1:8004"
    assert environment["SAMVERKAN_SHARING_URL"] == "http://sharing:8002"
    assert environment["SAMVERKAN_AUDIT_LOG_URL"] == "http://audit-log:8003"
    assert environment["SAMVERKAN_CONSOLE_WORKERS"] == "1"
