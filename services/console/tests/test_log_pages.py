"""The compliance pages over HTTP against the running suite: search, identity look-up,
register extract, export, and who may see them (one entry's page and its proofs:
test_log_entry.py)."""

import csv
import io
import json
import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from samverkan_shared.supervisor import Suite
from tests.support.console import (
    ConsoleUser,
    append_log_entries,
    compliance_entries,
    log_entry,
    months_ago,
    read_log,
    signed_in_person,
)

pytestmark = pytest.mark.e2e

LOCAL = ZoneInfo("Europe/Stockholm")
# The demo's released Skatteverket disclosure is about this supplier.
SUPPLIER = "559012-3450"
_LINKED_INDEX = re.compile(r'<th scope="row"><a href="/logg/(\d+)">')


@pytest.fixture(scope="module")
def entries(running_suite: Suite) -> dict[str, int]:
    return compliance_entries(running_suite)


compliance = signed_in_person("compliance")
assessor = signed_in_person("assessor")


def listed(page: str) -> list[int]:
    return [int(index) for index in _LINKED_INDEX.findall(page)]


def local_day(item: dict[str, Any]) -> date:
    moment = datetime.fromisoformat(item["entry"]["occurred_at"].replace("Z", "+00:00"))
    return moment.astimezone(LOCAL).date()


class TestSearch:
    def test_lists_every_entry_newest_first(
        self, running_suite: Suite, compliance: ConsoleUser, entries: dict[str, int]
    ) -> None:
        page = compliance.get("/logg")
        assert page.status_code == 200
        newest = [item["index"] for item in read_log(running_suite)][::-1][:50]
        assert listed(page.text) == newest
        assert "Skatteverket" in page.text
        assert "SKV-131-2026" in page.text

    def test_a_recipient_shows_only_its_entries(
        self, running_suite: Suite, compliance: ConsoleUser, entries: dict[str, int]
    ) -> None:
        page = compliance.get("/logg", recipient="kontrollverket")
        assert page.status_code == 200
        assert entries["recent"] in listed(page.text)
        expected = read_log(running_suite, recipient="kontrollverket")
        assert listed(page.text) == [item["index"] for item in expected][::-1]
        assert "Provmyndigheten" not in page.text

    def test_a_legal_basis_shows_only_entries_citing_it(
        self, running_suite: Suite, compliance: ConsoleUser, entries: dict[str, int]
    ) -> None:
        page = compliance.get("/logg", legal_basis="OSL 6:5")
        shown = listed(page.text)
        assert entries["twofold"] in shown
        assert entries["older"] not in shown
        expected = read_log(running_suite, legal_basis="OSL 6:5")
        assert shown == [item["index"] for item in expected][::-1]

    def test_a_period_holds_whole_swedish_days(
        self, running_suite: Suite, compliance: ConsoleUser, entries: dict[str, int]
    ) -> None:
        older = next(
            item
            for item in read_log(running_suite)
            if item["index"] == entries["older"]
        )
        day = local_day(older).isoformat()
        page = compliance.get("/logg", **{"from": day, "to": day})
        shown = listed(page.text)
        assert entries["older"] in shown
        assert entries["recent"] not in shown
        same_day = [
            i["index"]
            for i in read_log(running_suite)
            if local_day(i) == local_day(older)
        ]
        assert shown == same_day[::-1]

    def test_the_next_page_follows_the_cursor(
        self, running_suite: Suite, compliance: ConsoleUser
    ) -> None:
        appended = append_log_entries(
            running_suite,
            [
                log_entry(
                    f"console-test-page-{n}",
                    months_ago(3),
                    recipient={"code": "sidmyndigheten", "name": "Sidmyndigheten"},
                )
                for n in range(53)
            ],
        )
        first = compliance.get("/logg", recipient="sidmyndigheten")
        assert listed(first.text) == appended[::-1][:50]
        link = re.search(
            r'<a href="(/logg\?[^"]+)" rel="next">Nästa sida</a>', first.text
        )
        assert link is not None
        second = compliance.get(link.group(1).replace("&amp;", "&"))
        assert listed(second.text) == appended[::-1][50:]
        assert "Nästa sida" not in second.text

    def test_a_bad_date_is_explained_not_searched(
        self, compliance: ConsoleUser
    ) -> None:
        page = compliance.get("/logg", **{"from": "2026-13-01"})
        assert page.status_code == 422
        assert "Från-datumet ska skrivas ÅÅÅÅ-MM-DD." in page.text
        assert listed(page.text) == []


class TestLookup:
    def test_finds_the_disclosures_about_a_company_from_the_body_only(
        self, running_suite: Suite, compliance: ConsoleUser
    ) -> None:
        (released,) = read_log(running_suite, recipient="skatteverket")
        page = compliance.submit("/logg", "/logg/uppslag", {"identifier": SUPPLIER})
        assert page.status_code == 200
        assert str(page.url).endswith("/logg/uppslag")
        assert listed(page.text) == [released["index"]]
        assert "SKV-131-2026" in page.text
        assert running_suite.log_dir is not None
        console_log = (running_suite.log_dir / "console.log").read_text()
        assert '"route":"/logg/uppslag"' in console_log.replace(" ", "")
        assert SUPPLIER not in console_log
        assert SUPPLIER.replace("-", "") not in console_log

    def test_nobody_unknown_has_no_disclosures(self, compliance: ConsoleUser) -> None:
        # A valid number no seed or test files anything about (other tests disclose
        # about the demo's suppliers on the same running suite).
        page = compliance.submit(
            "/logg", "/logg/uppslag", {"identifier": "556999-9997"}
        )
        assert page.status_code == 200
        assert listed(page.text) == []
        assert "Loggen har inga utlämnanden om 556999-9997." in page.text

    def test_a_number_that_is_none_is_explained(self, compliance: ConsoleUser) -> None:
        page = compliance.submit("/logg", "/logg/uppslag", {"identifier": "12345"})
        assert page.status_code == 422
        assert (
            "Skriv ett personnummer, samordningsnummer eller organisationsnummer"
            in (page.text)
        )

    def test_a_form_without_the_sessions_token_is_refused(
        self, compliance: ConsoleUser
    ) -> None:
        answer = compliance.http.post(
            "/logg/uppslag", data={"csrf": "fel", "identifier": SUPPLIER}
        )
        assert answer.status_code == 403
        assert "Formuläret har gått ut" in answer.text


