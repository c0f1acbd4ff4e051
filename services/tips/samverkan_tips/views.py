"""Stored records → wire schemas; decryption happens here and nowhere else.

``InternalTip`` is the contract the sharing service codes against
(``GET /internal/v1/tips/{tip_id}``): every field of a tip with its data category
(`classification`) and its decrypted value, and the subjects it is about. Field names:
``supplier.org_number``, ``supplier.name``, ``agreement_id``, ``categories``, ``status``,
``call_off_stop``, ``occurred_on``, ``description``, ``persons``, ``reporter``.

Persons are labelled by age on the day the events occurred. When a tip names both
children and adults they cannot share one label, so the field is split: ``persons``
holds the children (``child_social``) and ``persons.adults`` the adults
(``adult_client_social``). When everyone named is an adult, ``persons`` holds them with
``adult_client_social``. A tip naming nobody has ``persons: []`` labelled
``child_social`` (the stricter label; an empty list discloses nothing).
"""

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from samverkan_shared.crypto import Keyring
from samverkan_shared.identifiers import parse_personal_number
from samverkan_tips.internal.schemas import InternalField, InternalTip, Subject
from samverkan_tips.suppliers.models import CallOffStopRecord, SupplierRecord
from samverkan_tips.suppliers.schemas import CallOffStop, CallOffStopState
from samverkan_tips.tips.classification import (
    DataCategory,
    HolderActivity,
    person_category,
    reporter_category,
)
from samverkan_tips.tips.models import TipRecord, TipTransitionRecord
from samverkan_tips.tips.schemas import Tip, TipCreate
from samverkan_tips.tips.sealing import OpenedTip, SealedTip, open_tip
from samverkan_tips.tips.workflow import TipStatus

__all__ = [
    "call_off_history",
    "call_off_state",
    "internal_tip",
    "new_tip_view",
    "opened",
    "tip_view",
]


def opened(keyring: Keyring, record: TipRecord) -> OpenedTip:
    sealed = SealedTip(
        description=record.description_sealed,
        persons=record.persons_sealed,
        contact_email=record.contact_email_sealed,
    )
    return open_tip(keyring, record.id, sealed)


def tip_view(
    keyring: Keyring, record: TipRecord, history: Sequence[TipTransitionRecord]
) -> Tip:
    contents = opened(keyring, record)
    return Tip.model_validate(
        {
            "id": record.id,
            "status": record.status,
            "received_at": record.received_at,
            "supplier": {
                "org_number": record.supplier_org_number,
                "name": record.supplier_name,
            },
            "agreement_id": record.agreement_id,
            "categories": record.categories,
            "description": contents.description,
            "description_category": record.description_category,
            "occurred_on": record.occurred_on,
            "reporter": _reporter(record, contents),
            "persons": contents.persons,
            "holder_activity": record.holder_activity,
            "filed_by": record.filed_by,
            "breached_terms": record.breached_terms,
            "history": [_transition(step) for step in history],
        }
    )


def new_tip_view(
    body: TipCreate,
    *,
    tip_id: uuid.UUID,
    received_at: datetime,
    filed_by: str,
    description_category: str,
) -> Tip:
    """The view of a tip filed just now from ``body``: what ``tip_view`` would give.

    Built from the validated body rather than by decrypting what was just sealed
    and validating every field again (a third of the filing writer's time): the
    nested values are the body's own validated models, the rest is what the row
    was given, so nothing here is unvalidated. A new tip has no history.
    """
    return Tip.model_construct(
        id=tip_id,
        status=TipStatus.RECEIVED,
        received_at=received_at,
        supplier=body.supplier,
        agreement_id=body.agreement_id,
        categories=list(body.categories),
        description=body.description,
        description_category=DataCategory(description_category),
        occurred_on=body.occurred_on,
        reporter=body.reporter,
        persons=list(body.persons),
        holder_activity=body.reporter.activity,
        filed_by=filed_by,
        breached_terms=[],
        history=[],
    )


