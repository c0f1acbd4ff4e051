"""A real Chromium (Debian's package) driven by Playwright, for the console's pages.

Without a Chromium the browser tests are skipped with the reason shown; CI sets
SAMVERKAN_REQUIRE_BROWSER=1, which turns that skip into a failure, as
SAMVERKAN_REQUIRE_POSTGRES does for PostgreSQL.
"""

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from samverkan_shared.supervisor import Suite
from tests.support.console import demo_people

__all__ = ["axe_violations", "browser", "chromium_path", "sign_in_as", "sign_in_with"]

_CANDIDATES = ("chromium", "chromium-browser")


def chromium_path() -> str | None:
    configured = os.environ.get("SAMVERKAN_CHROMIUM")
    if configured:
        return configured
    return next((p for name in _CANDIDATES if (p := shutil.which(name))), None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session; each test opens its own context."""
    executable = chromium_path()
    if executable is None:
        reason = (
            "no Chromium: install Debian's package (apt-get install chromium) or set "
            "SAMVERKAN_CHROMIUM; .ci/run installs it"
        )
        if os.environ.get("SAMVERKAN_REQUIRE_BROWSER"):
            pytest.fail(f"SAMVERKAN_REQUIRE_BROWSER is set but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            # Containers often run as root without user namespaces.
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        yield chromium
        chromium.close()


def sign_in_as(page: Any, suite: Suite, role: str, next_page: str = "/") -> None:
    """Sign the demo person of ``role`` in through the real pages, as a person would."""
    person = demo_people(suite)[role]
    sign_in_with(page, suite, person["username"], person["password"], next_page)


def sign_in_with(
    page: Any, suite: Suite, username: str, password: str, next_page: str = "/"
) -> None:
    page.goto(f"{suite.url('console')}/auth/login?next={next_page}")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{suite.url('console')}{next_page}*")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found: list[dict[str, Any]] = results.response["violations"]
    return [v for v in found if v.get("impact") in ("serious", "critical")]
