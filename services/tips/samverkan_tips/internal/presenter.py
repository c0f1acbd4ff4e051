"""Stored tips → the internal read's wire schema, decrypted by `tips.presenter.opened`.

``InternalTip`` is the contract the sharing service codes against
(``GET /internal/v1/tips/{tip_id}``): every field of a tip with its data category
(`tips.classification`) and its decrypted value, and the subjects it is about. Field names:
``supplier.org_number``, ``supplier.name``, ``agreement_id``, ``categories``, ``status``,
``call_off_stop`` (the stop on the tip's agreement), ``occurred_on``, ``description``,
``persons``, ``reporter``.

Persons are labelled by age on the day the events occurred. When a tip names both
children and adults they cannot share one label, so the field is split: ``persons``
holds the children (``child_social``) and ``persons.adults`` the adults
(``adult_client_social``). When everyone named is an adult, ``persons`` holds them with
``adult_client_social``. A tip naming nobody has ``persons: []`` labelled
``child_social`` (the stricter label; an empty list discloses nothing).
"""

from datetime import date
from typing import Any

from samverkan_shared.crypto import Keyring
from samverkan_shared.identifiers import parse_personal_number
from samverkan_tips.internal.schemas import InternalField, InternalTip, Subject
from samverkan_tips.suppliers.models import SupplierRecord
from samverkan_tips.suppliers.schemas import CallOffStopState
from samverkan_tips.tips.classification import (
    DataCategory,
    HolderActivity,
    person_category,
    reporter_category,
)
from samverkan_tips.tips.models import TipRecord
from samverkan_tips.tips.presenter import opened, reporter
from samverkan_tips.tips.sealing import OpenedTip

__all__ = ["internal_tip"]


def internal_tip(
    keyring: Keyring,
    record: TipRecord,
    supplier: SupplierRecord,
    stop: CallOffStopState,
) -> InternalTip:
    """The tip field by field with its data category, for the sharing service;
    ``stop``: the call-off stop on the tip's agreement."""
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
            value=stop.model_dump(mode="json"),
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
            value=reporter(record, contents),
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
