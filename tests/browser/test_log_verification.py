"""verify.js in Chromium: an honest log checks out; a tampered proof or signature,
a rolled-back log and a forked one are caught; the compliance pages pass axe."""

import base64
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from samverkan_shared.supervisor import Suite
from tests.support.browser import axe_violations, sign_in_as
from tests.support.console import (
    append_log_entries,
    compliance_entries,
    log_entry,
    months_ago,
)

pytestmark = pytest.mark.e2e

STATUS = "[data-verification]"
ALARM = '[role="alert"].larm[data-verification="failed"]'
WAIT = 15_000  # ms: WebCrypto and two round trips, on a busy test machine
MEMORY = "samverkan.checkpoint:"


@pytest.fixture(scope="module")
def entries(running_suite: Suite) -> dict[str, int]:
    return compliance_entries(running_suite)


@pytest.fixture
def page(browser: Any, running_suite: Suite) -> Iterator[Page]:
    """A fresh browser (its own localStorage), signed in as the compliance officer."""
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    sign_in_as(page, running_suite, "compliance", "/logg")
    yield page
    context.close()


def open_entry(page: Page, suite: Suite, index: int) -> None:
    page.goto(f"{suite.url('console')}/logg/{index}")


def verified(page: Page) -> None:
    expect(page.locator(STATUS)).to_have_attribute(
        "data-verification", "ok", timeout=WAIT
    )


def remembered(page: Page) -> dict[str, Any]:
    """The checkpoint the browser remembers (after one verified visit)."""
    stored = page.evaluate(
        f"Object.keys(localStorage).filter(k => k.startsWith('{MEMORY}'))"
        ".map(k => [k, localStorage.getItem(k)])"
    )
    assert len(stored) == 1, stored
    key, value = stored[0]
    return {"key": key, **json.loads(value)}


def remember(page: Page, key: str, memory: dict[str, Any]) -> None:
    page.evaluate(
        "([key, value]) => localStorage.setItem(key, value)",
        [key, json.dumps({k: v for k, v in memory.items() if k != "key"})],
    )


