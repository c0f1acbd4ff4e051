"""Assess and approve a request in a real Chromium, by labels and keyboard, checked by
axe: the assessor and the approver are two people in two browsers."""

import secrets
from typing import Any

import pytest

from samverkan_shared.supervisor import Suite
from tests.support.browser import axe_violations, sign_in_as, sign_in_with
from tests.support.console import ask_for_assessment, new_person

pytestmark = pytest.mark.e2e


def _open_from_queue(page: Any, reference: str) -> None:
    """Follow the queue's pages until the request's link shows, and open it."""
    link = page.get_by_role("link", name=reference, exact=True)
    while not link.count():
        page.get_by_role("link", name="Nästa sida").click()
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/*-*-*-*-*")


def _assess(browser: Any, suite: Suite, reference: str) -> None:
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    sign_in_as(page, suite, "assessor", "/bedomningar")
    _assess_on(page, reference)
    page.get_by_role("button", name="Logga ut").focus()
    page.keyboard.press("Enter")
    context.close()


def _assess_on(page: Any, reference: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Förfrågningar att bedöma"
    )
    assert axe_violations(page) == []
    _open_from_queue(page, reference)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Förfrågan {reference}")
    assert axe_violations(page) == []

    page.get_by_label("Skriftlig bedömning (menprövning)").fill(
        "Uppgiften behövs för utredningen av grovt bedrägeri; menet är begränsat."
    )
    reporter = page.get_by_role("group", name="Förslag för fältet reporter")
    reporter.get_by_label("Lämna ut", exact=True).check()
    reporter.get_by_label("Skäl").fill("Uppgiftslämnaren behöver höras som vittne.")
    page.get_by_role("button", name="Skicka bedömningen till godkännande").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Bedömd, väntar på godkännande")).to_be_visible()


def _approve(browser: Any, suite: Suite, reference: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    sign_in_as(page, suite, "approver", "/godkannanden")
    assert axe_violations(page) == []
    _open_from_queue(page, reference)
    expect(page.get_by_text("Bedömd av Anna Andersson")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Godkänn: lämna ut enligt förslagen").check()
    page.get_by_label("Motivering").fill("Instämmer i bedömningen.")
    page.get_by_role("button", name="Registrera beslutet").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Status: Utlämnad")).to_be_visible()
    expect(page.get_by_text("Godkänd av Bertil Berg")).to_be_visible()
    assert axe_violations(page) == []
    context.close()


def test_an_assessor_assesses_and_another_person_approves(
    browser: Any, running_suite: Suite
) -> None:
    reference = f"WEB-{secrets.token_hex(3)}"
    ask_for_assessment(running_suite, reference)
    _assess(browser, running_suite, reference)
    _approve(browser, running_suite, reference)


def test_the_assessor_cannot_approve_their_own_assessment(
    browser: Any, running_suite: Suite
) -> None:
    """One person holding both roles assesses, then is told why they cannot decide."""
    from playwright.sync_api import expect

    reference = f"WEB-{secrets.token_hex(3)}"
    ask_for_assessment(running_suite, reference)
    username = f"bada-{secrets.token_hex(3)}"
    password = new_person(running_suite, username, "assessor approver")
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    sign_in_with(page, running_suite, username, password, "/bedomningar")
    _assess_on(page, reference)

    page.goto(f"{running_suite.url('console')}/godkannanden")
    _open_from_queue(page, reference)
    expect(
        page.get_by_text("kan därför inte godkänna eller avslå din egen")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Registrera beslutet")).to_have_count(0)
    assert axe_violations(page) == []
    context.close()
