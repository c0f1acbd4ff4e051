"""Signing in and out at the console, over HTTP against the running suite."""

import re

import httpx
import pytest

from samverkan_shared.supervisor import Suite
from tests.support.console import ConsoleUser, demo_people, hidden_inputs

pytestmark = pytest.mark.e2e


def test_every_page_forbids_inline_script_framing_and_caching(
    running_suite: Suite,
) -> None:
    page = httpx.get(f"{running_suite.url('console')}/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert '<html lang="sv">' in page.text
    assert "Logga in" in page.text


def test_a_person_signs_in_and_sees_only_what_their_roles_allow(
    running_suite: Suite,
) -> None:
    users = {
        role: ConsoleUser.signed_in(running_suite, role)
        for role in ("assessor", "approver", "compliance")
    }
    menus = {role: _menu(user.get("/").text) for role, user in users.items()}
    assert menus == {
        "assessor": ["Att bedöma"],
        "approver": ["Att godkänna"],
        "compliance": ["Utlämnandeloggen", "Statistik"],
    }
    for user in users.values():
        user.close()


def test_the_session_cookie_is_http_only_and_same_site_strict(
    running_suite: Suite,
) -> None:
    user = ConsoleUser(
        running_suite, httpx.Client(base_url=running_suite.url("console"))
    )
    start = user.http.get("/auth/login")
    assert "samesite=lax" in start.headers["set-cookie"].lower()
    person = demo_people(running_suite)["assessor"]
    form = httpx.get(start.headers["location"])
    answer = httpx.post(
        str(form.url.copy_with(query=None)),
        data={**hidden_inputs(form.text), **_credentials(person)},
    )
    callback = user.http.get(answer.headers["location"])
    cookie = next(
        value
        for value in callback.headers.get_list("set-cookie")
        if value.startswith("samverkan_console=")
    ).lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "path=/" in cookie
    # The answer moves on by itself (a navigation of the console's own).
    assert 'http-equiv="refresh"' in callback.text
    user.close()


def test_a_replayed_or_forged_answer_signs_nobody_in(running_suite: Suite) -> None:
    user = ConsoleUser(
        running_suite, httpx.Client(base_url=running_suite.url("console"))
    )
    start = user.http.get("/auth/login")
    person = demo_people(running_suite)["assessor"]
    form = httpx.get(start.headers["location"])
    answer = httpx.post(
        str(form.url.copy_with(query=None)),
        data={**hidden_inputs(form.text), **_credentials(person)},
    )
    forged = re.sub(r"state=[^&]+", "state=forged", answer.headers["location"])
    refused = user.http.get(forged)
    assert refused.status_code == 400
    assert "samverkan_console=" not in refused.headers.get("set-cookie", "")
    # The pending sign-in was used up by the forged answer: the real one fails too.
    assert user.http.get(answer.headers["location"]).status_code == 400
    # A callback with no sign-in begun in this browser.
    stranger = httpx.get(answer.headers["location"])
    assert stranger.status_code == 400
    user.close()


def test_a_page_needing_a_person_sends_the_browser_to_sign_in(
    running_suite: Suite,
) -> None:
    answer = httpx.get(f"{running_suite.url('console')}/bedomningar")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/auth/login?next=%2Fbedomningar"


def test_sign_out_needs_the_form_token_then_ends_the_session_and_its_tokens(
    running_suite: Suite,
) -> None:
    user = ConsoleUser.signed_in(running_suite, "compliance")
    forged = user.http.post("/auth/logout", data={"csrf": "not-the-token"})
    assert forged.status_code == 403
    assert "Utlämnandeloggen" in user.get("/").text  # still signed in

    signed_out = user.submit("/", "/auth/logout", {})
    assert signed_out.status_code == 200
    assert "Du är utloggad" in signed_out.text
    assert "Utlämnandeloggen" not in user.get("/").text
    assert user.get("/logg").status_code == 303  # to sign in again
    user.close()


def test_unknown_pages_are_console_pages_not_json(running_suite: Suite) -> None:
    answer = httpx.get(f"{running_suite.url('console')}/finns-inte")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "Sidan finns inte" in answer.text


def test_ready_when_the_provider_answers(running_suite: Suite) -> None:
    ready = httpx.get(f"{running_suite.url('console')}/readyz")
    assert ready.json() == {"status": "ready", "checks": {"provider": "ok"}}


def _menu(page: str) -> list[str]:
    nav = page.split('aria-label="Huvudmeny"', 1)
    if len(nav) == 1:
        return []
    return re.findall(r"<a href=\"[^\"]+\"[^>]*>([^<]+)</a>", nav[1].split("</nav>")[0])


def _credentials(person: dict[str, str]) -> dict[str, str]:
    return {"username": person["username"], "password": person["password"]}
