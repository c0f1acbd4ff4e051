"""The approval queue and page (four eyes), over HTTP against the running suite."""

import re
import secrets

import pytest

from samverkan_console.approvals.service import OWN_ASSESSMENT
from samverkan_shared.supervisor import Suite
from tests.support.console import (
    ConsoleUser,
    ask_for_assessment,
    assess_in_console,
    police_view,
    sign_in_new_person,
    signed_in_person,
)

pytestmark = pytest.mark.e2e

_ROW = re.compile(r'<th scope="row"><a href="/godkannanden/([0-9a-f-]{36})">')
_ALERT = re.compile(r'<p class="fel" role="alert">([^<]*)</p>')


assessor = signed_in_person("assessor", "function")
approver = signed_in_person("approver", "function")


def _assessed(suite: Suite, assessor: ConsoleUser, decision: str = "release") -> str:
    asked = ask_for_assessment(suite, f"TEST-{secrets.token_hex(4)}")
    assess_in_console(assessor, asked["id"], decision)
    return str(asked["id"])


def test_the_queue_lists_assessed_requests_oldest_first(
    running_suite: Suite, assessor: ConsoleUser, approver: ConsoleUser
) -> None:
    first = _assessed(running_suite, assessor)
    second = _assessed(running_suite, assessor)
    page = approver.get("/godkannanden")
    assert page.status_code == 200
    assert "väntar på godkännande, äldst först</caption>" in page.text
    ids = _ROW.findall(page.text)
    assert ids.index(first) < ids.index(second)


def test_the_page_shows_the_assessor_the_proposals_and_the_legal_text(
    running_suite: Suite, assessor: ConsoleUser, approver: ConsoleUser
) -> None:
    disclosure_id = _assessed(running_suite, assessor, "withhold")
    page = approver.get(f"/godkannanden/{disclosure_id}").text
    assert "Bedömd av <strong>Anna Andersson</strong>" in page
    # The approver reads the assessment itself, not only its proposals.
    assert "<h3>Menprövningen</h3>" in page
    assert "Uppgiften behövs för utredningen; menet är begränsat." in page
    assert "<dt>Ändamål</dt>" in page
    proposals = page[page.index("<h2>Bedömningen</h2>") : page.index('id="beslut"')]
    assert "<td>Lämnas inte ut</td>" in proposals
    assert "Behövs för att höra uppgiftslämnaren som vittne." in proposals
    assert "<strong>OSL 10:15 a</strong>" in proposals
    assert "övervägande skäl talar för att det intresse" in proposals
    assert "<td>Inte beslutat</td>" in proposals
    assert '<label for="motivering">Motivering</label>' in page
    assert '<textarea id="motivering" name="reason" required>' in page
    assert "Registrera beslutet</button>" in page
    assert OWN_ASSESSMENT not in page


def test_an_approval_by_another_person_releases_the_data(
    running_suite: Suite, assessor: ConsoleUser, approver: ConsoleUser
) -> None:
    disclosure_id = _assessed(running_suite, assessor)
    page = f"/godkannanden/{disclosure_id}"
    answer = approver.submit(
        page, page, {"decision": "approve", "reason": "Instämmer i bedömningen."}
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == page
    shown = approver.get(page).text
    assert '<strong data-status="released">Utlämnad</strong>' in shown
    assert "Godkänd av Bertil Berg: Instämmer i bedömningen." in shown
    assert "Registrera beslutet" not in shown
    released = police_view(running_suite, disclosure_id)
    assert released["status"] == "released"
    assert "reporter" in released["released"]
    assert disclosure_id not in _ROW.findall(approver.get("/godkannanden").text)


def test_a_denial_withholds_the_assessed_fields(
    running_suite: Suite, assessor: ConsoleUser, approver: ConsoleUser
) -> None:
    disclosure_id = _assessed(running_suite, assessor)
    page = f"/godkannanden/{disclosure_id}"
    answer = approver.submit(page, page, {"decision": "deny", "reason": "För tidigt."})
    assert answer.status_code == 303
    assert '<strong data-status="denied">Avslagen</strong>' in approver.get(page).text
    assert police_view(running_suite, disclosure_id)["status"] == "denied"


def test_the_assessor_cannot_approve_their_own_assessment(
    running_suite: Suite,
) -> None:
    both = sign_in_new_person(
        running_suite, f"bada.{secrets.token_hex(3)}", "assessor approver"
    )
    disclosure_id = _assessed(running_suite, both)
    page = f"/godkannanden/{disclosure_id}"
    shown = both.get(page)
    assert shown.status_code == 200
    assert OWN_ASSESSMENT in shown.text
    assert "Registrera beslutet" not in shown.text
    assert 'name="decision"' not in shown.text
    # The service refuses too; the page says so and the request still waits.
    answer = both.submit(page, page, {"decision": "approve", "reason": "Självklart."})
    assert answer.status_code == 403
    alert = _ALERT.search(answer.text)
    assert alert is not None
    assert "four eyes" in alert.group(1)
    assert OWN_ASSESSMENT in answer.text
    assert police_view(running_suite, disclosure_id)["status"] == "assessed"
    both.close()


def test_a_decision_without_a_reason_shows_the_form_again(
    running_suite: Suite, assessor: ConsoleUser, approver: ConsoleUser
) -> None:
    disclosure_id = _assessed(running_suite, assessor)
    page = f"/godkannanden/{disclosure_id}"
    answer = approver.submit(page, page, {"decision": "deny", "reason": "   "})
    assert answer.status_code == 422
    alert = _ALERT.search(answer.text)
    assert alert is not None
    assert "reason" in alert.group(1)
    assert 'value="deny" checked' in answer.text
    assert police_view(running_suite, disclosure_id)["status"] == "assessed"


def test_a_person_without_the_approve_scope_gets_a_403_page(
    running_suite: Suite, assessor: ConsoleUser
) -> None:
    disclosure_id = _assessed(running_suite, assessor)
    for path in ("/godkannanden", f"/godkannanden/{disclosure_id}"):
        page = assessor.get(path)
        assert page.status_code == 403
        assert "godkänna utlämnanden" in page.text


@pytest.mark.parametrize("csrf", [None, "not-the-session-token"])
def test_a_decision_without_the_session_csrf_token_is_refused(
    running_suite: Suite,
    assessor: ConsoleUser,
    approver: ConsoleUser,
    csrf: str | None,
) -> None:
    disclosure_id = _assessed(running_suite, assessor)
    fields = {"decision": "approve", "reason": "Ok."}
    if csrf is not None:
        fields["csrf"] = csrf
    answer = approver.http.post(f"/godkannanden/{disclosure_id}", data=fields)
    assert answer.status_code == 403
    assert "Formuläret har gått ut" in answer.text
    assert police_view(running_suite, disclosure_id)["status"] == "assessed"