def _transition(step: TipTransitionRecord) -> dict[str, Any]:
    return {
        "from": step.from_status,
        "to": step.to_status,
        "reason": step.reason,
        "actor": step.actor,
        "at": step.at,
    }


def _reporter(record: TipRecord, contents: OpenedTip) -> dict[str, Any]:
    return {
        "municipality_code": record.reporter_municipality_code,
        "unit": record.reporter_unit,
        "activity": record.holder_activity,
        "contact_email": contents.contact_email,
    }


def call_off_state(supplier: SupplierRecord) -> CallOffStopState:
    return CallOffStopState(
        active=supplier.stopped_at is not None,
        since=supplier.stopped_at,
        reason=supplier.stop_reason,
    )


def call_off_history(records: Sequence[CallOffStopRecord]) -> list[CallOffStop]:
    return [
        CallOffStop(
            action=record.action,
            reason=record.reason,
            tip_ids=[uuid.UUID(tip_id) for tip_id in record.tip_ids],
            actor=record.actor,
            at=record.at,
        )
        for record in records
    ]


def internal_tip(
    keyring: Keyring, record: TipRecord, supplier: SupplierRecord
) -> InternalTip:
    """The tip field by field with its data category, for the sharing service."""
    contents = opened(keyring, record)
    activity = HolderActivity(record.holder_activity)
    narrative = DataCategory(record.description_category)
    company = DataCategory.SUPPLIER_COMPANY
    fields = [
        InternalField(
            name="supplier.org_number", category=company, value=supplier.org_number
        ),
        InternalField(
            name="supplier.name", category=company, value=record.supplier_name
        ),
        InternalField(name="agreement_id", category=company, value=record.agreement_id),
        InternalField(name="categories", category=company, value=record.categories),
        InternalField(name="status", category=company, value=record.status),
        InternalField(
            name="call_off_stop",
            category=company,
            value=call_off_state(supplier).model_dump(mode="json"),
        ),
        InternalField(
            name="occurred_on", category=narrative, value=record.occurred_on.isoformat()
        ),
        InternalField(
            name="description", category=narrative, value=contents.description
        ),
        *_person_fields(contents.persons, record.occurred_on),
        InternalField(
            name="reporter",
            category=reporter_category(activity),
            value=_reporter(record, contents),
        ),
    ]
    return InternalTip(
        tip_id=record.id,
        holder_activity=activity,
        supplier_org_number=record.supplier_org_number,
        received_at=record.received_at,
        fields=fields,
        subjects=_subjects(record, contents),
    )


def _person_fields(
    persons: list[dict[str, Any]], occurred_on: date
) -> list[InternalField]:
    groups: dict[DataCategory, list[dict[str, Any]]] = {
        DataCategory.CHILD_SOCIAL: [],
        DataCategory.ADULT_CLIENT_SOCIAL: [],
    }
    for person in persons:
        age = parse_personal_number(person["personal_number"]).age_on(occurred_on)
        groups[person_category(age)].append(person)
    children = groups[DataCategory.CHILD_SOCIAL]
    adults = groups[DataCategory.ADULT_CLIENT_SOCIAL]
    if not children and adults:
        return [_persons("persons", DataCategory.ADULT_CLIENT_SOCIAL, adults)]
    fields = [_persons("persons", DataCategory.CHILD_SOCIAL, children)]
    if adults:
        fields.append(
            _persons("persons.adults", DataCategory.ADULT_CLIENT_SOCIAL, adults)
        )
    return fields


def _persons(
    name: str, category: DataCategory, persons: list[dict[str, Any]]
) -> InternalField:
    return InternalField(name=name, category=category, value=persons)


def _subjects(record: TipRecord, contents: OpenedTip) -> list[Subject]:
    subjects = [Subject(kind="organisation", identifier=record.supplier_org_number)]
    seen: set[str] = set()
    for person in contents.persons:
        number = str(person["personal_number"])
        if number not in seen:
            seen.add(number)
            subjects.append(Subject(kind="person", identifier=number))
    return subjects
