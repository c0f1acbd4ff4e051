"""The tip form, the case list and a tip's page, over HTTP against the running suite:
Malmö's reporter files a tip, and Adda's case officer (Adda owns the demo agreements)
finds it in the case list and moves it; each person can do exactly what their
organisation's client could."""

import re
import secrets
from typing import Any

import pytest

from samverkan_console.casework.service import Deadline, tip_view
from samverkan_shared.supervisor import Suite
from tests.support.casework import file_in_console, post_tip_form, tip_form_inputs
from tests.support.console import (
    PURCHASING_CENTRE,
    ConsoleUser,
    all_tips,
    hidden_inputs,
    sign_in_new_person,
    signed_in_person,
    tip_fields,
    tips_api,
)

pytestmark = pytest.mark.e2e

_ROW = re.compile(r'<tr(?: class="forsenad")? data-tip="([0-9a-f-]{36})">')
_NEXT = re.compile(r'<a href="(/arenden\?[^"]+)">Nästa sida</a>')


reporter = signed_in_person("reporter")
officer = signed_in_person("case_officer")


def _described(suite: Suite, description: str) -> list[dict[str, Any]]:
    tips = all_tips(suite, "malmo", supplier="559123-4561")
    return [tip for tip in tips if tip["description"] == description]


def _listed(user: ConsoleUser, **params: str) -> list[str]:
    """Every tip id the case list shows for ``params``, following its pages."""
    ids: list[str] = []
    answer = user.get("/arenden", **params)
    while True:
        assert answer.status_code == 200, answer.text
        ids += _ROW.findall(answer.text)
        found = _NEXT.search(answer.text)
        if found is None:
            return ids
        answer = user.get(found.group(1).replace("&amp;", "&"))


def test_a_reporter_files_a_tip_in_their_municipality_s_name(
    running_suite: Suite, reporter: ConsoleUser
) -> None:
    description = f"Ingen nattpersonal {secrets.token_hex(4)}"
    tip_id = file_in_console(reporter, description)

    tip = tips_api(running_suite, "malmo", f"/v1/tips/{tip_id}")
    assert tip["description"] == description
    assert tip["reporter"]["municipality_code"] == "1280"
    assert tip["persons"] == [
        {"personal_number": "20121212-1212", "role": "placed_child"}
    ]
    page = reporter.get(f"/arenden/{tip_id}", inlamnat="1")
    assert "Tipset är inlämnat." in page.text
    assert description in page.text
    # A reporter reads the tip; moving it is the agreement owner's.
    assert 'action="/arenden/' not in page.text


def test_a_form_sent_twice_files_one_tip(
    running_suite: Suite, reporter: ConsoleUser
) -> None:
    description = f"Dubbelklick {secrets.token_hex(4)}"
    hidden = tip_form_inputs(reporter)
    fields = tip_fields(description)
    first = post_tip_form(reporter, hidden, fields)
    again = post_tip_form(reporter, hidden, fields)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert len(_described(running_suite, description)) == 1
    # A new rendering of the form is a new tip, even with the same words.
    file_in_console(reporter, description)
    assert len(_described(running_suite, description)) == 2


def test_a_refused_tip_keeps_what_was_typed_and_names_each_field(
    running_suite: Suite, reporter: ConsoleUser
) -> None:
    description = f"Fel kontrollsiffra {secrets.token_hex(4)}"
    fields = tip_fields(
        description,
        leverantor_orgnr="559123-4562",
        person_0_nummer="",
        person_0_roll="",
        person_2_nummer="20121212-1213",
        person_2_roll="relative",
        datum="2999-01-01",
    )
    answer = post_tip_form(reporter, tip_form_inputs(reporter), fields)
    assert answer.status_code == 422
    page = answer.text
    assert "Tipset lämnades inte in" in page
    for name in ("leverantor_orgnr", "datum", "person_2_nummer"):
        assert f'<a href="#{name}">' in page
        assert f'aria-describedby="{name}-hjalp {name}-fel" aria-invalid="true"' in page
    # The persons sent were only the third row: the service's #/persons/0 is row 3.
    assert 'id="person_0_nummer-fel"' not in page
    assert f">{description}</textarea>" in page
    assert 'value="559123-4562"' in page
    assert '<option value="relative" selected>' in page
    assert 'value="staffing" checked' in page
    assert _described(running_suite, description) == []


