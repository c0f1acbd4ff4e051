"""A tip's timeline: every event in time order; the owner's managers see their notes
and the disclosures, the filer the rest, everyone else a 404 as for the tip."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.filing import file_as_municipality
from tests.support.tokens import TestIssuer

PURCHASING_CENTRE, MALMO, LUND = "556578-5788", "212000-1124", "212000-1173"
MANAGE, READ = ["tips:read", "tips:manage"], ["tips:read"]
ROLES = {
    "owner's manager": (PURCHASING_CENTRE, MANAGE),
    "filing municipality's manager": (MALMO, MANAGE),
    "other municipality's manager": (LUND, MANAGE),
    "filing municipality's reader": (MALMO, READ),
    "other municipality's reader": (LUND, READ),
}
OWNER_KINDS = [
    "filed",
    "transition",
    "acknowledged",
    "note",
    "transition",
    "decided",
    "call_off_stopped",
    "disclosure",
]
FILER_KINDS = [k for k in OWNER_KINDS if k not in ("note", "disclosure")]


def _headers(issuer: TestIssuer, role: str) -> dict[str, str]:
    org_number, scopes = ROLES[role]
    return issuer.headers(scopes, client_id=role, org_number=org_number)


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _report_disclosure(
    client: TestClient, issuer: TestIssuer, tip: str, released: datetime
) -> None:
    """As sharing does after it released: recipient, basis, categories, time."""
    report = {
        "disclosure_id": "d-1",
        "audit_index": 7,
        "recipient": {
            "code": "polismyndigheten",
            "org_number": "202100-0076",
            "name": "Polismyndigheten",
        },
        "legal_basis": ["OSL 10:24"],
        "data_categories": ["supplier_business"],
        "released_at": released.isoformat(),
    }
    sharing = issuer.headers(["tips:internal"], client_id="sharing-service")
    reported = client.post(
        "/internal/v1/tip-disclosures",
        json={"reports": [{"tip_id": tip, **report}]},
        headers=sharing,
    )
    assert reported.status_code == 200, reported.text
    assert reported.json()["results"][0]["outcome"] == "recorded"


@pytest.fixture
def case(client: TestClient, issuer: TestIssuer, kit: Any) -> dict[str, Any]:
    """Malmö's tip on hvb-2022, taken through a whole case by the purchasing centre:
    moved by a signed-in officer, noted, decided, the supplier stopped, and one
    disclosure reported by sharing."""
    tip = file_as_municipality(client, issuer, kit, MALMO, "1280")
    officer = issuer.headers(
        MANAGE,
        client_id="adda-console",
        org_number=PURCHASING_CENTRE,
        sub="person-7",
        name="Anna Utredare",
    )
    owner = _headers(issuer, "owner's manager")
    moves = f"/v1/tips/{tip}/transitions"
    _ok(
        client.post(
            moves, json={"to": "investigating", "reason": "Utreds"}, headers=officer
        )
    )
    note = _ok(
        client.post(
            f"/v1/tips/{tip}/notes", json={"text": "Besök bokat"}, headers=owner
        ),
        201,
    )
    verdict = {"to": "substantiated", "reason": "Bekräftat", "breached_terms": [1]}
    _ok(client.post(moves, json=verdict, headers=owner))
    stop = {"reason": "Bemanning saknas", "tip_ids": [tip]}
    _ok(
        client.post(
            f"/v1/suppliers/{kit.example_org}/call-off-stop", json=stop, headers=owner
        ),
        201,
    )
    released = (datetime.now(UTC) + timedelta(seconds=1)).replace(microsecond=0)
    _report_disclosure(client, issuer, tip, released)
    return {"tip": tip, "note": note, "released": released}


@pytest.mark.parametrize(
    ("role", "kinds"),
    [
        ("owner's manager", OWNER_KINDS),
        ("filing municipality's manager", FILER_KINDS),
        ("other municipality's manager", None),
        ("filing municipality's reader", FILER_KINDS),
        ("other municipality's reader", None),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_who_sees_which_events(
    client: TestClient,
    issuer: TestIssuer,
    case: dict[str, Any],
    role: str,
    kinds: list[str] | None,
) -> None:
    tip = case["tip"]
    response = client.get(f"/v1/tips/{tip}/timeline", headers=_headers(issuer, role))
    if kinds is None:
        assert response.status_code == 404
        assert response.json()["detail"] == f"There is no tip {tip}."
        return
    timeline = _ok(response)
    assert [event["kind"] for event in timeline["events"]] == kinds
    assert timeline["view"] == ("owner" if kinds == OWNER_KINDS else "filer")
    instants = [datetime.fromisoformat(e["at"]) for e in timeline["events"]]
    assert instants == sorted(instants)


def _expected(read: dict[str, Any], note_id: str, supplier: str) -> list[Any]:
    """The owner's timeline of `case`, without the instants."""
    officer = {
        "client_id": "adda-console",
        "person_id": "person-7",
        "person_name": "Anna Utredare",
    }
    manager = {"client_id": "owner's manager", "person_id": None, "person_name": None}
    return [
        {
            "kind": "filed",
            "filed_by": "system-1280",
            "acknowledge_by": read["acknowledge_by"],
            "decide_by": read["decide_by"],
        },
        {
            "kind": "transition",
            "from": "received",
            "to": "investigating",
            "reason": "Utreds",
            "actor": officer,
        },
        {"kind": "acknowledged", "due": read["acknowledge_by"], "in_time": True},
        *_expected_after_acknowledging(read, note_id, supplier, manager),
    ]


