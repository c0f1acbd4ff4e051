"""The tip reporter round by round, on its own clock: backoff, lease, the end of a
report, no duplicates; and the reports a release makes (hypothesis)."""

import string
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from samverkan_sharing.disclosures.repository import DisclosureRepository
from samverkan_sharing.tip_reports.models import TipReportRecord
from samverkan_sharing.tip_reports.report import TipReport, reports_of_release
from samverkan_sharing.tip_reports.reporter import BATCH, ReportPolicy, TipReporter
from samverkan_sharing.tip_reports.sender import TipReportSender
from tests.support.payloads import GROVT_BEDRAGERI, TIP_ID
from tests.support.sharing import Sharing, request_disclosure

QUIET = {"tip_report_poll_interval": 3600.0}  # the app's reporter looks once, at start
POLICY = ReportPolicy(backoff_base=10.0, lease=timedelta(seconds=60))


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def reports(sharing: Sharing) -> list[TipReportRecord]:
    engine = sharing.client.app.platform.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        statement = select(TipReportRecord).order_by(col(TipReportRecord.tip_id))
        return list(session.exec(statement).all())


def _reporter(
    sharing: Sharing,
    clock: Clock,
    transport: httpx.BaseTransport | None = None,
    *,
    poll_interval: float = 1.0,
) -> TipReporter:
    client = (
        httpx.Client(base_url="http://tips.test", transport=transport)
        if transport is not None
        else sharing.tips.client()
    )
    sender = TipReportSender(client, token=lambda: "a-service-token")
    engine = sharing.client.app.platform.engine  # type: ignore[attr-defined]
    return TipReporter(engine, sender, POLICY, clock=clock, poll_interval=poll_interval)


def _report_posts(sharing: Sharing) -> list[httpx.Request]:
    return [
        call
        for call in sharing.tips.calls
        if call.url.path == "/internal/v1/tip-disclosures"
    ]


def _released(sharing_factory: Callable[..., Sharing]) -> Sharing:
    sharing = sharing_factory(**QUIET)  # its own reporter stays out of the way
    request_disclosure(sharing, GROVT_BEDRAGERI)
    return sharing


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