def test_a_form_without_a_category_is_refused_for_that_field(
    reporter: ConsoleUser,
) -> None:
    fields = tip_fields(f"Utan kategori {secrets.token_hex(4)}")
    del fields["kategori"]
    answer = post_tip_form(reporter, tip_form_inputs(reporter), fields)
    assert answer.status_code == 422
    assert '<a href="#kategori">Välj minst en kategori.</a>' in answer.text


def test_the_agreement_owner_s_officer_finds_and_moves_the_tip(
    running_suite: Suite, reporter: ConsoleUser, officer: ConsoleUser
) -> None:
    tip_id = file_in_console(reporter, f"Flyttas {secrets.token_hex(4)}")
    assert tip_id in _listed(officer)
    assert tip_id in _listed(officer, status="received", avtal="hvb-2022")
    assert tip_id not in _listed(officer, status="investigating")
    assert tip_id not in _listed(officer, avtal="stodboende-2023")

    page = officer.get(f"/arenden/{tip_id}")
    assert '<button type="submit" name="to" value="investigating">' in page.text
    assert 'value="substantiated"' not in page.text
    moved = officer.submit(
        f"/arenden/{tip_id}",
        f"/arenden/{tip_id}/flytt",
        {"to": "investigating", "skal": "Utreds av tipsfunktionen."},
    )
    assert moved.status_code == 303, moved.text
    tip = tips_api(running_suite, "adda-manager", f"/v1/tips/{tip_id}")
    assert tip["status"] == "investigating"
    assert tip["history"][-1]["reason"] == "Utreds av tipsfunktionen."
    shown = officer.get(f"/arenden/{tip_id}").text
    assert '<strong data-status="investigating">Utreds</strong>' in shown
    assert "Utreds av tipsfunktionen." in shown
    # Now a verdict, with the agreement's terms to name as breached.
    assert 'name="villkor" value="2"' in shown
    assert tip_id in _listed(officer, status="investigating")


def test_a_move_the_workflow_refuses_comes_back_with_the_reason(
    reporter: ConsoleUser, officer: ConsoleUser
) -> None:
    tip_id = file_in_console(reporter, f"Hoppar {secrets.token_hex(4)}")
    answer = officer.submit(
        f"/arenden/{tip_id}",
        f"/arenden/{tip_id}/flytt",
        {"to": "closed", "skal": "Försöker avsluta direkt."},
    )
    assert answer.status_code == 422
    assert "Tipset kan inte flyttas dit från sin status nu" in answer.text
    assert ">Försöker avsluta direkt.</textarea>" in answer.text
    # Breached terms belong to a verdict, not to the start of an investigation.
    named = officer.submit(
        f"/arenden/{tip_id}",
        f"/arenden/{tip_id}/flytt",
        [("to", "investigating"), ("skal", "Utreds."), ("villkor", "2")],
    )
    assert named.status_code == 422
    assert "Brutna avtalsvillkor anges bara när tipset bedöms som befogat" in named.text


def test_a_case_officer_of_another_organisation_reads_but_does_not_move(
    running_suite: Suite, reporter: ConsoleUser
) -> None:
    """Malmö's own case officer reads Malmö's tip (Malmö filed it) but Adda owns the
    agreement: no move is offered, and the tips service refuses one (403)."""
    tip_id = file_in_console(reporter, f"Malmös eget {secrets.token_hex(4)}")
    malmo = sign_in_new_person(
        running_suite, f"malmo.utredare.{secrets.token_hex(3)}", "case_officer"
    )
    page = malmo.get(f"/arenden/{tip_id}")
    assert page.status_code == 200
    assert 'name="to"' not in page.text
    refused = malmo.submit(
        f"/arenden/{tip_id}",
        f"/arenden/{tip_id}/flytt",
        {"to": "investigating", "skal": "Inte vårt avtal."},
    )
    malmo.close()
    assert refused.status_code == 403
    status = tips_api(running_suite, "malmo", f"/v1/tips/{tip_id}")["status"]
    assert status == "received"


