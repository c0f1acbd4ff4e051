"""Case notes: written by the agreement owner's managers only, with their author,
once per Idempotency-Key, and sealed at rest like the narrative."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, text
from sqlmodel import Session, select

from samverkan_shared.crypto import DecryptionFailed, Keyring
from samverkan_tips.notes.models import TipNoteRecord
from samverkan_tips.tips.reencrypt import reencrypt_tips
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
NOTE = "Ringde leverantören; bemanningslistor för mars begärda."


def _headers(issuer: TestIssuer, role: str, **claims: Any) -> dict[str, str]:
    org_number, scopes = ROLES[role]
    return issuer.headers(scopes, client_id=role, org_number=org_number, **claims)


def _note(
    client: TestClient,
    tip_id: str,
    headers: dict[str, str],
    body: Any = None,
    key: str | None = None,
) -> Any:
    extra = {} if key is None else {"Idempotency-Key": key}
    return client.post(
        f"/v1/tips/{tip_id}/notes",
        json={"text": NOTE} if body is None else body,
        headers={**headers, **extra},
    )


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(TipNoteRecord)).one()


@pytest.fixture
def tip(client: TestClient, issuer: TestIssuer, kit: Any) -> str:
    """Malmö's tip on hvb-2022, owned by the purchasing centre."""
    return file_as_municipality(client, issuer, kit, MALMO, "1280")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("owner's manager", 201),
        ("filing municipality's manager", 403),
        ("other municipality's manager", 404),
        ("filing municipality's reader", 403),  # no tips:manage
        ("other municipality's reader", 403),  # no tips:manage: never looks
    ],
    ids=lambda value: str(value),
)
def test_who_writes_a_note(
    client: TestClient,
    issuer: TestIssuer,
    tip: str,
    engine: Engine,
    role: str,
    status: int,
) -> None:
    response = _note(client, tip, _headers(issuer, role))
    assert response.status_code == status, response.text
    assert _count(engine) == (1 if status == 201 else 0)
    if status == 404:
        assert response.json()["detail"] == f"There is no tip {tip}."
    if status == 201:
        note = response.json()
        assert note == {
            "id": note["id"],
            "tip_id": tip,
            "text": NOTE,
            "author": {"client_id": role, "person_id": None, "person_name": None},
            "created_at": note["created_at"],
        }


def test_a_person_signed_in_for_the_client_is_the_author(
    client: TestClient, issuer: TestIssuer, tip: str
) -> None:
    headers = _headers(issuer, "owner's manager", sub="person-7", name="Anna Utredare")
    response = _note(client, tip, headers)
    assert response.status_code == 201, response.text
    assert response.json()["author"] == {
        "client_id": "owner's manager",
        "person_id": "person-7",
        "person_name": "Anna Utredare",
    }


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"text": ""}, "#/text"),
        ({"text": "   "}, "#/text"),
        ({"text": "x" * 10_001}, "#/text"),
        ({"text": "nul\x00"}, "#/text"),
        ({"text": NOTE, "author": "someone"}, "#/author"),
        ({}, "#/text"),
    ],
    ids=["empty", "blank", "too long", "NUL", "an author in the body", "missing"],
)
def test_a_note_that_cannot_be_stored_is_a_422(
    client: TestClient,
    issuer: TestIssuer,
    tip: str,
    engine: Engine,
    body: dict[str, Any],
    pointer: str,
) -> None:
    response = _note(client, tip, _headers(issuer, "owner's manager"), body)
    assert response.status_code == 422, response.text
    assert [e["pointer"] for e in response.json()["errors"]] == [pointer]
    assert _count(engine) == 0


