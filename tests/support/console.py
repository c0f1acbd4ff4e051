"""The console as a person's browser would use it, over HTTP: signed in at the
suite's own sign-in pages, forms posted with the page's CSRF token."""

import html
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode, urljoin

import httpx
import pytest

from samverkan_shared.supervisor import Suite
from samverkan_sharing.demo import DEMO_PURPOSE
from tests.support.demo import demo_headers, demo_token

__all__ = [
    "PURCHASING_CENTRE",
    "ConsoleUser",
    "all_tips",
    "append_log_entries",
    "compliance_entries",
    "demo_people",
    "hidden_inputs",
    "log_entry",
    "months_ago",
    "new_person",
    "read_log",
    "signed_in_person",
    "tip_fields",
    "tips_api",
]

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
        # httpx takes repeated names only as an encoded body.
        return self.http.post(
            urljoin(page, action),
            content=urlencode([("csrf", csrf), *pairs]),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def close(self) -> None:
        self.http.close()


# --- The compliance pages' tests: entries of their own in the log, and the log
# read directly for the expected figures.


def log_entry(decision_id: str, occurred_at: str, **changes: Any) -> dict[str, Any]:
    """An audit entry as the sharing service writes one, with keyword overrides."""
    entry: dict[str, Any] = {
        "event": "disclosure",
        "decision_id": decision_id,
        "occurred_at": occurred_at,
        "actor": "console-tests",
        "recipient": {"code": "provmyndigheten", "name": "Provmyndigheten"},
        "legal_basis": ["OSL 10:27"],
        "data_categories": ["supplier_company"],
        "subjects": [],
        "payload_sha256": "0" * 64,
        "partner_reference": f"PROV-{decision_id[-6:]}",
        "details": {"assessor": {"name": "Provperson"}},
    }
    return {**entry, **changes}


def append_log_entries(suite: Suite, entries: list[dict[str, Any]]) -> list[int]:
    """Append ``entries`` as the sharing service would (the same entry again is a
    replay of its first receipt); their indexes."""
    headers = {"Authorization": f"Bearer {demo_token(suite, 'sharing-service')}"}
    indexes = []
    for entry in entries:
        answer = httpx.post(
            f"{suite.url('audit-log')}/v1/entries",
            json=entry,
            headers=headers,
            timeout=10.0,
        )
        assert answer.status_code == 201, answer.text
        indexes.append(int(answer.json()["index"]))
    return indexes


def read_log(suite: Suite, **params: Any) -> list[dict[str, Any]]:
    """Every entry the audit-log lists for ``params``, oldest first."""
    headers = {"Authorization": f"Bearer {demo_token(suite, 'compliance')}"}
    items: list[dict[str, Any]] = []
    query = {**params, "limit": 1000}
    while True:
        page = httpx.get(
            f"{suite.url('audit-log')}/v1/entries",
            params=query,
            headers=headers,
            timeout=10.0,
        ).json()
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        query["cursor"] = page["next_cursor"]


# -- disclosure requests and people for the assessment and approval pages ---------------

# The demo seed's tip about Trygga Hem HVB AB: a request about it by the police
# holds the reporter's identity for a person's assessment.
_HELD_SUPPLIER = "559123-4561"


def ask_for_assessment(suite: Suite, reference: str) -> dict[str, Any]:
    """A fresh request by the police (partner reference ``reference``) that waits for
    a person's assessment; the sharing service's answer."""
    tips = httpx.get(
        f"{suite.url('tips')}/v1/tips",
        params={"supplier": _HELD_SUPPLIER},
        headers=demo_headers(suite, "malmo"),
        timeout=30.0,
    )
    assert tips.status_code == 200, tips.text
    tip = next(t["id"] for t in tips.json()["items"] if t["filed_by"] == "demo-seed")
    body = {"tip_id": tip, "purpose": DEMO_PURPOSE, "partner_reference": reference}
    answer = httpx.post(
        f"{suite.url('sharing')}/v1/disclosure-requests",
        json=body,
        headers=demo_headers(suite, "polisen"),
        timeout=30.0,
    )
    assert answer.status_code == 201, answer.text
    asked: dict[str, Any] = answer.json()
    assert asked["status"] == "awaiting_assessment", asked
    return asked


def police_view(suite: Suite, disclosure_id: str) -> dict[str, Any]:
    """The request as the police (who asked) read it from the sharing service."""
    answer = httpx.get(
        f"{suite.url('sharing')}/v1/disclosure-requests/{disclosure_id}",
        headers=demo_headers(suite, "polisen"),
        timeout=30.0,
    )
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def new_person(
    suite: Suite, username: str, roles: str, org_number: str = "212000-1124"
) -> str:
    """Register a person of Malmö (or ``org_number``) with ``roles`` (e.g. "assessor
    approver") with the operator's `samverkan people add`; their initial password."""
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("samverkan")),
            *("people", "add", "--name", f"Prov {username}", "--username", username),
            *("--org-number", org_number, "--roles", roles, "--no-totp"),
        ],
        env=suite.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout.splitlines()[-1])["password"])


