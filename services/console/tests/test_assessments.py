"""The assessment queue and a request's page, over HTTP against the running suite."""

import re
import secrets
from datetime import UTC, datetime, timedelta

import jinja2
import pytest

from samverkan_console.assessments.service import local_time, queue_page
from samverkan_shared.supervisor import Suite
from tests.support.console import (
    ConsoleUser,
    ask_for_assessment,
    assess_in_console,
    hidden_inputs,
    police_view,
    signed_in_person,
)

pytestmark = pytest.mark.e2e

_ROW = re.compile(r'<th scope="row"><a href="/bedomningar/([0-9a-f-]{36})">')
_NEXT = re.compile(r'<a href="(/bedomningar\?cursor=[^"]+)">Nästa sida</a>')


assessor = signed_in_person("assessor", "function")


def _reference() -> str:
    return f"TEST-{secrets.token_hex(4)}"


def _status(suite: Suite, disclosure_id: str) -> str:
    return str(police_view(suite, disclosure_id)["status"])


def _queue_ids(user: ConsoleUser) -> list[str]:
    """Every request id the queue lists, following "Nästa sida" to the end."""
    ids: list[str] = []
    page: str | None = "/bedomningar"
    while page is not None:
        answer = user.get(page)
        assert answer.status_code == 200, answer.text
        ids += _ROW.findall(answer.text)
        found = _NEXT.search(answer.text)
        page = found.group(1).replace("&amp;", "&") if found else None
    return ids


def test_the_queue_lists_waiting_requests_oldest_first_with_their_due_dates(
    running_suite: Suite, assessor: ConsoleUser
) -> None:
    first = ask_for_assessment(running_suite, _reference())
    second = ask_for_assessment(running_suite, _reference())
    page = assessor.get("/bedomningar")
    assert page.status_code == 200
    assert "<caption>Förfrågningar som väntar på bedömning, äldst först</caption>" in (
        page.text
    )
    ids = _ROW.findall(page.text)
    assert ids.index(first["id"]) < ids.index(second["id"])
    row = page.text[page.text.index(first["id"]) :].split("</tr>")[0]
    assert first["partner_reference"] in row
    assert f"<td>{local_time(first['assessment_due'])}</td>" in row
    assert "Försenad" not in row


