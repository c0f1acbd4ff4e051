"""The statistics page over HTTP against the running suite: its numbers are the log's
and the queue's, and only those who may read them see them."""

import re
import secrets
from collections import Counter
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from samverkan_shared.supervisor import Suite
from tests.support.console import (
    ConsoleUser,
    compliance_entries,
    read_log,
    sign_in_new_person,
    signed_in_person,
)
from tests.support.demo import demo_token

pytestmark = pytest.mark.e2e

LOCAL = ZoneInfo("Europe/Stockholm")


class _Tables(HTMLParser):
    """Each table's caption and its rows of cell texts (header cells included)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._caption, self._rows = "", []
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table" and self._caption is not None:
            self.tables[self._caption.strip()] = self._rows

    def handle_data(self, data: str) -> None:
        if self._in_caption and self._caption is not None:
            self._caption += data
        elif self._cell is not None:
            self._cell.append(data)


def tables(page: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def by_column(table: list[list[str]]) -> dict[tuple[str, str], int]:
    """{(month, series): count} of a month × series table, whose last column
    ("Summa") must be each row's sum."""
    header, *rows = table
    assert header[-1] == "Summa"
    for row in rows:
        assert int(row[-1]) == sum(int(value) for value in row[1:-1]), row
    return {
        (row[0], name): int(value)
        for row in rows
        for name, value in zip(header[1:-1], row[1:-1], strict=True)
    }


def month_of(item: dict[str, Any]) -> str:
    moment = datetime.fromisoformat(item["entry"]["occurred_at"].replace("Z", "+00:00"))
    return moment.astimezone(LOCAL).strftime("%Y-%m")


def expected_counts(
    suite: Suite, months: set[str]
) -> tuple[Counter[Any], Counter[Any]]:
    by_recipient: Counter[Any] = Counter()
    by_basis: Counter[Any] = Counter()
    for item in read_log(suite):
        month = month_of(item)
        if month in months:
            by_recipient[(month, item["entry"]["recipient"]["name"])] += 1
            by_basis.update((month, basis) for basis in item["entry"]["legal_basis"])
    return by_recipient, by_basis


RECIPIENTS = "Utlämnanden per månad och mottagare: antal utlämnanden"
BASES = (
    "Utlämnanden per månad och rättsligt stöd: ett utlämnande med flera lagrum "
    "räknas under vart och ett"
)


@pytest.fixture(scope="module")
def entries(running_suite: Suite) -> dict[str, int]:
    return compliance_entries(running_suite)


compliance = signed_in_person("compliance")


def test_the_default_period_is_the_last_twelve_months_and_matches_the_log(
    running_suite: Suite, compliance: ConsoleUser, entries: dict[str, int]
) -> None:
    page = compliance.get("/statistik")
    assert page.status_code == 200
    shown = tables(page.text)
    months = [row[0] for row in shown[RECIPIENTS][1:]]
    assert len(months) == 12
    assert months[-1] == datetime.now(UTC).astimezone(LOCAL).strftime("%Y-%m")
    by_recipient, by_basis = expected_counts(running_suite, set(months))
    recipients = by_column(shown[RECIPIENTS])
    assert {k: v for k, v in recipients.items() if v} == dict(by_recipient)
    assert {k: v for k, v in by_column(shown[BASES]).items() if v} == dict(by_basis)
    total = sum(by_recipient.values())
    assert f'<strong data-count="{total}">{total}</strong>' in page.text
    # The test's own entries are in it: one for Kontrollverket, a month ago.
    assert recipients[(months[-2], "Kontrollverket")] >= 1


def test_a_chosen_period_shows_only_its_months(
    running_suite: Suite, compliance: ConsoleUser, entries: dict[str, int]
) -> None:
    recent = next(i for i in read_log(running_suite) if i["index"] == entries["recent"])
    month = month_of(recent)
    page = compliance.get("/statistik", fran=month, till=month)
    assert page.status_code == 200
    shown = tables(page.text)
    by_recipient, by_basis = expected_counts(running_suite, {month})
    assert [row[0] for row in shown[RECIPIENTS][1:]] == [month]
    assert {k: v for k, v in by_column(shown[RECIPIENTS]).items() if v} == dict(
        by_recipient
    )
    # An entry with two legal bases counts under each.
    assert by_column(shown[BASES])[(month, "OSL 6:5")] == by_basis[(month, "OSL 6:5")]
    assert by_basis[(month, "OSL 6:5")] >= 1


def test_the_charts_are_svg_without_script(
    compliance: ConsoleUser, entries: dict[str, int]
) -> None:
    page = compliance.get("/statistik").text
    assert page.count('<svg class="diagram" role="img"') == 2
    assert "<title>" in page
    assert "Kontrollverket: 1</title>" in page
    assert "<script" not in page


@pytest.mark.parametrize(
    ("fran", "till", "message"),
    [
        ("2026-13", "", "Skriv månaden ÅÅÅÅ-MM."),
        ("2026-06", "2026-01", "Perioden slutar före den börjar."),
        ("2000-01", "2026-01", "Välj högst 60 månader."),
    ],
)
def test_a_bad_period_is_explained(
    compliance: ConsoleUser, fran: str, till: str, message: str
) -> None:
    page = compliance.get("/statistik", fran=fran, till=till)
    assert page.status_code == 422
    assert f'<p role="alert" class="fel">{message}</p>' in page.text
    assert "<svg" not in page.text


def test_the_queue_is_not_shown_without_a_queue_scope(
    compliance: ConsoleUser,
) -> None:
    assert "Kön till bedömning" not in compliance.get("/statistik").text


def test_the_queue_age_matches_the_sharing_service(running_suite: Suite) -> None:
    user = sign_in_new_person(
        running_suite, f"granskare.{secrets.token_hex(4)}", "assessor compliance"
    )
    page = user.get("/statistik").text
    user.close()
    waiting = httpx.get(
        f"{running_suite.url('sharing')}/v1/disclosure-requests",
        params={"status": "awaiting_assessment", "limit": 100},
        headers={"Authorization": f"Bearer {demo_token(running_suite, 'assessor')}"},
    ).json()["items"]
    assert waiting  # the demo's police request waits for an assessor
    now = datetime.now(UTC)
    overdue = sum(
        1
        for item in waiting
        if datetime.fromisoformat(item["assessment_due"].replace("Z", "+00:00")) < now
    )
    oldest = min(
        datetime.fromisoformat(item["created_at"].replace("Z", "+00:00"))
        for item in waiting
    )
    assert f'<td data-queue="waiting">{len(waiting)}</td>' in page
    assert f'<td data-queue="overdue">{overdue}</td>' in page
    shown = re.search(r'<td data-queue="oldest">([^<]+)</td>', page)
    assert shown is not None
    assert shown.group(1).startswith(
        oldest.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")
    )


def test_a_person_without_audit_read_is_refused(running_suite: Suite) -> None:
    assessor = ConsoleUser.signed_in(running_suite, "assessor")
    page = assessor.get("/statistik")
    assessor.close()
    assert page.status_code == 403
    assert "Statistiken bygger på utlämnandeloggen" in page.text