def sign_in_new_person(
    suite: Suite, username: str, roles: str, org_number: str = "212000-1124"
) -> ConsoleUser:
    """A new person with ``roles``, signed in at the console."""
    password = new_person(suite, username, roles, org_number)
    user = ConsoleUser(suite, httpx.Client(base_url=suite.url("console"), timeout=30.0))
    user.sign_in(username, password)
    return user


def assess_in_console(user: ConsoleUser, disclosure_id: str, decision: str) -> None:
    """Assess a police request (its held field: the reporter) through the form."""
    page = f"/bedomningar/{disclosure_id}"
    answer = user.submit(
        page,
        page,
        {
            "assessment": "Uppgiften behövs för utredningen; menet är begränsat.",
            "beslut:reporter": decision,
            "skal:reporter": "Behövs för att höra uppgiftslämnaren som vittne.",
        },
    )
    assert answer.status_code == 303, answer.text


def months_ago(count: int, day: int = 15) -> str:
    """Noon UTC on ``day`` of the month ``count`` months before this one."""
    today = datetime.now(UTC)
    total = today.year * 12 + today.month - 1 - count
    moment = datetime(total // 12, total % 12 + 1, day, 12, tzinfo=UTC)
    return moment.isoformat().replace("+00:00", "Z")


def compliance_entries(suite: Suite) -> dict[str, int]:
    """The compliance tests' own entries (the same ones at every call: a replay),
    by name: two recipients, three legal bases, three months."""
    entries = {
        "older": log_entry("console-test-older", months_ago(2)),
        "recent": log_entry(
            "console-test-recent",
            months_ago(1),
            recipient={"code": "kontrollverket", "name": "Kontrollverket"},
            legal_basis=["OSL 10:28"],
            data_categories=["supplier_business"],
        ),
        "twofold": log_entry(
            "console-test-twofold",
            months_ago(1, day=20),
            legal_basis=["OSL 10:27", "OSL 6:5"],
            data_categories=["supplier_company", "tipster_whistleblower"],
        ),
    }
    indexes = append_log_entries(suite, list(entries.values()))
    return dict(zip(entries, indexes, strict=True))


# -- tips for the casework pages ---------------------------------------------------

# Adda, the purchasing centre that owns the demo agreements (tips seed).
PURCHASING_CENTRE = "556578-5788"


def tip_fields(description: str, **changes: str) -> dict[str, str]:
    """The tip form filled in as a Malmö reporter would: Trygga Hem HVB AB on the
    demo's HVB agreement, about ``description``."""
    fields = {
        "avtal": "hvb-2022",
        "leverantor_orgnr": "559123-4561",
        "leverantor_namn": "Trygga Hem HVB AB",
        "kategori": "staffing",
        "datum": "2026-10-01",
        "beskrivning": description,
        "beskrivning_kategori": "",
        "enhet": "IFO Barn och unga",
        "verksamhet": "social_services",
        "epost": "",
        "person_0_nummer": "20121212-1212",
        "person_0_roll": "placed_child",
    }
    return {**fields, **changes}


def tips_api(suite: Suite, client: str, path: str, **params: Any) -> Any:
    """GET ``path`` of the tips service as the demo client ``client``; its JSON."""
    answer = httpx.get(
        f"{suite.url('tips')}{path}",
        params=params or None,
        headers={"Authorization": f"Bearer {demo_token(suite, client)}"},
        timeout=30.0,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def all_tips(suite: Suite, client: str, **params: Any) -> list[dict[str, Any]]:
    """Every tip the demo client ``client`` may read, following the cursor."""
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = {**params, "limit": 100}
    while True:
        page = tips_api(suite, client, "/v1/tips", **query)
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        query["cursor"] = page["next_cursor"]


def signed_in_person(role: str, scope: Literal["function", "module"] = "module") -> Any:
    """A fixture (named by the variable it is assigned to): the demo person of
    ``role`` signed in to the console for the ``scope``, signed out after it."""

    @pytest.fixture(scope=scope)
    def person(running_suite: Suite) -> Iterator[ConsoleUser]:
        user = ConsoleUser.signed_in(running_suite, role)
        yield user
        user.close()

    return person