def test_a_late_request_is_marked_in_words_not_only_colour() -> None:
    due = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    item = {
        "id": "0" * 36,
        "status": "awaiting_assessment",
        "partner_reference": "SEN-1",
        "recipient": {"code": "polismyndigheten", "name": "Polismyndigheten"},
        "held_fields": ["reporter"],
        "assessment_due": due.isoformat(),
        "created_at": (due - timedelta(days=5)).isoformat(),
    }
    late = queue_page({"items": [item], "next_cursor": None}, due + timedelta(hours=1))
    on_time = queue_page({"items": [item], "next_cursor": None}, due)
    pages = jinja2.Environment(
        loader=jinja2.PackageLoader("samverkan_console", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    template = pages.get_template("assessments/queue.html")
    context: dict[str, object] = {
        "navigation": [],
        "person": None,
        "csrf": "",
        "path": "/bedomningar",
    }
    assert "Försenad" in template.render(page=late, **context)
    assert "Försenad" not in template.render(page=on_time, **context)


def test_more_than_a_page_has_a_next_page_link_and_stays_in_order(
    running_suite: Suite, assessor: ConsoleUser
) -> None:
    asked = [ask_for_assessment(running_suite, _reference())["id"] for _ in range(51)]
    first_page = assessor.get("/bedomningar").text
    assert _NEXT.search(first_page) is not None
    ids = _queue_ids(assessor)
    assert len(ids) == len(set(ids))
    assert [i for i in ids if i in asked] == asked


def test_the_request_page_shows_each_field_with_its_outcome_rule_and_legal_text(
    running_suite: Suite, assessor: ConsoleUser
) -> None:
    asked = ask_for_assessment(running_suite, _reference())
    page = assessor.get(f"/bedomningar/{asked['id']}")
    assert page.status_code == 200
    text = page.text
    assert asked["partner_reference"] in text
    assert "<dd>demo-polisen</dd>" in text
    assert "Polismyndigheten (202100-0076)" in text
    assert asked["tip_id"] in text
    reporter = _row(text, "reporter")
    assert "Kräver bedömning" in reporter
    assert "skyddet av uppgiftslämnarens identitet" in reporter
    assert "<strong>OSL 10:23</strong>" in reporter
    assert "Committed crime, strong secrecy, minimum six months" in reporter
    assert "<strong>OSL 10:15 a</strong>" in reporter
    # The words of the statute a person must weigh, and where the text is.
    assert "övervägande skäl talar för att det intresse" in reporter
    assert 'href="https://svenskforfattningssamling.se/doc/2025934.html"' in reporter
    assert "SFS 2025:934" in reporter
    supplier = _row(text, "supplier.name")
    assert "Lämnas ut" in supplier
    assert "<strong>OSL 6:5</strong>" in supplier
    # The form proposes for the held field only.
    assert 'name="beslut:reporter"' in text
    assert 'name="beslut:supplier.name"' not in text
    assert "<legend>Förslag för fältet reporter</legend>" in text


def _row(page: str, field: str) -> str:
    start = page.index(f'<th scope="row"><code>{field}</code>')
    return page[start : page.index("</tr>", start)]


def test_an_assessment_moves_the_request_to_the_approval_queue(
    running_suite: Suite, assessor: ConsoleUser
) -> None:
    asked = ask_for_assessment(running_suite, _reference())
    assess_in_console(assessor, asked["id"], "release")
    page = assessor.get(f"/bedomningar/{asked['id']}").text
    assert '<strong data-status="assessed">Bedömd, väntar på godkännande</strong>' in (
        page
    )
    assert "Bedömd av <strong>Anna Andersson</strong>" in page
    assert "Behövs för att höra uppgiftslämnaren som vittne." in page
    assert 'name="beslut:reporter"' not in page  # nothing left to assess
    assert asked["id"] not in _queue_ids(assessor)
    approver = ConsoleUser.signed_in(running_suite, "approver")
    assert f'href="/godkannanden/{asked["id"]}"' in approver.get("/godkannanden").text
    approver.close()
    assert _status(running_suite, asked["id"]) == "assessed"


def test_a_proposal_without_a_reason_shows_the_form_again_with_what_was_typed(
    running_suite: Suite, assessor: ConsoleUser
) -> None:
    asked = ask_for_assessment(running_suite, _reference())
    page = f"/bedomningar/{asked['id']}"
    answer = assessor.submit(
        page,
        page,
        {
            "assessment": "Min bedömning <b>står kvar</b>.",
            "beslut:reporter": "withhold",
            "skal:reporter": "",
        },
    )
    assert answer.status_code == 422
    alert = re.search(r'<p class="fel" role="alert">([^<]*)</p>', answer.text)
    assert alert is not None
    assert "fältet reporter" in alert.group(1)
    assert "Min bedömning &lt;b&gt;står kvar&lt;/b&gt;.</textarea>" in answer.text
    assert 'value="withhold" checked' in answer.text
    assert _status(running_suite, asked["id"]) == "awaiting_assessment"


def test_a_person_without_the_assess_scope_gets_a_403_page(
    running_suite: Suite,
) -> None:
    asked = ask_for_assessment(running_suite, _reference())
    compliance = ConsoleUser.signed_in(running_suite, "compliance")
    for path in ("/bedomningar", f"/bedomningar/{asked['id']}"):
        page = compliance.get(path)
        assert page.status_code == 403
        assert "<h1>Ingen behörighet</h1>" in page.text
        assert "bedöma utlämnanden" in page.text
    form = compliance.http.post(
        f"/bedomningar/{asked['id']}",
        data={"csrf": hidden_inputs(compliance.get("/").text)["csrf"]},
    )
    assert form.status_code == 403
    compliance.close()
    assert _status(running_suite, asked["id"]) == "awaiting_assessment"


@pytest.mark.parametrize("csrf", [None, "not-the-session-token"])
def test_a_form_without_the_session_csrf_token_is_refused(
    running_suite: Suite, assessor: ConsoleUser, csrf: str | None
) -> None:
    asked = ask_for_assessment(running_suite, _reference())
    fields = {
        "assessment": "Bedömning.",
        "beslut:reporter": "release",
        "skal:reporter": "Behövs.",
    }
    if csrf is not None:
        fields["csrf"] = csrf
    answer = assessor.http.post(f"/bedomningar/{asked['id']}", data=fields)
    assert answer.status_code == 403
    assert "Formuläret har gått ut" in answer.text
    assert _status(running_suite, asked["id"]) == "awaiting_assessment"


def test_an_unknown_request_is_a_404_page(assessor: ConsoleUser) -> None:
    page = assessor.get(f"/bedomningar/{'0' * 8}-0000-0000-0000-{'0' * 12}")
    assert page.status_code == 404