def _expected_after_acknowledging(
    read: dict[str, Any], note_id: str, supplier: str, manager: dict[str, Any]
) -> list[Any]:
    return [
        {
            "kind": "note",
            "note_id": note_id,
            "text": "Besök bokat",
            "author": manager,
        },
        {
            "kind": "transition",
            "from": "investigating",
            "to": "substantiated",
            "reason": "Bekräftat",
            "actor": manager,
        },
        {
            "kind": "decided",
            "outcome": "substantiated",
            "due": read["decide_by"],
            "in_time": True,
        },
        {
            "kind": "call_off_stopped",
            "supplier_org_number": supplier,
            "agreement_ids": ["hvb-2022"],
            "reason": "Bemanning saknas",
            "actor": manager,
        },
        {
            "kind": "disclosure",
            "disclosure_id": "d-1",
            "audit_index": 7,
            "recipient": {
                "code": "polismyndigheten",
                "org_number": "202100-0076",
                "name": "Polismyndigheten",
            },
            "legal_basis": ["OSL 10:24"],
            "data_categories": ["supplier_business"],
        },
    ]


def test_every_event_says_what_happened(
    client: TestClient, issuer: TestIssuer, case: dict[str, Any], kit: Any
) -> None:
    tip, note = case["tip"], case["note"]
    owner = _headers(issuer, "owner's manager")
    read = _ok(client.get(f"/v1/tips/{tip}", headers=owner))
    events = _ok(client.get(f"/v1/tips/{tip}/timeline", headers=owner))["events"]
    without_times = [{k: v for k, v in e.items() if k != "at"} for e in events]
    assert without_times == _expected(read, note["id"], kit.example_org)
    assert datetime.fromisoformat(events[0]["at"]) == datetime.fromisoformat(
        read["received_at"]
    )
    assert datetime.fromisoformat(events[-1]["at"]) == case["released"]
    assert (read["acknowledged_in_time"], read["decided_in_time"]) == (True, True)


def test_a_lift_naming_the_tip_follows_its_stop(
    client: TestClient, issuer: TestIssuer, case: dict[str, Any], kit: Any
) -> None:
    owner = _headers(issuer, "owner's manager")
    lift = {"reason": "Åtgärdat", "tip_ids": [case["tip"]]}
    _ok(
        client.request(
            "DELETE",
            f"/v1/suppliers/{kit.example_org}/call-off-stop",
            json=lift,
            headers=owner,
        )
    )
    events = _ok(client.get(f"/v1/tips/{case['tip']}/timeline", headers=owner))[
        "events"
    ]
    kinds = [e["kind"] for e in events]
    assert kinds.index("call_off_lifted") > kinds.index("call_off_stopped")


def test_a_stop_that_names_other_tips_is_not_in_this_timeline(
    client: TestClient, issuer: TestIssuer, kit: Any
) -> None:
    named = file_as_municipality(client, issuer, kit, MALMO, "1280")
    unnamed = file_as_municipality(client, issuer, kit, MALMO, "1280")
    owner = _headers(issuer, "owner's manager")
    stop = {"reason": "Brister", "tip_ids": [named]}
    _ok(
        client.post(
            f"/v1/suppliers/{kit.example_org}/call-off-stop", json=stop, headers=owner
        ),
        201,
    )
    kinds = {
        tip: [
            e["kind"]
            for e in _ok(client.get(f"/v1/tips/{tip}/timeline", headers=owner))[
                "events"
            ]
        ]
        for tip in (named, unnamed)
    }
    assert kinds == {named: ["filed", "call_off_stopped"], unnamed: ["filed"]}


def test_a_new_tip_has_one_event(
    client: TestClient, issuer: TestIssuer, writer: dict[str, str], kit: Any
) -> None:
    tip = kit.file(client, writer)
    timeline = _ok(client.get(f"/v1/tips/{tip['id']}/timeline", headers=writer))
    assert timeline == {
        "tip_id": tip["id"],
        "view": "filer",
        "events": [
            {
                "kind": "filed",
                "at": timeline["events"][0]["at"],
                "filed_by": "test-client",
                "acknowledge_by": tip["acknowledge_by"],
                "decide_by": tip["decide_by"],
            }
        ],
    }


def test_an_unknown_tip_is_a_404(client: TestClient, writer: dict[str, str]) -> None:
    response = client.get(
        "/v1/tips/00000000-0000-4000-8000-000000000000/timeline", headers=writer
    )
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