class TestIdempotency:
    def test_a_retry_with_the_key_stores_one_note(
        self, client: TestClient, issuer: TestIssuer, tip: str, engine: Engine
    ) -> None:
        owner = _headers(issuer, "owner's manager")
        first = _note(client, tip, owner, key="note-1")
        again = _note(client, tip, owner, key="note-1")
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.json() == first.json()
        assert _count(engine) == 1

    @pytest.mark.parametrize("change", ["another text", "another tip"])
    def test_the_key_with_another_note_is_a_422(
        self,
        client: TestClient,
        issuer: TestIssuer,
        tip: str,
        engine: Engine,
        kit: Any,
        change: str,
    ) -> None:
        owner = _headers(issuer, "owner's manager")
        _note(client, tip, owner, key="note-1")
        if change == "another tip":
            other = file_as_municipality(client, issuer, kit, MALMO, "1280")
            response = _note(client, other, owner, key="note-1")
        else:
            response = _note(client, tip, owner, {"text": "Annat"}, key="note-1")
        assert response.status_code == 422
        assert response.json() == {
            "type": "about:blank",
            "title": "Unprocessable Content",
            "status": 422,
            "detail": "This Idempotency-Key was used before with another note; use a "
            "new key for a new note, or resend the original one.",
            "errors": [
                {
                    "parameter": "Idempotency-Key",
                    "in": "header",
                    "detail": "was used with another request body",
                }
            ],
        }
        assert _count(engine) == 1

    def test_keys_belong_to_one_client_and_no_key_is_a_new_note(
        self, client: TestClient, issuer: TestIssuer, tip: str, engine: Engine
    ) -> None:
        one = issuer.headers(MANAGE, client_id="one", org_number=PURCHASING_CENTRE)
        two = issuer.headers(MANAGE, client_id="two", org_number=PURCHASING_CENTRE)
        assert _note(client, tip, one, key="k").json()["author"]["client_id"] == "one"
        assert _note(client, tip, two, key="k").json()["author"]["client_id"] == "two"
        _note(client, tip, one)
        _note(client, tip, one)
        assert _count(engine) == 4

    def test_concurrent_retries_store_one_note(
        self, client: TestClient, issuer: TestIssuer, tip: str, engine: Engine
    ) -> None:
        owner = _headers(issuer, "owner's manager")
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(
                pool.map(lambda _: _note(client, tip, owner, key="burst"), range(8))
            )
        assert {answer.status_code for answer in answers} == {201}
        assert len({answer.json()["id"] for answer in answers}) == 1
        assert _count(engine) == 1


class TestAtRest:
    def test_the_text_never_reaches_the_database(
        self,
        client: TestClient,
        issuer: TestIssuer,
        tip: str,
        engine: Engine,
        keyring: Keyring,
    ) -> None:
        note = _note(client, tip, _headers(issuer, "owner's manager")).json()
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT * FROM tip_notes")).all()
        raw = repr(rows)
        assert "owner's manager" in raw  # the author is in clear: not vacuous
        assert "bemanningslistor" not in raw
        with Session(engine) as session:
            record = session.get(TipNoteRecord, uuid.UUID(note["id"]))
            assert record is not None
            assert record.text_sealed.split(".")[1] == keyring.current
            with pytest.raises(DecryptionFailed):  # bound to its note
                keyring.decrypt(
                    record.text_sealed,
                    associated_data=f"tips/notes/{uuid.uuid4()}/text".encode(),
                )

    def test_reencryption_moves_notes_to_the_new_key(
        self,
        make_client: Any,
        issuer: TestIssuer,
        tip: str,
        engine: Engine,
        keyring: Keyring,
    ) -> None:
        owner = _headers(issuer, "owner's manager")
        _note(make_client(), tip, owner)
        rotated = keyring.with_new_current_key()

        report = reencrypt_tips(engine, rotated)

        # the tip's description, persons and e-mail, and the note's text
        assert (report.rows, report.resealed, report.complete) == (2, 4, True)
        assert report.table == "tips, tip_notes and webhook_subscriptions"
        only_new = Keyring(
            rotated.current, {rotated.current: rotated.keys[rotated.current]}
        )
        timeline = make_client(only_new).get(f"/v1/tips/{tip}/timeline", headers=owner)
        notes = [e["text"] for e in timeline.json()["events"] if e["kind"] == "note"]
        assert notes == [NOTE]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.text(
        st.characters(exclude_categories=["Cc", "Cs"]),
        min_size=1,
        max_size=200,
    ).filter(lambda value: value.strip())
)
def test_a_note_reads_back_as_written(
    client: TestClient, issuer: TestIssuer, tip: str, note: str
) -> None:
    """Whatever the text, the timeline shows what the note stored (stripped)."""
    owner = _headers(issuer, "owner's manager")
    stored = _note(client, tip, owner, {"text": note}, key=str(uuid.uuid4()))
    assert stored.status_code == 201, stored.text
    assert stored.json()["text"] == note.strip()
    events = client.get(f"/v1/tips/{tip}/timeline", headers=owner).json()["events"]
    by_id = {e["note_id"]: e["text"] for e in events if e["kind"] == "note"}
    assert by_id[stored.json()["id"]] == note.strip()