def test_a_tip_of_another_organisation_is_not_found(
    running_suite: Suite, reporter: ConsoleUser
) -> None:
    tip_id = file_in_console(reporter, f"Bara Malmö och Adda {secrets.token_hex(4)}")
    other = sign_in_new_person(
        running_suite,
        f"annan.{secrets.token_hex(3)}",
        "case_officer",
        org_number="202100-5448",
    )
    page = other.get(f"/arenden/{tip_id}")
    listed = _listed(other)
    other.close()
    assert page.status_code == 404
    assert tip_id not in listed


def test_a_reporter_outside_a_municipality_cannot_file(running_suite: Suite) -> None:
    user = sign_in_new_person(
        running_suite,
        f"adda.rapportor.{secrets.token_hex(3)}",
        "reporter",
        org_number=PURCHASING_CENTRE,
    )
    page = user.get("/tips/nytt")
    user.close()
    assert page.status_code == 200
    assert 'id="ingen-kommun"' in page.text
    assert 'action="/tips/nytt"' not in page.text


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("reporter", ["/tips/nytt", "/arenden", "/tipsstatistik"], ["/bedomningar"]),
        ("case_officer", ["/arenden", "/tipsstatistik"], ["/tips/nytt", "/logg"]),
        ("assessor", ["/bedomningar"], ["/tips/nytt", "/arenden", "/tipsstatistik"]),
    ],
)
def test_the_navigation_shows_what_the_person_s_roles_allow(
    running_suite: Suite, role: str, shown: list[str], hidden: list[str]
) -> None:
    user = ConsoleUser.signed_in(running_suite, role)
    start = user.get("/").text
    refused = {path: user.get(path).status_code for path in hidden}
    user.close()
    menu = start[start.index('<nav aria-label="Huvudmeny">') :].split("</nav>")[0]
    for path in shown:
        assert f'<a href="{path}"' in menu
    for path in hidden:
        assert f'<a href="{path}"' not in menu
        assert refused[path] == 403


def test_the_overdue_filter_lists_what_the_service_calls_overdue(
    running_suite: Suite, officer: ConsoleUser
) -> None:
    overdue = [t["id"] for t in all_tips(running_suite, "adda-manager", overdue="true")]
    assert overdue  # the demo's late tips
    listed = _listed(officer, forsenade="1")
    assert listed == overdue
    page = officer.get("/arenden", forsenade="1").text
    for tip_id in _ROW.findall(page):
        row = page[page.index(f'data-tip="{tip_id}"') :].split("</tr>")[0]
        assert '<strong class="varning">Försenad</strong>' in row
        assert f'<tr class="forsenad" data-tip="{tip_id}">' in page
    # And in the whole list, the same tips and no others are late.
    full = officer.get("/arenden").text
    late = re.findall(r'<tr class="forsenad" data-tip="([0-9a-f-]{36})">', full)
    assert set(late) == set(overdue) & set(_ROW.findall(full))


