"""`/healthz` (the process is alive) and `/readyz` (its dependencies answer)."""

from collections.abc import Callable, Sequence

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy import Engine

from samverkan_shared.db import database_is_reachable
from samverkan_shared.problems import problem_response, problem_responses

__all__ = ["Health", "Readiness", "ReadinessCheck", "health_router"]

ReadinessCheck = tuple[str, Callable[[Request], bool]]


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    checks: dict[str, str]


def health_router(
    engine: Engine, extra_checks: Sequence[ReadinessCheck] = ()
) -> APIRouter:
    checks: list[ReadinessCheck] = [
        ("database", lambda _request: database_is_reachable(engine)),
        *extra_checks,
    ]
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="The process is alive")
    def healthz() -> Health:
        return Health(status="ok")

    @router.get(
        "/readyz",
        summary="The service and what it depends on answer",
        responses=problem_responses(503),
        response_model=Readiness,
    )
    async def readyz(request: Request) -> object:
        results = {
            name: "ok" if await run_in_threadpool(check, request) else "failing"
            for name, check in checks
        }
        failing = sorted(name for name, state in results.items() if state != "ok")
        if failing:
            return problem_response(
                503,
                f"Not ready: {', '.join(failing)} not reachable.",
                headers={"Retry-After": "5"},
                checks=results,
            )
        return Readiness(status="ready", checks=results)

    return router
