"""The in-flight bound: past it a request gets 503 problem+json at once; nothing leaks."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from samverkan_shared.admission import AdmissionGate
from samverkan_shared.db import make_engine
from samverkan_shared.service_app import ServiceApp, build_app
from samverkan_shared.settings import ServiceSettings

LIMIT = 2


def _app(tmp_path: Path, limit: int = LIMIT) -> ServiceApp[None]:
    app = build_app(
        service="test",
        title="test",
        description="test",
        settings=ServiceSettings(data_dir=tmp_path, max_in_flight=limit),
        engine=make_engine(f"sqlite:///{tmp_path}/t.db"),
        open_state=lambda _stack, _platform: None,
    )
    app.state.release = asyncio.Event()

    @app.get("/slow")
    async def slow() -> dict[str, str]:
        await app.state.release.wait()
        return {"done": "yes"}

    @app.get("/fast")
    async def fast() -> dict[str, str]:
        return {"done": "yes"}

    @app.get("/fails")
    async def fails() -> None:
        raise RuntimeError("broken")

    return app


def _run(
    app: ServiceApp[None], scenario: Callable[[httpx.AsyncClient], Awaitable[None]]
) -> None:
    async def main() -> None:
        app.state.release = asyncio.Event()  # bound to this loop
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        # ASGITransport sends no lifespan events: the app is started here.
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://t") as client,
        ):
            await asyncio.wait_for(scenario(client), timeout=10)

    asyncio.run(main())


async def _hold(
    app: ServiceApp[None], client: httpx.AsyncClient, count: int
) -> list[asyncio.Task[httpx.Response]]:
    """``count`` requests that stay in flight until app.state.release is set."""
    held = [asyncio.create_task(client.get("/slow")) for _ in range(count)]
    gate: AdmissionGate = app.platform.admission
    while gate.in_flight < count:
        await asyncio.sleep(0.001)
    return held


def test_a_request_past_the_limit_gets_503_problem_with_retry_after(
    tmp_path: Path,
) -> None:
    app = _app(tmp_path)

    async def scenario(client: httpx.AsyncClient) -> None:
        held = await _hold(app, client, LIMIT)
        refused = await client.get("/fast")
        assert refused.status_code == 503
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.headers["retry-after"] == "1"
        assert f"({LIMIT})" in refused.json()["detail"]
        assert refused.headers["x-request-id"]  # logged and traceable like any other
        app.state.release.set()
        assert [r.status_code for r in await asyncio.gather(*held)] == [200, 200]
        # The places are free again.
        assert (await client.get("/fast")).status_code == 200
        assert app.platform.admission.in_flight == 0

    _run(app, scenario)
    assert app.platform.admission.refused == 1


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
def test_probes_and_metrics_are_answered_at_the_limit(
    tmp_path: Path, path: str
) -> None:
    app = _app(tmp_path, limit=1)

    async def scenario(client: httpx.AsyncClient) -> None:
        held = await _hold(app, client, 1)
        assert (await client.get(path)).status_code == 200
        app.state.release.set()
        await asyncio.gather(*held)

    _run(app, scenario)


def test_failed_and_abandoned_requests_give_their_place_back(tmp_path: Path) -> None:
    app = _app(tmp_path, limit=1)

    async def scenario(client: httpx.AsyncClient) -> None:
        assert (await client.get("/fails")).status_code == 500
        assert app.platform.admission.in_flight == 0
        held = await _hold(app, client, 1)
        held[0].cancel()  # the client went away mid-request
        await asyncio.gather(*held, return_exceptions=True)
        assert app.platform.admission.in_flight == 0
        assert (await client.get("/fast")).status_code == 200

    _run(app, scenario)


def test_metrics_show_the_bound_and_the_refusals(tmp_path: Path) -> None:
    app = _app(tmp_path, limit=1)
    text = ""

    async def scenario(client: httpx.AsyncClient) -> None:
        nonlocal text
        held = await _hold(app, client, 1)
        await client.get("/fast")
        await client.get("/fast")
        text = (await client.get("/metrics")).text
        app.state.release.set()
        await asyncio.gather(*held)

    _run(app, scenario)
    assert 'samverkan_http_requests_in_flight{service="test"} 1.0' in text
    assert 'samverkan_http_requests_in_flight_limit{service="test"} 1.0' in text
    assert 'samverkan_http_requests_refused_total{service="test"} 2.0' in text


def test_each_service_reads_its_own_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from samverkan_audit_log.settings import AuditLogSettings
    from samverkan_sharing.settings import SharingSettings
    from samverkan_tips.settings import TipsSettings

    monkeypatch.setenv("TIPS_MAX_IN_FLIGHT", "5")
    monkeypatch.setenv("AUDIT_MAX_IN_FLIGHT", "500")
    assert TipsSettings().max_in_flight == 5
    assert AuditLogSettings().max_in_flight == 500
    assert SharingSettings().max_in_flight == 64
    monkeypatch.setenv("SHARING_MAX_IN_FLIGHT", "0")
    with pytest.raises(ValidationError, match="max_in_flight"):
        SharingSettings()


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        AdmissionGate(0)
