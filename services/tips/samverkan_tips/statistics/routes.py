"""`/v1/statistics/tips`: figures over tips per agreement, supplier, category,
municipality or month, as JSON or CSV."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response

from samverkan_shared.problems import UnprocessableContent, problem_responses
from samverkan_shared.rfc3339 import Rfc3339DateTime
from samverkan_shared.sessions import ReadingSession
from samverkan_tips.dependencies import TipsReader
from samverkan_tips.statistics import service
from samverkan_tips.statistics.presenter import statistics_csv
from samverkan_tips.statistics.repository import StatisticsRepository
from samverkan_tips.statistics.schemas import TipStatistics
from samverkan_tips.tips.access import Caller

__all__ = ["router"]

router = APIRouter(prefix="/v1/statistics", tags=["statistics"])
_CSV = "text/csv"
_OK: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The figures per group; CSV with `Accept: text/csv`.",
        "content": {_CSV: {"schema": {"type": "string"}}},
    }
}


@router.get(
    "/tips",
    response_model=TipStatistics,
    responses={**_OK, **problem_responses(422)},
)
def tip_statistics(
    token: TipsReader,
    session: ReadingSession,
    group_by: Annotated[service.GroupBy, Query()],
    received_from: Annotated[Rfc3339DateTime | None, Query(alias="from")] = None,
    received_to: Annotated[Rfc3339DateTime | None, Query(alias="to")] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """Figures over the tips received in the period (`from` inclusive, `to`
    exclusive), not only those the caller may read: the point is to compare
    agreements, suppliers and municipalities.

    **Every tip** is counted over ended calendar months only: `from` omitted or the
    first of a month at 00:00 Swedish time, `to` the first of a month no later than
    this month's. A group is exact if the caller's organisation manages (tips:manage)
    every agreement its tips are on; otherwise a group of fewer than five tips shows
    `tips` as `"<5"` (its other figures null), a larger count is rounded to the
    nearest multiple of 5, the share substantiated is computed from the rounded
    counts over at least five decided tips, and a median is given over at least five
    tips. So no answer, nor the difference of two, singles out a reporter.

    Another period counts only the tips on the agreements the caller manages, exact
    (`counted: own_agreements`); for a caller that manages none it is a 422 naming
    `from` or `to`. Working days are Swedish: Monday to Friday except public
    holidays, midsommarafton, julafton and nyårsafton."""
    period = service.Period(_utc(received_from), _utc(received_to))
    caller = Caller.from_token(token)
    try:
        report = service.tip_statistics(
            StatisticsRepository(session),
            group_by,
            period,
            owns=caller.owns,
            manages=caller.manages and caller.org_number is not None,
            now=datetime.now(UTC),
        )
    except service.PeriodRefused as refused:
        raise _refused(refused.parameter, refused.detail) from None
    return _negotiated(TipStatistics.of(report), accept)


def _negotiated(statistics: TipStatistics, accept: str | None) -> Response:
    """The statistics as CSV or JSON, as the Accept header prefers."""
    if _wants_csv(accept):
        return Response(
            statistics_csv(statistics),
            media_type=f"{_CSV}; charset=utf-8",
            headers={"Vary": "Accept"},
        )
    return Response(
        statistics.model_dump_json(by_alias=True),
        media_type="application/json",
        headers={"Vary": "Accept"},
    )


def _refused(parameter: str, detail: str) -> UnprocessableContent:
    return UnprocessableContent(
        f"{parameter}: {detail}",
        errors=[{"parameter": parameter, "in": "query", "detail": detail}],
    )


def _wants_csv(accept: str | None) -> bool:
    """Whether the Accept header prefers text/csv to JSON (JSON on a tie or none)."""
    weights: dict[str, float] = {}
    for media_range in (accept or "").split(","):
        media_type, *parameters = (part.strip() for part in media_range.split(";"))
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[media_type.lower()] = weight
    return weights.get(_CSV, 0.0) > weights.get("application/json", 0.0)


def _utc(instant: datetime | None) -> datetime | None:
    return None if instant is None else instant.astimezone(UTC)
