"""Filing in batches (group commit): each filing gets its own tip or its own error."""

import uuid
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from samverkan_shared.crypto import Keyring
from samverkan_shared.problems import Problem, UnprocessableContent
from samverkan_shared.sessions import writing_session
from samverkan_tips.suppliers.models import SupplierRecord
from samverkan_tips.tips.access import Caller
from samverkan_tips.tips.filing import Filing
from samverkan_tips.tips.filing_queue import FilingQueue
from samverkan_tips.tips.models import IdempotencyKeyRecord, TipRecord
from samverkan_tips.tips.repository import IdempotencyRepository
from samverkan_tips.tips.schemas import Tip, TipCreate, TipTransition
from samverkan_tips.tips.service import file_tips, get_tip, transition_tip

MUNICIPAL = Caller("malmo-system", "212000-1124")
NEW_SUPPLIER = {"org_number": "559012-3450", "name": "Assistansbolaget Norr AB"}


def _filing(kit: Any, key: str | None = None, **changes: Any) -> Filing:
    return Filing(TipCreate.model_validate(kit.body(**changes)), MUNICIPAL, key)


def _file(engine: Engine, keyring: Keyring, filings: list[Filing]) -> list[Any]:
    with writing_session(engine, expire_on_commit=False) as session:
        return file_tips(session, filings, keyring=keyring)


def _count(engine: Engine, model: Any) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def test_one_batch_files_replays_and_refuses_each_on_its_own(
    engine: Engine, keyring: Keyring, kit: Any
) -> None:
    outcomes = _file(
        engine,
        keyring,
        [
            _filing(kit, "a"),
            _filing(kit, None, description="utan nyckel"),
            _filing(kit, "b", agreement_id="no-such-agreement"),
            _filing(kit, "a"),  # a retry racing the first: the same tip
            _filing(kit, "a", categories=["other"]),  # the key with another body
            _filing(kit, "c", supplier=NEW_SUPPLIER, agreement_id="assistans-2024"),
        ],
    )
    first, keyless, unknown, retry, reused, new_supplier = outcomes

    assert isinstance(first, Tip)
    assert isinstance(keyless, Tip)
    assert isinstance(unknown, UnprocessableContent)
    assert unknown.detail.startswith("#/agreement_id: no framework agreement")
    assert retry == first
    assert isinstance(reused, UnprocessableContent)
    assert "used before with another body" in reused.detail
    assert isinstance(new_supplier, Tip)
    assert keyless.description == "utan nyckel"

    filed = [first, keyless, new_supplier]
    # received_at grows in the order of the batch, strictly.
    assert [t.received_at for t in filed] == sorted({t.received_at for t in filed})
    assert _count(engine, TipRecord) == 3
    with Session(engine) as session:
        claims = session.exec(select(IdempotencyKeyRecord)).all()
        assert {(c.key, c.tip_id) for c in claims} == {
            ("a", first.id),
            ("c", new_supplier.id),
        }
        supplier = session.get(SupplierRecord, NEW_SUPPLIER["org_number"])
        assert supplier is not None
        assert supplier.name == NEW_SUPPLIER["name"]


def test_a_key_filed_in_an_earlier_batch_replays_with_its_history(
    engine: Engine, keyring: Keyring, kit: Any
) -> None:
    [original] = _file(engine, keyring, [_filing(kit, "k")])
    with writing_session(engine, expire_on_commit=False) as session:
        moved = transition_tip(
            session,
            original.id,
            TipTransition(to="investigating", reason="Granskas."),
            caller=Caller("adda-tip-function", kit.purchasing_centre, manages=True),
            keyring=keyring,
        )
    [again, fresh] = _file(engine, keyring, [_filing(kit, "k"), _filing(kit, "new")])

    assert again == moved
    assert [step.to for step in again.history] == ["investigating"]
    assert isinstance(fresh, Tip)
    assert fresh.id != original.id
    assert fresh.history == []
    assert _count(engine, TipRecord) == 2


def test_a_failed_batch_is_filed_again_one_by_one(
    engine: Engine, keyring: Keyring, kit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process claimed a key unseen: the batch fails, each filing goes alone."""
    [claimed] = _file(engine, keyring, [_filing(kit, "taken")])
    real_claims = IdempotencyRepository.claims
    misses = iter([True])

    def miss_once(self: IdempotencyRepository, pairs: Any) -> Any:
        return {} if next(misses, False) else real_claims(self, pairs)

    monkeypatch.setattr(IdempotencyRepository, "claims", miss_once)
    outcomes = _file(engine, keyring, [_filing(kit, "other"), _filing(kit, "taken")])

    assert next(misses, None) is None  # the pre-check did miss once
    other, taken = outcomes
    assert isinstance(other, Tip)
    assert taken == claimed
    assert _count(engine, TipRecord) == 2
    assert _count(engine, IdempotencyKeyRecord) == 2


def test_the_queue_answers_each_request_with_its_own_outcome(
    engine: Engine, keyring: Keyring, kit: Any
) -> None:
    queue = FilingQueue(engine, keyring)
    try:
        tip = queue.file(_filing(kit, "q"))
        assert queue.file(_filing(kit, "q")) == tip
        with pytest.raises(Problem) as refused:
            queue.file(_filing(kit, "q", categories=["other"]))
        assert refused.value.status == 422
    finally:
        queue.close()
    with Session(engine) as session:
        stored = session.get(TipRecord, uuid.UUID(str(tip.id)))
        assert stored is not None
        assert stored.description_sealed != tip.description  # sealed at rest


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"persons": []},
        {"description_category": "supplier_business"},
        {
            "reporter": {
                "municipality_code": "0180",
                "unit": "Vuxenenheten",
                "activity": "health_care",
            },
            "persons": [
                {"personal_number": "19850412-4564", "role": "client"},
                {"personal_number": "201212121212", "role": "placed_child"},
            ],
        },
    ],
    ids=["child", "nobody", "own category", "adult and child, no email"],
)
def test_the_answer_to_a_filing_is_the_tip_as_stored(
    engine: Engine, keyring: Keyring, kit: Any, changes: dict[str, Any]
) -> None:
    """The view built from the body equals the one decrypted from the database."""
    [filed] = _file(engine, keyring, [_filing(kit, None, **changes)])
    with Session(engine) as session:
        stored = get_tip(session, filed.id, caller=MUNICIPAL, keyring=keyring)
    assert filed.model_dump_json() == stored.model_dump_json()
    assert filed == stored