def flipped(text: str) -> str:
    """``text`` (base64) with its first byte changed."""
    raw = bytearray(base64.b64decode(text))
    raw[0] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def tamper(page: Page, pattern: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Serve the console's answer at ``pattern`` altered by ``change``."""

    def handle(route: Route) -> None:
        answer = route.fetch()
        body = answer.json()
        change(body)
        route.fulfill(response=answer, body=json.dumps(body))

    page.route(pattern, handle)


def test_an_honest_log_verifies(
    page: Page, running_suite: Suite, entries: dict[str, int]
) -> None:
    open_entry(page, running_suite, entries["older"])
    verified(page)
    expect(page.locator(STATUS)).to_contain_text("Kontrollerat")
    memory = remembered(page)
    assert int(memory["size"]) > entries["twofold"]


def test_a_tampered_inclusion_proof_fails(
    page: Page, running_suite: Suite, entries: dict[str, int]
) -> None:
    def change(bundle: dict[str, Any]) -> None:
        assert bundle["inclusion"], "the proof must have hashes to alter"
        bundle["inclusion"][0] = flipped(bundle["inclusion"][0])

    tamper(page, "**/logg/*/bevis", change)
    open_entry(page, running_suite, entries["older"])
    status = page.locator(STATUS)
    expect(status).to_have_attribute("data-verification", "failed", timeout=WAIT)
    expect(status).to_contain_text("ingå i den signerade loggen")


def test_a_tampered_checkpoint_signature_fails(
    page: Page, running_suite: Suite, entries: dict[str, int]
) -> None:
    def change(bundle: dict[str, Any]) -> None:
        # The log's own line: its key is named by the origin, the body's first line.
        # Witnesses' cosignature lines may follow; verify.js checks the log's.
        lines = bundle["checkpoint"].split("\n")
        log_line = f"\u2014 {lines[0]} "
        at = next(i for i, line in enumerate(lines) if line.startswith(log_line))
        name, _, signature = lines[at].rpartition(" ")
        raw = bytearray(base64.b64decode(signature))
        raw[10] ^= 0x01  # a byte of the signature itself (after the key hash)
        lines[at] = f"{name} {base64.b64encode(bytes(raw)).decode()}"
        bundle["checkpoint"] = "\n".join(lines)

    tamper(page, "**/logg/*/bevis", change)
    open_entry(page, running_suite, entries["recent"])
    status = page.locator(STATUS)
    expect(status).to_have_attribute("data-verification", "failed", timeout=WAIT)
    expect(status).to_contain_text("signatur är ogiltig")


def test_a_rolled_back_log_raises_the_alarm(
    page: Page, running_suite: Suite, entries: dict[str, int]
) -> None:
    open_entry(page, running_suite, entries["older"])
    verified(page)
    memory = remembered(page)
    remember(page, memory["key"], {**memory, "size": str(int(memory["size"]) + 100)})
    page.reload()
    expect(page.locator(ALARM)).to_be_visible(timeout=WAIT)
    expect(page.locator(ALARM)).to_contain_text("rullats tillbaka")


def test_another_root_at_the_same_size_raises_the_fork_alarm(
    page: Page, running_suite: Suite, entries: dict[str, int]
) -> None:
    open_entry(page, running_suite, entries["older"])
    verified(page)
    memory = remembered(page)
    remember(page, memory["key"], {**memory, "root": flipped(memory["root"])})
    page.reload()
    expect(page.locator(ALARM)).to_be_visible(timeout=WAIT)
    expect(page.locator(ALARM)).to_contain_text("två versioner")


def test_a_grown_log_is_checked_by_its_consistency_proof(
    page: Page, running_suite: Suite, entries: dict[str, int]
) -> None:
    open_entry(page, running_suite, entries["older"])
    verified(page)
    before = int(remembered(page)["size"])
    append_log_entries(
        running_suite, [log_entry(f"browser-grown-{before}", months_ago(4))]
    )
    page.reload()
    verified(page)
    expect(page.locator(STATUS)).to_contain_text("bara vuxit")
    assert int(remembered(page)["size"]) > before


def test_a_grown_log_with_a_bad_consistency_proof_raises_the_fork_alarm(
    page: Page, running_suite: Suite, entries: dict[str, int]
) -> None:
    open_entry(page, running_suite, entries["older"])
    verified(page)
    memory = remembered(page)
    append_log_entries(
        running_suite,
        [log_entry(f"browser-forked-{memory['size']}", months_ago(4, day=6))],
    )

    def change(proof: dict[str, Any]) -> None:
        proof["consistency"][-1] = flipped(proof["consistency"][-1])

    tamper(page, "**/logg/konsistens*", change)
    page.reload()
    expect(page.locator(ALARM)).to_be_visible(timeout=WAIT)
    expect(page.locator(ALARM)).to_contain_text("två versioner")
    assert remembered(page) == memory  # the evidence is kept, not overwritten


def test_the_csv_export_downloads(
    page: Page, running_suite: Suite, entries: dict[str, int]
) -> None:
    page.goto(f"{running_suite.url('console')}/logg")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner CSV").click()
    assert download.value.suggested_filename == "utlamnandeloggen.csv"
    path = download.value.path()
    assert path.read_text().startswith("index,event,decision_id,occurred_at")


def test_the_pages_pass_axe(
    page: Page, running_suite: Suite, entries: dict[str, int]
) -> None:
    console = running_suite.url("console")
    page.goto(f"{console}/logg?recipient=provmyndigheten")
    assert axe_violations(page) == [], "search"
    open_entry(page, running_suite, entries["twofold"])
    verified(page)
    assert axe_violations(page) == [], "entry"
    page.goto(f"{console}/logg")
    page.get_by_label("Person-, samordnings- eller organisationsnummer").fill(
        "559012-3450"
    )
    page.get_by_role("button", name="Slå upp").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Utlämnanden om")
    assert axe_violations(page) == [], "lookup"
    page.get_by_role("button", name="Gör registerutdrag").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Registerutdrag")
    assert axe_violations(page) == [], "extract"
    page.goto(f"{console}/statistik")
    assert axe_violations(page) == [], "statistics"
