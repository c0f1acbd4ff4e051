"""The tip statistics page over HTTP against the running suite: its table holds the
tips service's figures for the person, suppressed exactly as for their
organisation's client, and its CSV is the service's."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from samverkan_console.tip_statistics.service import Period, bar_chart
from samverkan_shared.supervisor import Suite
from tests.support.console import ConsoleUser, signed_in_person, tips_api
from tests.support.demo import demo_token

pytestmark = pytest.mark.e2e

LOCAL = ZoneInfo("Europe/Stockholm")
FIRST = "2020-01"
_ROW = re.compile(
    r'<tr data-group="([^"]+)">\s*<th scope="row">[^<]*</th>\s*<td>([^<]*)</td>'
)


officer = signed_in_person("case_officer")
reporter = signed_in_person("reporter")


def _this_month() -> date:
    return datetime.now(UTC).astimezone(LOCAL).date().replace(day=1)


def _last_month() -> str:
    """The latest month the page may show: the last that has ended."""
    return f"{_this_month() - timedelta(days=1):%Y-%m}"


def _api_period() -> dict[str, str]:
    """The instants the page asks for: FIRST's start to this month's, Swedish time."""

    def instant(day: date) -> str:
        moment = datetime.combine(day, time(0), tzinfo=LOCAL).astimezone(UTC)
        return moment.isoformat().replace("+00:00", "Z")

    return {"from": instant(date(2020, 1, 1)), "to": instant(_this_month())}


def _expected(suite: Suite, client: str, group_by: str) -> dict[str, str]:
    answer = tips_api(
        suite, client, "/v1/statistics/tips", group_by=group_by, **_api_period()
    )
    return {
        str(g["key"]): "färre än 5" if g["tips"] == "<5" else str(g["tips"])
        for g in answer["groups"]
    }


def _shown(user: ConsoleUser, group_by: str) -> dict[str, str]:
    page = user.get(
        "/tipsstatistik", gruppering=group_by, fran=FIRST, till=_last_month()
    )
    assert page.status_code == 200, page.text
    assert page.text.count('<svg class="diagram" role="img"') == 2
    return dict(_ROW.findall(page.text))


@pytest.mark.parametrize("group_by", ["agreement", "category", "month"])
def test_the_owner_s_officer_sees_the_figures_the_owner_s_client_gets(
    running_suite: Suite, officer: ConsoleUser, group_by: str
) -> None:
    expected = _expected(running_suite, "adda-manager", group_by)
    assert expected  # the demo's tips
    assert _shown(officer, group_by) == expected


def test_a_reporter_sees_small_groups_suppressed_as_their_municipality_does(
    running_suite: Suite, reporter: ConsoleUser
) -> None:
    expected = _expected(running_suite, "malmo", "supplier")
    assert "färre än 5" in expected.values()  # the demo has suppliers of few tips
    assert all(n == "färre än 5" or int(n) % 5 == 0 for n in expected.values())
    assert _shown(reporter, "supplier") == expected


def test_the_csv_is_the_tips_service_s(
    running_suite: Suite, officer: ConsoleUser
) -> None:
    download = officer.get(
        "/tipsstatistik/csv", gruppering="category", fran=FIRST, till=_last_month()
    )
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    answer = httpx.get(
        f"{running_suite.url('tips')}/v1/statistics/tips",
        params={"group_by": "category", **_api_period()},
        headers={
            "Authorization": f"Bearer {demo_token(running_suite, 'adda-manager')}",
            "Accept": "text/csv",
        },
        timeout=30.0,
    )
    assert download.text == answer.text


def test_a_bad_period_is_explained(officer: ConsoleUser) -> None:
    page = officer.get("/tipsstatistik", fran="2026-13")
    assert page.status_code == 422
    assert '<p role="alert" class="fel">Skriv månaderna som ÅÅÅÅ-MM.</p>' in page.text
    assert "<svg" not in page.text
    backwards = officer.get("/tipsstatistik", fran="2026-06", till="2026-01")
    assert "Perioden slutar före den börjar." in backwards.text
    current = officer.get("/tipsstatistik", till=f"{_this_month():%Y-%m}")
    assert current.status_code == 422
    assert (
        "Statistiken gäller månader som har tagit slut; den senaste är "
        f"{_last_month()}." in current.text
    )


def test_without_tips_read_the_page_is_refused(running_suite: Suite) -> None:
    assessor = ConsoleUser.signed_in(running_suite, "assessor")
    page = assessor.get("/tipsstatistik")
    assessor.close()
    assert page.status_code == 403


def test_the_default_period_is_the_last_twelve_ended_months() -> None:
    period = Period.read("", "", date(2026, 1, 20))
    assert (period.first, period.last) == (date(2025, 1, 1), date(2025, 12, 1))
    assert period.api_params() == {
        "from": "2024-12-31T23:00:00Z",
        "to": "2025-12-31T23:00:00Z",
    }
    assert Period.read("", "", date(2026, 12, 7)).first == date(2025, 12, 1)
    june = Period.read("2026-06", "2026-06", date(2026, 12, 7))
    assert june.api_params() == {
        "from": "2026-05-31T22:00:00Z",
        "to": "2026-06-30T22:00:00Z",
    }


def test_a_suppressed_group_draws_no_bar_and_bars_scale_to_the_largest() -> None:
    drawn = bar_chart(["A", "B", "C"], [[4.0], [None], [2.0]], ["Tips"])
    assert [bar.label for bar in drawn.bars] == ["A, Tips: 4", "C, Tips: 2"]
    assert drawn.bars[0].width == 2 * drawn.bars[1].width
    assert [name for _, name in drawn.names] == ["A", "B", "C"]