class TestRegisterExtract:
    def test_states_date_maker_and_each_disclosure(
        self, running_suite: Suite, compliance: ConsoleUser
    ) -> None:
        (released,) = read_log(running_suite, recipient="skatteverket")
        entry = released["entry"]
        extract = compliance.submit(
            "/logg", "/logg/registerutdrag", {"identifier": SUPPLIER}
        )
        assert extract.status_code == 200
        text = extract.text
        assert "<h1>Registerutdrag: utlämnanden av uppgifter</h1>" in text
        assert "artikel 15" in text
        assert (
            f"<dt>Datum</dt><dd>{datetime.now(LOCAL).date().isoformat()}</dd>" in text
        )
        signed_in = re.search(
            r'<form class="utloggning"[^>]*>\s*<span>([^<]+)</span>', text
        )
        assert signed_in is not None
        assert f"<dt>Utdraget gjort av</dt><dd>{signed_in.group(1)}</dd>" in text
        assert f"<dt>Avser</dt><dd>{SUPPLIER}</dd>" in text
        assert "<dt>Antal utlämnanden</dt><dd>1</dd>" in text
        moment = datetime.fromisoformat(entry["occurred_at"].replace("Z", "+00:00"))
        for cell in (
            moment.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M"),
            "Skatteverket",
            ", ".join(entry["legal_basis"]),
            ", ".join(entry["data_categories"]),
        ):
            assert f"<td>{cell}</td>" in text
        assert 'rel="stylesheet" href="/static/console.css"' in text


class TestExport:
    def period(self, running_suite: Suite, entries: dict[str, int]) -> dict[str, str]:
        items = {item["index"]: item for item in read_log(running_suite)}
        return {
            "from": local_day(items[entries["older"]]).isoformat(),
            "to": local_day(items[entries["twofold"]]).isoformat(),
        }

    def expected(self, running_suite: Suite, period: dict[str, str]) -> list[int]:
        first, last = (date.fromisoformat(period[k]) for k in ("from", "to"))
        return [
            item["index"]
            for item in read_log(running_suite)
            if first <= local_day(item) <= last
        ]

    def test_csv_of_the_period_is_an_attachment(
        self, running_suite: Suite, compliance: ConsoleUser, entries: dict[str, int]
    ) -> None:
        period = self.period(running_suite, entries)
        answer = compliance.get("/logg/export", format="csv", **period)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/csv")
        name = f"utlamnandeloggen-{period['from']}--{period['to']}.csv"
        assert answer.headers["content-disposition"] == f'attachment; filename="{name}"'
        rows = list(csv.DictReader(io.StringIO(answer.text)))
        assert [int(row["index"]) for row in rows] == self.expected(
            running_suite, period
        )
        assert {entries["older"], entries["recent"], entries["twofold"]} <= {
            int(row["index"]) for row in rows
        }

    def test_jsonl_of_the_period_is_an_attachment(
        self, running_suite: Suite, compliance: ConsoleUser, entries: dict[str, int]
    ) -> None:
        period = self.period(running_suite, entries)
        answer = compliance.get("/logg/export", format="jsonl", **period)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/jsonl")
        assert answer.headers["content-disposition"].endswith('.jsonl"')
        lines = [json.loads(line) for line in answer.text.splitlines() if line]
        assert [line["index"] for line in lines] == self.expected(running_suite, period)

    def test_an_unknown_format_is_refused(self, compliance: ConsoleUser) -> None:
        assert compliance.get("/logg/export", format="xlsx").status_code == 422


class TestWhoMaySee:
    @pytest.mark.parametrize(
        "path", ["/logg", "/logg/0", "/logg/export?format=csv", "/statistik"]
    )
    def test_a_person_without_audit_read_is_refused(
        self, assessor: ConsoleUser, path: str
    ) -> None:
        page = assessor.get(path)
        assert page.status_code == 403
        assert "Ingen behörighet" in page.text

    def test_the_proof_is_a_403_problem_for_them(self, assessor: ConsoleUser) -> None:
        answer = assessor.get("/logg/0/bevis")
        assert answer.status_code == 403
        assert answer.headers["content-type"] == "application/problem+json"

    def test_the_look_up_is_refused_for_them(self, assessor: ConsoleUser) -> None:
        page = assessor.submit("/", "/logg/uppslag", {"identifier": SUPPLIER})
        assert page.status_code == 403

    def test_the_navigation_offers_the_log_only_to_those_who_may(
        self, compliance: ConsoleUser, assessor: ConsoleUser
    ) -> None:
        assert 'href="/logg"' in compliance.get("/").text
        assert 'href="/logg"' not in assessor.get("/").text