class TestRetries:
    def test_a_failure_waits_for_its_backoff_then_is_sent_again(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing, clock = _released(sharing_factory), Clock()
        sharing.tips.report_answers = [503]
        reporter = _reporter(sharing, clock)
        assert reporter.run_once() == 1
        [row] = reports(sharing)
        assert (row.state, row.attempts, row.last_status) == ("retrying", 1, 503)
        # Half to all of the base (10 s) before the first retry.
        assert clock.now + timedelta(seconds=5) <= row.next_attempt_at
        assert row.next_attempt_at <= clock.now + timedelta(seconds=10)
        assert reporter.run_once() == 0  # not due yet
        clock.advance(10.5)
        assert reporter.run_once() == 1
        assert reports(sharing)[0].state == "delivered"
        assert len(sharing.tips.reports) == 1

    def test_an_unreachable_tips_is_retried_and_the_error_kept(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing, clock = _released(sharing_factory), Clock()
        assert _reporter(sharing, clock, httpx.MockTransport(_refused)).run_once() == 1
        [row] = reports(sharing)
        assert (row.state, row.last_status) == ("retrying", None)
        assert row.last_error == "ConnectError: connection refused"
        clock.advance(11)
        assert _reporter(sharing, clock).run_once() == 1
        assert reports(sharing)[0].state == "delivered"

    def test_the_backoff_doubles_up_to_its_cap(self) -> None:
        policy = ReportPolicy(backoff_base=10.0, backoff_cap=60.0)
        for attempts, ceiling in ((1, 10), (2, 20), (3, 40), (4, 60), (40, 60)):
            delay = policy.retry_delay(attempts).total_seconds()
            assert ceiling / 2 <= delay <= ceiling


class TestTheEnd:
    def test_an_unknown_tip_is_recorded_and_never_sent_again(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing, clock = _released(sharing_factory), Clock()
        sharing.tips.report_answers = ["unknown_tip"]
        reporter = _reporter(sharing, clock)
        assert reporter.run_once() == 1
        [row] = reports(sharing)
        assert (row.state, row.attempts, row.last_status) == ("unknown_tip", 1, 200)
        assert row.settled_at == clock.now
        clock.advance(86400)
        assert reporter.run_once() == 0

    def test_an_answer_without_a_result_per_report_is_retried(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        """A 200 that does not say what became of each report delivers nothing."""
        sharing, clock = _released(sharing_factory), Clock()
        sharing.tips.report_answers = [200]
        assert _reporter(sharing, clock).run_once() == 1
        [row] = reports(sharing)
        assert (row.state, row.last_status) == ("retrying", 200)
        assert row.last_error is not None

    def test_a_404_for_the_whole_request_is_retried_not_taken_for_an_unknown_tip(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        """A tips without the route (or a wrong URL) says nothing about the tip."""
        sharing, clock = _released(sharing_factory), Clock()
        sharing.tips.report_answers = [404]
        assert _reporter(sharing, clock).run_once() == 1
        [row] = reports(sharing)
        assert (row.state, row.last_status) == ("retrying", 404)


class TestBatches:
    def test_one_request_carries_a_rounds_reports_and_each_is_settled(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing = sharing_factory(**QUIET)
        for n in range(3):
            request_disclosure(sharing, GROVT_BEDRAGERI, partner_reference=f"K{n}")
        del sharing.tips.tips[TIP_ID]  # tips no longer knows the tip: each ends so
        posts = len(_report_posts(sharing))
        assert _reporter(sharing, Clock()).run_once() == 3
        assert len(_report_posts(sharing)) == posts + 1
        assert [row.state for row in reports(sharing)] == ["unknown_tip"] * 3

    def test_a_request_refused_as_a_whole_is_sent_again_report_by_report(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        """A 422 may come from one malformed report: sent one by one, the others
        are delivered and only the one tips refuses waits for a retry."""
        sharing = sharing_factory(**QUIET)
        for n in range(3):
            request_disclosure(sharing, GROVT_BEDRAGERI, partner_reference=f"K{n}")
        sharing.tips.report_answers = [422, "recorded", 422, "recorded"]
        assert _reporter(sharing, Clock()).run_once() == 3
        states = sorted((row.state, row.last_status) for row in reports(sharing))
        assert states == [("delivered", 200), ("delivered", 200), ("retrying", 422)]
        assert len(sharing.tips.reports) == 2


class TestOnce:
    def test_a_leased_report_is_left_to_its_claimer_until_the_lease_ends(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        """A reporter that claimed a report and died leaves it to the next one,
        once its lease has run out; meanwhile no other reporter takes it."""
        sharing, clock = _released(sharing_factory), Clock()
        crashed = _reporter(sharing, clock)
        assert len(crashed._claim(clock.now + POLICY.lease)) == 1  # then it dies
        other = _reporter(sharing, clock)
        assert other.run_once() == 0
        clock.advance(61)
        assert other.run_once() == 1
        assert reports(sharing)[0].state == "delivered"

    def test_an_outcome_after_a_lost_lease_is_not_stored(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing, clock = _released(sharing_factory), Clock()
        slow = _reporter(sharing, clock)
        lease = clock.now + POLICY.lease
        [row] = slow._claim(lease)
        clock.advance(61)
        assert _reporter(sharing, clock).run_once() == 1  # took it over, delivered
        sharing.tips.report_answers = [503]
        report = TipReport(row.tip_id, row.report)
        slow._settle([row], lease, slow._sender.send([report]))
        assert reports(sharing)[0].state == "delivered"

    def test_two_reporters_at_once_send_each_report_once(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing = sharing_factory(**QUIET)
        for n in range(6):
            request_disclosure(sharing, GROVT_BEDRAGERI, partner_reference=f"K{n}")
        clock = Clock()
        reporters = [_reporter(sharing, clock) for _ in range(2)]
        with ThreadPoolExecutor(2) as pool:
            attempted = list(pool.map(lambda reporter: reporter.run_once(), reporters))
        assert sum(attempted) == 6
        assert len(sharing.tips.reports) == 6
        assert {row.state for row in reports(sharing)} == {"delivered"}

    def test_the_reporter_keeps_up_with_more_releases_than_one_round_takes(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        """Three rounds' worth of releases are all told to tips by the reporter's
        thread without waiting a poll interval (an hour here) between full rounds."""
        sharing = sharing_factory(**QUIET)
        releases = 2 * BATCH + 3
        for n in range(releases):
            request_disclosure(sharing, GROVT_BEDRAGERI, partner_reference=f"K{n}")
        reporter = _reporter(sharing, Clock(), poll_interval=3600.0)
        reporter.start()
        try:
            deadline = time.monotonic() + 60
            while len(sharing.tips.reports) < releases:
                assert time.monotonic() < deadline, len(sharing.tips.reports)
                time.sleep(0.05)
        finally:
            reporter.close()
        assert {row.state for row in reports(sharing)} == {"delivered"}

    def test_a_release_completed_twice_stores_its_reports_once(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing = _released(sharing_factory)
        [row] = reports(sharing)
        again = TipReport(row.tip_id, {**row.report, "audit_index": 99})
        engine = sharing.client.app.platform.engine  # type: ignore[attr-defined]
        with Session(engine, expire_on_commit=False) as session:
            repository = DisclosureRepository(session)
            record = repository.get(row.disclosure_id)
            assert record is not None
            repository.release(record, [again])
        [kept] = reports(sharing)
        assert (kept.id, kept.report) == (row.id, row.report)


tip_ids = st.lists(st.uuids().map(str), max_size=6)
words = st.lists(st.text(string.ascii_letters + " :", min_size=1), max_size=4)


@given(tips=tip_ids, basis=words, categories=words, index=st.integers(0, 2**40))
def test_every_tip_of_a_release_gets_the_same_report_once(
    tips: list[str], basis: list[str], categories: list[str], index: int
) -> None:
    entry = {
        "recipient": {"code": "skatteverket", "org_number": "202100-5448", "name": "S"},
        "legal_basis": basis,
        "data_categories": categories,
        "tip_ids": tips + tips[:1],
        "payload_sha256": "ab" * 32,
        "subjects": ["pseudonym"],
    }
    at = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)
    made = reports_of_release("d-1", entry, index, at)
    assert [report.tip_id for report in made] == sorted(set(tips))
    for report in made:
        assert report.body == {
            "disclosure_id": "d-1",
            "audit_index": index,
            "recipient": entry["recipient"],
            "legal_basis": basis,
            "data_categories": categories,
            "released_at": "2026-12-07T05:00:00Z",
        }
