"""Tips in a real Chromium, by labels and keyboard, checked by axe: Malmö's reporter
files a tip, and Adda's case officer (Adda owns the demo agreements) finds it in the
case list, writes a note, moves it and sees both in the tip's timeline, and stops and
lifts call-offs from a tip's supplier on its agreement."""

import re
import secrets
from typing import Any

import pytest

from samverkan_shared.supervisor import Suite
from tests.support.browser import axe_violations, sign_in_as
from tests.support.demo import file_demo_tip

pytestmark = pytest.mark.e2e

_FILED = re.compile(r"/arenden/([0-9a-f-]{36})\?inlamnat=1$")


def _type_into(page: Any, label: str, text: str) -> None:
    page.get_by_label(label, exact=True).focus()
    page.keyboard.type(text)


def _choose(page: Any, label: str, option: str) -> None:
    """Pick ``option`` in a select by keyboard: focus it and type the option's text
    (Chromium selects the first option that begins with what is typed)."""
    page.get_by_label(label, exact=True).focus()
    page.keyboard.type(option)


def _fill_the_form(page: Any, description: str, org_number: str) -> None:
    _choose(page, "Ramavtal", "HVB barn och unga")
    _type_into(page, "Leverantörens organisationsnummer", org_number)
    _type_into(page, "Leverantörens namn", "Trygga Hem HVB AB")
    page.get_by_label("Bemanning", exact=True).focus()
    page.keyboard.press("Space")
    # A date input's segments follow the browser's own locale, so no keystrokes are
    # the same everywhere: fill sets the value as a person picking the day would.
    page.get_by_label("Datum då det hände").fill("2026-10-01")
    _type_into(page, "Beskrivning", description)
    _type_into(page, "Enhet som lämnar tipset", "IFO Barn och unga")
    _choose(page, "Enhetens verksamhet", "Socialtjänst")


def _file(browser: Any, suite: Suite, description: str) -> str:
    """The reporter files the tip, first with a wrong check digit; its id."""
    from playwright.sync_api import expect

    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    sign_in_as(page, suite, "reporter", "/tips/nytt")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Lämna tips om en leverantör"
    )
    assert axe_violations(page) == []
    _fill_the_form(page, description, "559123-4562")
    page.get_by_role("button", name="Lämna tipset").focus()
    page.keyboard.press("Enter")

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Tipset lämnades inte in")
    # The summary's link leads to the field, which keeps what was typed.
    summary.get_by_role("link").first.focus()
    page.keyboard.press("Enter")
    field = page.get_by_label("Leverantörens organisationsnummer")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Beskrivning", exact=True)).to_have_value(description)
    assert axe_violations(page) == []

    field.focus()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("559123-4561")
    page.get_by_role("button", name="Lämna tipset").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text(
        "Tipset är inlämnat. Den som äger ramavtalet utreder det."
    )
    filed = _FILED.search(page.url)
    assert filed is not None, page.url
    assert axe_violations(page) == []
    context.close()
    return filed.group(1)


def _open_from_case_list(page: Any, tip_id: str) -> None:
    """Filter the case list as a person would, then follow its pages to the tip."""
    _choose(page, "Status", "Mottaget")
    _choose(page, "Ramavtal", "HVB barn och unga")
    page.get_by_role("button", name="Visa").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/arenden?**")
    assert axe_violations(page) == []
    link = page.locator(f'tr[data-tip="{tip_id}"] a')
    while not link.count():
        page.get_by_role("link", name="Nästa sida").click()
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/arenden/{tip_id}")


def _investigate(browser: Any, suite: Suite, tip_id: str, description: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    sign_in_as(page, suite, "case_officer", "/arenden")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tipsärenden")
    _open_from_case_list(page, tip_id)
    expect(page.get_by_text(description)).to_be_visible()
    assert axe_violations(page) == []

    _type_into(page, "Anteckning", "Ringde leverantören; bemanningslistor begärda.")
    page.get_by_role("button", name="Spara anteckningen").focus()
    page.keyboard.press("Enter")
    note = page.locator('tr[data-kind="note"]')
    expect(note).to_contain_text("Ringde leverantören; bemanningslistor begärda.")
    expect(note).to_contain_text("Erik Ekström")

    _type_into(page, "Skäl", "Utreds av tipsfunktionen.")
    page.get_by_role("button", name="Börja utreda").focus()
    page.keyboard.press("Enter")
    expect(page.locator('[data-status="investigating"]')).to_have_text("Utreds")
    moved = page.locator('tr[data-kind="transition"]').last
    expect(moved).to_contain_text("Mottaget → Utreds")
    expect(moved).to_contain_text("Utreds av tipsfunktionen.")
    expect(page.locator('tr[data-kind="filed"]')).to_have_count(1)
    expect(page.get_by_role("button", name="Bedöm som befogat")).to_be_visible()
    assert axe_violations(page) == []
    context.close()


def test_a_reporter_files_a_tip_and_the_owner_s_case_officer_moves_it(
    browser: Any, running_suite: Suite
) -> None:
    description = f"Nattpersonal saknades {secrets.token_hex(3)}."
    tip_id = _file(browser, running_suite, description)
    _investigate(browser, running_suite, tip_id, description)


# On familjehem-2023 (Adda's); no other test of the running suite stops it there.
_SUPPLIER = {"org_number": "556900-1125", "name": "Omsorgspartner i Skåne AB"}


def test_the_owner_s_case_officer_stops_and_lifts_call_offs_by_keyboard(
    browser: Any, running_suite: Suite
) -> None:
    from playwright.sync_api import expect

    tip = file_demo_tip(
        running_suite, supplier=_SUPPLIER, agreement_id="familjehem-2023"
    )
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    sign_in_as(page, running_suite, "case_officer", f"/arenden/{tip['id']}")
    state = page.locator("[data-call-offs]")
    expect(state).to_have_attribute("data-call-offs", "open")
    assert axe_violations(page) == []

    _type_into(page, "Skäl att stoppa avropen", "Brister i bemanningen.")
    page.get_by_role("button", name="Stoppa avrop").focus()
    page.keyboard.press("Enter")
    expect(state).to_have_attribute("data-call-offs", "stopped")
    expect(state).to_contain_text("Skäl: Brister i bemanningen.")
    expect(page.locator('tr[data-kind="call_off_stopped"]')).to_have_count(1)
    assert axe_violations(page) == []

    _type_into(page, "Skäl att häva stoppet", "Bemanningen åtgärdad.")
    page.get_by_role("button", name="Häv avropsstopp").focus()
    page.keyboard.press("Enter")
    expect(state).to_have_attribute("data-call-offs", "open")
    expect(page.get_by_role("button", name="Stoppa avrop")).to_be_visible()
    assert axe_violations(page) == []
    context.close()


def test_the_tip_statistics_pass_axe_and_draw_their_table(
    browser: Any, running_suite: Suite
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    sign_in_as(page, running_suite, "case_officer", "/tipsstatistik")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tipsstatistik")
    expect(page.locator("svg.diagram")).to_have_count(2)
    assert axe_violations(page) == []
    _choose(page, "Per", "Kategori")
    page.get_by_role("button", name="Visa").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**gruppering=category**")
    expect(page.locator('tr[data-group="staffing"] th')).to_have_text("Bemanning")
    assert axe_violations(page) == []
    context.close()
