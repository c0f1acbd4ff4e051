"""The suite's workloads for bench/load.py: what a municipality files, what a partner
asks for, the operations of the realistic mix (``Mix``), the ``Ledger`` of what the
services acknowledged, and counting it all again through the API afterwards.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from common import LISTING_PAGE, Stats, Tokens, Workload
from lean_client import LeanClient, LeanResponse

from samverkan_shared.supervisor import Suite
from samverkan_sharing.demo import DEMO_PURPOSE

CHILD = "20121212-1212"
PARTNERS = ("polisen", "ekobrottsmyndigheten")
# Every field of a tip but `reporter`: a reporter's identity is never released by a rule
# alone, so asking for it would hold the whole disclosure for an assessment.
DISCLOSED_FIELDS = [
    "supplier.org_number",
    "supplier.name",
    "agreement_id",
    "categories",
    "status",
    "call_off_stop",
    "occurred_on",
    "description",
    "persons",
]


def tip_body(sequence: int) -> dict[str, Any]:
    return {
        "supplier": {"org_number": "556677-8899", "name": "Exempel Omsorg AB"},
        "agreement_id": "hvb-2022",
        "categories": ["invoicing", "staffing"],
        "description": f"Fakturerad nattpersonal fanns inte på plats (last {sequence}).",
        "occurred_on": "2026-10-01",
        "reporter": {
            "municipality_code": "1280",
            "unit": "Socialtjänsten, barn och unga",
            "activity": "social_services",
            "contact_email": "soc@malmo.se",
        },
        "persons": [{"personal_number": CHILD, "role": "placed_child"}],
    }


@dataclass
class Ledger:
    """What the services acknowledged, to be found again after the run."""

    tips: set[str] = field(default_factory=set)
    decisions: set[str] = field(default_factory=set)
    audit_indexes: set[int] = field(default_factory=set)

    def tip_filed(self, response: LeanResponse) -> None:
        self.tips.add(response.json()["id"])

    def disclosed(self, response: LeanResponse) -> None:
        body = response.json()
        self.decisions.add(body["id"])
        self.audit_indexes.add(body["audit"]["index"])


class Mix:
    """The operations of the realistic mix, with tokens fetched once per client."""

    def __init__(self, suite: Suite, ledger: Ledger) -> None:
        self.tokens = Tokens(suite)
        self.tips_url = suite.url("tips")
        self.sharing_url = suite.url("sharing")
        self.audit_url = suite.url("audit-log")
        self.ledger = ledger
        self.pool: list[str] = []
        for key in ("malmo", "compliance", *PARTNERS):
            self.tokens.headers(key)

    def file_tips(self, name: str, workers: int) -> Workload:
        headers = self.tokens.headers("malmo")

        async def call(client: LeanClient, sequence: int) -> LeanResponse:
            return await client.post(
                f"{self.tips_url}/v1/tips",
                json=tip_body(sequence),
                headers={**headers, "Idempotency-Key": secrets.token_hex(12)},
            )

        return Workload(Stats(name), call, workers, (201,), self.ledger.tip_filed)

    def list_tips(self, name: str, workers: int) -> Workload:
        headers = self.tokens.headers("malmo")

        async def call(client: LeanClient, sequence: int) -> LeanResponse:
            return await client.get(
                f"{self.tips_url}/v1/tips",
                params={"limit": LISTING_PAGE},
                headers=headers,
            )

        def check(response: LeanResponse) -> None:
            if len(response.json()["items"]) != LISTING_PAGE:
                raise AssertionError(f"not a full page: {response.text[:300]}")

        return Workload(Stats(name), call, workers, (200,), check)

    def read_tips(self, name: str, workers: int) -> Workload:
        headers = self.tokens.headers("malmo")

        async def call(client: LeanClient, sequence: int) -> LeanResponse:
            tip = self.pool[sequence % len(self.pool)]
            return await client.get(f"{self.tips_url}/v1/tips/{tip}", headers=headers)

        return Workload(Stats(name), call, workers, (200,))

    def disclose(self, name: str, workers: int) -> Workload:
        partners = [self.tokens.headers(key) for key in PARTNERS]

        async def call(client: LeanClient, sequence: int) -> LeanResponse:
            reference = secrets.token_hex(6)
            return await client.post(
                f"{self.sharing_url}/v1/disclosure-requests",
                json={
                    "tip_id": self.pool[sequence % len(self.pool)],
                    "purpose": DEMO_PURPOSE,  # grovt bedrägeri, BrB 9:3
                    "fields": DISCLOSED_FIELDS,
                    "partner_reference": f"5000-K{reference}-26",
                },
                headers={
                    **partners[sequence % len(partners)],
                    "Idempotency-Key": f"bench-{reference}",
                },
            )

        def check(response: LeanResponse) -> None:
            if response.json().get("status") != "released":
                raise AssertionError(f"not a full release: {response.text[:300]}")
            self.ledger.disclosed(response)

        return Workload(Stats(name), call, workers, (201,), check)

    def read_audit(self, name: str, workers: int) -> Workload:
        headers = self.tokens.headers("compliance")

        async def call(client: LeanClient, sequence: int) -> LeanResponse:
            return await client.get(
                f"{self.audit_url}/v1/entries",
                params={"recipient": PARTNERS_RECIPIENT[sequence % 2], "limit": 50},
                headers=headers,
            )

        return Workload(Stats(name), call, workers, (200,))


PARTNERS_RECIPIENT = ("polismyndigheten", "ekobrottsmyndigheten")


# --- counting afterwards -------------------------------------------------------


def all_pages(
    url: str, headers: dict[str, str], limit: int, key: Callable[[Any], Any]
) -> set[Any]:
    """Every item of a cursor-paginated listing (bounded: at most 10,000 pages)."""
    found: set[Any] = set()
    params: dict[str, Any] = {"limit": limit}
    for _ in range(10_000):
        # Generous: after an overload the services may still work off a queue.
        response = httpx.get(url, params=params, headers=headers, timeout=300)
        response.raise_for_status()
        page = response.json()
        found.update(key(item) for item in page["items"])
        if not page.get("next_cursor"):
            return found
        params = {"limit": limit, "cursor": page["next_cursor"]}
    raise RuntimeError(f"{url}: more than 10,000 pages")


@dataclass(frozen=True)
class Counts:
    tips: set[str]
    decisions: set[str]
    tree_size: int


def count(mix: Mix) -> Counts:
    tips = all_pages(
        f"{mix.tips_url}/v1/tips", mix.tokens.headers("malmo"), 100, lambda i: i["id"]
    )
    compliance = mix.tokens.headers("compliance")
    decisions = all_pages(
        f"{mix.audit_url}/v1/entries",
        compliance,
        1000,
        lambda i: i["entry"]["decision_id"],
    )
    checkpoint = httpx.get(f"{mix.audit_url}/v1/checkpoint", headers=compliance)
    checkpoint.raise_for_status()
    return Counts(tips, decisions, int(checkpoint.text.splitlines()[1]))


def lost_writes(before: Counts, after: Counts, ledger: Ledger) -> list[str]:
    problems = []
    missing_tips = ledger.tips - after.tips
    if missing_tips:
        problems.append(f"{len(missing_tips)} acknowledged tips are missing")
    if len(after.tips) - len(before.tips) != len(ledger.tips):
        problems.append(
            f"tips grew by {len(after.tips) - len(before.tips)}, "
            f"{len(ledger.tips)} were acknowledged"
        )
    missing = ledger.decisions - after.decisions
    if missing:
        problems.append(f"{len(missing)} acknowledged disclosures have no audit entry")
    grown = after.tree_size - before.tree_size
    if grown != len(ledger.audit_indexes) or len(ledger.audit_indexes) != len(
        ledger.decisions
    ):
        problems.append(
            f"the audit log grew by {grown}, {len(ledger.decisions)} disclosures "
            f"with {len(ledger.audit_indexes)} distinct indexes were acknowledged"
        )
    return problems
