"""The console as a person's browser would use it, over HTTP: signed in at the
suite's own sign-in pages, forms posted with the page's CSRF token."""

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx

from samverkan_shared.supervisor import Suite

__all__ = ["ConsoleUser", "demo_people", "hidden_inputs"]

_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def hidden_inputs(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in _HIDDEN.findall(page)}


def demo_people(suite: Suite) -> dict[str, dict[str, Any]]:
    document = json.loads(Path(suite.data_dir, "demo-clients.json").read_text())
    people: dict[str, dict[str, Any]] = document["people"]
    return people


@dataclass
class ConsoleUser:
    """One person's browser at the console: its own cookie jar."""

    suite: Suite
    http: httpx.Client

    @classmethod
    def signed_in(cls, suite: Suite, role: str) -> "ConsoleUser":
        """The demo person of ``role`` (assessor, approver, compliance), signed in."""
        user = cls(suite, httpx.Client(base_url=suite.url("console"), timeout=30.0))
        person = demo_people(suite)[role]
        user.sign_in(person["username"], person["password"])
        return user

    def sign_in(self, username: str, password: str, next_page: str = "/") -> None:
        start = self.http.get("/auth/login", params={"next": next_page})
        assert start.status_code == 303, start.text
        form = httpx.get(start.headers["location"])
        assert form.status_code == 200, form.text
        fields = {**hidden_inputs(form.text), "username": username}
        answer = httpx.post(
            str(form.url.copy_with(query=None)), data={**fields, "password": password}
        )
        assert answer.status_code == 303, answer.text
        callback = self.http.get(answer.headers["location"])
        assert callback.status_code == 200, callback.text

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(path, params=params or None)

    def submit(
        self, page: str, action: str, fields: dict[str, Any] | list[tuple[str, str]]
    ) -> httpx.Response:
        """Post a form of ``page`` (a path) to ``action`` with that page's CSRF token."""
        shown = self.http.get(page)
        assert shown.status_code == 200, shown.text
        csrf = hidden_inputs(shown.text)["csrf"]
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        return self.http.post(urljoin(page, action), data=[("csrf", csrf), *pairs])

    def close(self) -> None:
        self.http.close()
