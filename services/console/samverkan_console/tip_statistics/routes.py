"""`/tipsstatistik`: the tips service's figures per agreement, supplier, category,
municipality or month, as charts and a table of the same figures, and as CSV."""

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from samverkan_console.assessments.routes import require
from samverkan_console.errors import PageError
from samverkan_console.tip_statistics import service
from samverkan_console.web import Console, SignedIn, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_READ = "tips:read"
_PATH = "/v1/statistics/tips"


def _choice(request: Request, today: date) -> tuple[str, service.Period]:
    group_by = request.query_params.get("gruppering", "agreement")
    if group_by not in service.GROUPINGS:
        group_by = "agreement"
    period = service.Period.read(
        request.query_params.get("fran", ""),
        request.query_params.get("till", ""),
        today,
    )
    return group_by, period


@router.get("/tipsstatistik")
def tip_statistics(
    request: Request, console: Console, session: SignedIn
) -> HTMLResponse:
    require(session, _READ, "läsa tipsstatistik")
    today = console.clock().astimezone(service.LOCAL).date()
    group_by, period = _choice(request, today)
    context: dict[str, object] = {}
    if period.error is None:
        params = {"group_by": group_by, **period.api_params()}
        shown = service.figures(console.apis.get(session, "tips", _PATH, params))
        labels = [row.label for row in shown.rows]
        context = {
            "figures": shown,
            "count_chart": service.bar_chart(
                labels, [[row.tips] for row in shown.rows], ["Tips"]
            ),
            "days_chart": service.bar_chart(
                labels,
                [[r.acknowledgement_days, r.decision_days] for r in shown.rows],
                ["Till kvittens", "Till beslut"],
            ),
            "csv_query": {"gruppering": group_by, **_dates(period)},
        }
    return render(
        request,
        "tip_statistics/statistics.html",
        session,
        status=422 if period.error else 200,
        group_by=group_by,
        groupings=service.GROUPINGS,
        period=period,
        **context,
    )


@router.get("/tipsstatistik/csv")
def tip_statistics_csv(
    request: Request, console: Console, session: SignedIn
) -> Response:
    """The same figures as the tips service's CSV, as a download."""
    require(session, _READ, "läsa tipsstatistik")
    today = console.clock().astimezone(service.LOCAL).date()
    group_by, period = _choice(request, today)
    if period.error is not None:
        raise PageError(422, "Felaktig period", period.error)
    params = {"group_by": group_by, **period.api_params()}
    answer = console.apis.raw(session, "tips", _PATH, params, accept="text/csv")
    name = f"tipsstatistik-{group_by}-{period.first_month}-{period.last_month}.csv"
    return Response(
        answer.content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _dates(period: service.Period) -> dict[str, str]:
    return {"fran": period.first_month, "till": period.last_month}