def test_the_owner_sees_due_dates_notes_and_the_timeline_the_filer_no_notes(
    running_suite: Suite, reporter: ConsoleUser, officer: ConsoleUser
) -> None:
    tip_id = file_in_console(reporter, f"Tidslinje {secrets.token_hex(4)}")
    tip = tips_api(running_suite, "adda-manager", f"/v1/tips/{tip_id}")
    page = officer.get(f"/arenden/{tip_id}").text
    assert f'<dd data-due="acknowledge">{tip["acknowledge_by"]}' in page
    assert f'<dd data-due="decide">{tip["decide_by"]}' in page
    assert "Försenad" not in page
    assert '<tr data-kind="filed">' in page

    note = f"Begärt bemanningslistor {secrets.token_hex(4)}"
    hidden = hidden_inputs(page)
    path = f"/arenden/{tip_id}/anteckningar"
    fields = {"csrf": hidden["csrf"], "nyckel": hidden["nyckel"], "anteckning": note}
    first = officer.http.post(path, data=fields)
    again = officer.http.post(path, data=fields)  # a double submit
    assert first.status_code == again.status_code == 303
    timeline = tips_api(running_suite, "adda-manager", f"/v1/tips/{tip_id}/timeline")
    notes = [e for e in timeline["events"] if e["kind"] == "note"]
    assert [n["text"] for n in notes] == [note]

    shown = officer.get(f"/arenden/{tip_id}").text
    row = shown[shown.index('<tr data-kind="note">') :].split("</tr>")[0]
    assert note in row
    assert "Erik Ekström" in row
    filer = reporter.get(f"/arenden/{tip_id}").text
    assert note not in filer  # the owner's working notes are not the filer's
    assert '<tr data-kind="filed">' in filer
    assert 'action="/arenden/' not in filer


def test_an_empty_note_is_refused_with_the_reason(
    reporter: ConsoleUser, officer: ConsoleUser
) -> None:
    tip_id = file_in_console(reporter, f"Tom anteckning {secrets.token_hex(4)}")
    answer = officer.submit(
        f"/arenden/{tip_id}", f"/arenden/{tip_id}/anteckningar", {"anteckning": " "}
    )
    assert answer.status_code == 422
    assert "Skriv anteckningen (högst 10 000 tecken)." in answer.text


def test_a_deadline_is_late_only_while_its_step_is_still_to_be_taken() -> None:
    assert Deadline("2026-01-05", False, pending=True).overdue
    assert Deadline("2026-01-05", False, pending=True).state == "Försenad"
    assert not Deadline("2026-01-05", False, pending=False).overdue
    assert Deadline("2026-01-05", False, pending=False).state == "Klar för sent"
    assert Deadline("2026-01-05", True, pending=False).state == "Klar i tid"
    assert Deadline("2026-01-05", None, pending=True).state == ""


def _tip_answer(status: str, next_statuses: list[str]) -> dict[str, Any]:
    """A tip as the tips service answers it, with only what the page reads."""
    return {
        "id": "0b6a1f5e-3c1d-4f0e-9a55-1d2b3c4d5e6f",
        "status": status,
        "next_statuses": next_statuses,
        "received_at": "2026-10-02T08:00:00Z",
        "supplier": {"org_number": "559123-4561", "name": "Trygga Hem HVB AB"},
        "agreement_id": "hvb-2022",
        "categories": ["staffing"],
        "occurred_on": "2026-10-01",
        "description": "Nattpersonal saknades.",
        "reporter": {
            "municipality_code": "1280",
            "unit": "IFO",
            "activity": "social_services",
        },
        "persons": [],
        "breached_terms": [],
    }


@pytest.mark.parametrize(
    ("status", "listed", "offered"),
    [
        ("received", ["investigating"], [("investigating", "Börja utreda")]),
        (
            "investigating",
            ["substantiated", "unsubstantiated"],
            [
                ("substantiated", "Bedöm som befogat"),
                ("unsubstantiated", "Bedöm som obefogat"),
            ],
        ),
        ("unsubstantiated", ["closed"], [("closed", "Avsluta ärendet")]),
        ("closed", [], []),
        # Whatever the service lists is offered, even a move the console never knew.
        (
            "received",
            ["closed", "reopened"],
            [
                ("closed", "Avsluta ärendet"),
                ("reopened", "Flytta till reopened"),
            ],
        ),
    ],
    ids=["received", "investigating", "verdict", "closed", "the service decides"],
)
def test_the_tip_page_offers_exactly_the_moves_the_service_lists(
    status: str, listed: list[str], offered: list[tuple[str, str]]
) -> None:
    empty: dict[str, Any] = {"events": []}
    managed = tip_view(_tip_answer(status, listed), None, True, empty)
    assert list(managed.moves) == offered
    assert managed.may_name_breached_terms == ("substantiated" in listed)
    read_only = tip_view(_tip_answer(status, listed), None, False, empty)
    assert read_only.moves == ()
