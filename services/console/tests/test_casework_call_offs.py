"""Call-off stops from a tip's page, over HTTP against the running suite: the
officer of the agreement's owner (Adda) stops and lifts call-offs from the tip's
supplier on the tip's agreement; others read the state and have no form."""

import secrets
from typing import Any

import pytest

from samverkan_console.casework.service import CallOffs, call_offs_on
from samverkan_shared.supervisor import Suite
from tests.support.casework import file_in_console
from tests.support.console import (
    ConsoleUser,
    sign_in_new_person,
    signed_in_person,
    tips_api,
)

pytestmark = pytest.mark.e2e


reporter = signed_in_person("reporter")
officer = signed_in_person("case_officer")


# A supplier on stodboende-2023 (Adda's) that no other test of the running suite stops.
_STOPPED_SUPPLIER = {
    "avtal": "stodboende-2023",
    "leverantor_orgnr": "559234-5671",
    "leverantor_namn": "Nya Vägen Stödboende AB",
}


def _stops(suite: Suite) -> dict[str, dict[str, Any]]:
    record = tips_api(suite, "adda-manager", "/v1/suppliers/559234-5671")
    return {stop["agreement_id"]: stop for stop in record["call_off_stops"]}


def _assert_open_with_a_form_for_the_owner_only(
    reporter: ConsoleUser, officer: ConsoleUser, tip_id: str
) -> None:
    page = f"/arenden/{tip_id}"
    shown = officer.get(page).text
    assert '<p data-call-offs="open">Avropen är inte stoppade på ' in shown
    assert f'action="/arenden/{tip_id}/avropsstopp"' in shown
    # The filer reads the state but has no form.
    filer = reporter.get(page).text
    assert '<p data-call-offs="open">' in filer
    assert "avropsstopp" not in filer


def _stop_from_the_page(
    suite: Suite, officer: ConsoleUser, tip_id: str, reason: str
) -> None:
    """Stop call-offs with ``reason``: stopped on the tip's agreement, for this tip,
    and the page says so and offers to lift them."""
    page = f"/arenden/{tip_id}"
    stopped = officer.submit(page, f"{page}/avropsstopp", {"avropsskal": reason})
    assert stopped.status_code == 303, stopped.text
    assert stopped.headers["location"] == f"{page}#avrop"
    stops = _stops(suite)
    assert stops["stodboende-2023"]["active"] is True
    assert stops["stodboende-2023"]["reason"] == reason
    record = tips_api(suite, "adda-manager", "/v1/suppliers/559234-5671")
    assert record["history"][-1]["tip_ids"] == [tip_id]
    assert record["history"][-1]["agreement_ids"] == ["stodboende-2023"]
    shown = officer.get(page).text
    assert '<p data-call-offs="stopped"><strong>Avropen är stoppade</strong>' in shown
    assert reason in shown
    assert f'action="/arenden/{tip_id}/avropsstopp/hav"' in shown
    assert '<tr data-kind="call_off_stopped">' in shown


def _lift_from_the_page(suite: Suite, officer: ConsoleUser, page: str) -> None:
    """Lift the stop: open again; lifting it twice is refused."""
    lifted = officer.submit(
        page, f"{page}/avropsstopp/hav", {"avropsskal": "Bemanningen åtgärdad."}
    )
    assert lifted.status_code == 303, lifted.text
    assert _stops(suite)["stodboende-2023"]["active"] is False
    assert '<p data-call-offs="open">' in officer.get(page).text
    twice = officer.submit(page, f"{page}/avropsstopp/hav", {"avropsskal": "Igen."})
    assert twice.status_code == 422
    assert "Avropen var inte stoppade på ramavtalet" in twice.text


def test_the_owner_s_officer_stops_and_lifts_call_offs_from_the_tip_s_page(
    running_suite: Suite, reporter: ConsoleUser, officer: ConsoleUser
) -> None:
    tip_id = file_in_console(
        reporter, f"Avropsstopp {secrets.token_hex(4)}", **_STOPPED_SUPPLIER
    )
    page = f"/arenden/{tip_id}"
    _assert_open_with_a_form_for_the_owner_only(reporter, officer, tip_id)

    empty = officer.submit(page, f"{page}/avropsstopp", {"avropsskal": " "})
    assert empty.status_code == 422
    assert "Skriv ett skäl (högst 2 000 tecken)." in empty.text
    assert _stops(running_suite)["stodboende-2023"]["active"] is False

    reason = f"Brister i bemanningen {secrets.token_hex(3)}"
    _stop_from_the_page(running_suite, officer, tip_id, reason)

    # A second stop from a page shown before the first: refused, the words kept.
    again = officer.submit(page, f"{page}/avropsstopp", {"avropsskal": "Igen."})
    assert again.status_code == 422
    assert "Avropen var redan stoppade på ramavtalet" in again.text
    assert ">Igen.</textarea>" in again.text

    _lift_from_the_page(running_suite, officer, page)


def test_a_person_who_does_not_manage_the_tip_cannot_stop_call_offs(
    running_suite: Suite, reporter: ConsoleUser
) -> None:
    """Malmö's case officer reads Malmö's tip but Adda owns the agreement: no form,
    and the tips service refuses the stop (403)."""
    tip_id = file_in_console(
        reporter, f"Inte vårt stopp {secrets.token_hex(4)}", **_STOPPED_SUPPLIER
    )
    malmo = sign_in_new_person(
        running_suite, f"malmo.avrop.{secrets.token_hex(3)}", "case_officer"
    )
    page = malmo.get(f"/arenden/{tip_id}")
    refused = malmo.submit(
        f"/arenden/{tip_id}",
        f"/arenden/{tip_id}/avropsstopp",
        {"avropsskal": "Inte vårt avtal."},
    )
    malmo.close()
    assert '<p data-call-offs="open">' in page.text
    assert "avropsstopp" not in page.text
    assert refused.status_code == 403
    assert _stops(running_suite)["stodboende-2023"]["active"] is False


def test_the_call_off_state_is_the_one_on_the_tip_s_agreement() -> None:
    supplier = {
        "call_off_stops": [
            {
                "agreement_id": "hvb-2022",
                "active": False,
                "since": None,
                "reason": None,
            },
            {
                "agreement_id": "stodboende-2023",
                "active": True,
                "since": "2026-11-02T09:30:00Z",
                "reason": "Brister",
            },
        ]
    }
    assert call_offs_on(supplier, "stodboende-2023") == CallOffs(
        "stodboende-2023", True, "2026-11-02 10:30", "Brister"
    )
    assert call_offs_on(supplier, "hvb-2022") == CallOffs("hvb-2022", False, "", "")
    assert call_offs_on(supplier, "assistans-2024") is None
