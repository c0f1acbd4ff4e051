"""Signing in and out of the console in a real Chromium, by keyboard, checked by axe."""

from collections.abc import Iterator
from typing import Any

import pytest

from samverkan_shared.supervisor import Suite
from tests.support.browser import axe_violations, sign_in_as
from tests.support.console import demo_people

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="sv-SE")
    yield context.new_page()
    context.close()


def test_sign_in_by_keyboard_alone_then_sign_out(
    page: Any, running_suite: Suite
) -> None:
    from playwright.sync_api import expect

    console = running_suite.url("console")
    person = demo_people(running_suite)["compliance"]
    page.goto(console)
    assert axe_violations(page) == []
    # Tab first reaches the skip link, then the way to sign in.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Hoppa till innehållet")).to_be_focused()
    page.get_by_role("link", name="Logga in").focus()
    page.keyboard.press("Enter")

    page.wait_for_url("**/oauth/authorize**")
    assert axe_violations(page) == []
    page.get_by_label("Användarnamn").focus()
    page.keyboard.type(person["username"])
    page.keyboard.press("Tab")
    page.keyboard.type(person["password"])
    page.keyboard.press("Enter")

    page.wait_for_url(f"{console}/")
    expect(page.get_by_role("navigation", name="Huvudmeny")).to_contain_text(
        "Utlämnandeloggen"
    )
    expect(page.get_by_text("Cecilia Carlsson").first).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Logga ut").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Du är utloggad")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(console)
    expect(page.get_by_role("link", name="Logga in")).to_be_visible()


def test_the_session_cookie_is_out_of_the_page_s_reach(
    page: Any, running_suite: Suite
) -> None:
    sign_in_as(page, running_suite, "assessor")
    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["samverkan_console"]
    assert session["httpOnly"]
    assert session["sameSite"] == "Strict"
    assert "samverkan_console" not in page.evaluate("document.cookie")


def test_an_unknown_page_passes_axe(page: Any, running_suite: Suite) -> None:
    page.goto(f"{running_suite.url('console')}/finns-inte")
    assert page.get_by_role("heading", name="Sidan finns inte").is_visible()
    assert axe_violations(page) == []
