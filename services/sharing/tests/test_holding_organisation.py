"""The assessor and the approver are persons of the holding organisation: the authority
whose data is disclosed (SHARING_HOLDER_ORG_NUMBER)."""

import secrets
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from samverkan_sharing.settings import SharingSettings
from tests.support.payloads import BEDRAGERI
from tests.support.sharing import HOLDER_ORG_NUMBER, Sharing, request_disclosure

OTHER_ORG_NUMBER = "202100-5448"
_ASSESSMENT = {
    "assessment": "Behövs för utredningen; menet är litet.",
    "proposals": [
        {"field": "persons", "decision": "release", "reason": "behövs"},
        {"field": "description", "decision": "withhold", "reason": "ej nödvändig"},
    ],
}
_APPROVAL = {"decision": "approve", "reason": "Bedömningen delas."}
_MISSING = object()


def _forbidden(detail: str) -> dict[str, Any]:
    return {
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
        "detail": detail,
    }


def _pending(sharing: Sharing) -> str:
    body = request_disclosure(sharing, BEDRAGERI).json()
    assert body["status"] == "awaiting_assessment", body
    disclosure_id: str = body["id"]
    return disclosure_id


def _assessed(sharing: Sharing) -> str:
    disclosure_id = _pending(sharing)
    response = sharing.client.post(
        f"/v1/disclosure-requests/{disclosure_id}/assessment",
        json=_ASSESSMENT,
        headers=sharing.headers("assessor"),
    )
    assert response.status_code == 200, response.text
    return disclosure_id


def _person_token(sharing: Sharing, username: str, org_number: object) -> str:
    """The person's own token from a sign-in, re-signed by the issuer with its
    ``org_number`` claim changed (or removed, for ``_MISSING``)."""
    issuer = sharing.client.app.running.state.token_issuer  # type: ignore[attr-defined]
    claims = dict(issuer.verified_claims(sharing.person_token(username)))
    claims["jti"] = secrets.token_hex(16)
    claims.pop("org_number")
    if org_number is not _MISSING:
        claims["org_number"] = org_number
    token: str = issuer.sign(claims, typ="at+jwt")
    return token


_STEPS: dict[str, tuple[str, str, Callable[[Sharing], str], dict[str, Any]]] = {
    "assess": ("assessor", "assessment", _pending, _ASSESSMENT),
    "approve": ("approver", "approval", _assessed, _APPROVAL),
}


@pytest.mark.parametrize("step", list(_STEPS))
@pytest.mark.parametrize(
    ("org_number", "status", "detail"),
    [
        pytest.param(HOLDER_ORG_NUMBER, 200, None, id="the holder's person"),
        pytest.param(
            OTHER_ORG_NUMBER,
            403,
            f"Only a person of the holding organisation ({HOLDER_ORG_NUMBER}) may "
            "assess or approve a disclosure; this person's token names another "
            f"organisation ({OTHER_ORG_NUMBER}).",
            id="another organisation's person",
        ),
        pytest.param(
            _MISSING,
            403,
            f"Only a person of the holding organisation ({HOLDER_ORG_NUMBER}) may "
            "assess or approve a disclosure; this person's token names no "
            "organisation.",
            id="no org_number claim",
        ),
    ],
)
def test_only_the_holders_persons_decide(
    sharing: Sharing, step: str, org_number: object, status: int, detail: str | None
) -> None:
    username, path, prepare, body = _STEPS[step]
    disclosure_id = prepare(sharing)
    token = _person_token(sharing, username, org_number)

    response = sharing.client.post(
        f"/v1/disclosure-requests/{disclosure_id}/{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == status, response.text
    if detail is not None:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json() == _forbidden(detail)
        assert sharing.audit.entries == []


@pytest.mark.parametrize("path", ["assessment", "approval"])
def test_without_a_holder_outside_the_demo_no_person_decides(
    sharing_factory: Callable[..., Sharing], path: str
) -> None:
    """A missing setting does not stop the service, but no decision is made
    until it names whose officials may decide."""
    demo = sharing_factory()  # generates the keys; its tokens are valid for both
    disclosure_id = _pending(demo) if path == "assessment" else _assessed(demo)
    person = demo.headers("assessor" if path == "assessment" else "approver")
    sharing = sharing_factory(holder_org_number=None, demo=False)

    response = sharing.client.post(
        f"/v1/disclosure-requests/{disclosure_id}/{path}",
        json=_ASSESSMENT if path == "assessment" else _APPROVAL,
        headers=person,
    )

    assert response.status_code == 403
    assert response.json() == _forbidden(
        "Assessments and approvals are refused: this service does not know whose "
        "officials may decide. Set SHARING_HOLDER_ORG_NUMBER to the organisation "
        "number of the authority whose data it discloses."
    )


class TestSetting:
    def test_the_demo_defaults_to_malmo(self) -> None:
        settings = SharingSettings(demo=True)
        assert settings.effective_holder_org_number == "212000-1124"

    def test_outside_the_demo_there_is_no_default(self) -> None:
        assert SharingSettings(demo=False).effective_holder_org_number is None

    def test_the_number_is_normalised(self) -> None:
        settings = SharingSettings(holder_org_number="2021005448", demo=True)
        assert settings.effective_holder_org_number == "202100-5448"

    @pytest.mark.parametrize("value", ["212000-1125", "19121212-1212", "Malmö"])
    def test_an_invalid_number_is_refused(self, value: str) -> None:
        with pytest.raises(ValidationError, match="SHARING_HOLDER_ORG_NUMBER"):
            SharingSettings(holder_org_number=value)
