"""/metrics on the audit log: its size, read from the database at scrape time."""

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

SIZE_LINE = "samverkan_audit_log_entries "


def _size(client: TestClient) -> float | None:
    response = client.get("/metrics")  # open to scrapers: no token
    assert response.status_code == 200
    for line in response.text.splitlines():
        if line.startswith(SIZE_LINE):
            return float(line.removeprefix(SIZE_LINE))
    return None


def test_the_log_size_follows_the_appends(client, appender, make_entry) -> None:
    assert _size(client) == 0
    for number in range(3):
        response = client.post("/v1/entries", json=make_entry(number), headers=appender)
        assert response.status_code == 201
    assert _size(client) == 3


def test_without_its_database_the_size_is_left_out_not_invented(
    tmp_path: Path, build_app: Callable[[str], FastAPI]
) -> None:
    unmigrated = f"sqlite:///{tmp_path / 'empty.db'}"
    with TestClient(build_app(unmigrated)) as client:
        assert _size(client) is None
        assert "samverkan_http_requests_total" in client.get("/metrics").text
