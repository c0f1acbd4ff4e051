"""The catalogue as JSON: a lawyer's proposed catalogue file, and `GET /v1/rules`."""

import json
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from samverkan_sharing.rules.catalogue import Catalogue, InvalidCatalogue
from samverkan_sharing.rules.conditions import lifts
from samverkan_sharing.rules.provisions import (
    InvalidProvision,
    Provision,
    format_specs,
    parse_spec,
)
from samverkan_sharing.rules.references import parse_reference
from samverkan_sharing.rules.rule import Conditions, Rule
from samverkan_sharing.rules.secrecy import derive_secrecy
from samverkan_sharing.rules.vocabulary import (
    AUTHORITIES,
    Category,
    FieldKind,
    HolderActivity,
    Initiative,
    PurposeCode,
    Recipient,
    Standard,
)

__all__ = ["catalogue_from_json", "catalogue_to_json", "describe", "rule_to_dict"]

_E = TypeVar("_E", bound=StrEnum)
_ANY_AUTHORITY = "any_authority"
_ANYONE = "anyone"


def _names(values: frozenset[_E] | frozenset[str] | None) -> list[str] | None:
    return None if values is None else sorted(str(value) for value in values)


def _recipients_out(recipients: frozenset[Recipient]) -> str | list[str]:
    if recipients == frozenset(Recipient):
        return _ANYONE
    if recipients == AUTHORITIES:
        return _ANY_AUTHORITY
    return sorted(recipients)


def _months_out(months: float | None) -> float | int | None:
    # Whole months print as integers so that the file reads as the statute does.
    if months is None or not float(months).is_integer():
        return months
    return int(months)


def _conditions_dict(conditions: Conditions) -> dict[str, Any]:
    return {
        "initiatives": _names(conditions.initiatives),
        "purposes": _names(conditions.purposes),
        "holder_activities": _names(conditions.holder_activities),
        "recipient_activities": _names(conditions.recipient_activities),
        "categories": _names(conditions.categories),
        "field_kinds": _names(conditions.field_kinds),
        "min_penalty_months": _months_out(conditions.min_penalty_months),
        "attempt_min_penalty_months": _months_out(
            conditions.attempt_min_penalty_months
        ),
        "imprisonment_in_scale": conditions.imprisonment_in_scale,
        "offence_references": list(conditions.offence_references),
        "victim_under_18": conditions.victim_under_18,
        "max_subject_age": conditions.max_subject_age,
    }


def rule_to_dict(rule: Rule) -> dict[str, Any]:
    """Every attribute of a rule version, as `catalogue_from_json` reads it back."""
    return {
        "id": rule.id,
        "citation": rule.citation,
        "title": rule.title,
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": None if rule.valid_to is None else rule.valid_to.isoformat(),
        "source": rule.source,
        "recipients": _recipients_out(rule.recipients),
        "recipients_needing_judgement": sorted(rule.recipients_needing_judgement),
        "precedence": rule.precedence,
        "breaks": format_specs(rule.breaks),
        "excludes": format_specs(rule.excludes),
        "conditions": _conditions_dict(rule.conditions),
        "standard": None if rule.standard is None else rule.standard.value,
        "assess_provisions": format_specs(rule.assess_provisions),
        "claim_required": rule.claim_required,
        "gateway": rule.gateway,
        "flags": list(rule.flags),
        "note": rule.note,
        "sfs": rule.sfs,
        "url": rule.url,
        "verified": rule.verified,
        "judgement": rule.judgement,
        "relevance": rule.relevance,
    }


def catalogue_to_json(catalogue: Catalogue) -> str:
    """The whole catalogue as stable, human-diffable JSON."""
    data = {
        "version": catalogue.version,
        "rules": [rule_to_dict(rule) for rule in catalogue.rules],
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --- reading -------------------------------------------------------------------------


def _enums(kind: type[_E], values: list[str] | None) -> frozenset[_E] | None:
    return None if values is None else frozenset(kind(value) for value in values)


def _recipients_in(value: str | list[str]) -> frozenset[Recipient]:
    if value == _ANYONE:
        return frozenset(Recipient)
    if value == _ANY_AUTHORITY:
        return AUTHORITIES
    if isinstance(value, str):
        raise ValueError(
            f"recipients: {value!r} is not a list, 'any_authority' or 'anyone'"
        )
    return frozenset(Recipient(item) for item in value)


def _optional_float(value: object) -> float | None:
    return None if value is None else float(str(value))


def _conditions_in(data: Mapping[str, Any]) -> Conditions:
    initiatives = _enums(Initiative, data.get("initiatives")) or frozenset(Initiative)
    activities = data.get("recipient_activities")
    return Conditions(
        initiatives=initiatives,
        purposes=_enums(PurposeCode, data.get("purposes")),
        holder_activities=_enums(HolderActivity, data.get("holder_activities")),
        recipient_activities=None if activities is None else frozenset(activities),
        categories=_enums(Category, data.get("categories")),
        field_kinds=_enums(FieldKind, data.get("field_kinds")),
        min_penalty_months=_optional_float(data.get("min_penalty_months")),
        attempt_min_penalty_months=_optional_float(
            data.get("attempt_min_penalty_months")
        ),
        imprisonment_in_scale=bool(data.get("imprisonment_in_scale", False)),
        offence_references=tuple(
            str(parse_reference(text)) for text in data.get("offence_references", ())
        ),
        victim_under_18=bool(data.get("victim_under_18", False)),
        max_subject_age=data.get("max_subject_age"),
    )


def _optional_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _rule_in(data: Mapping[str, Any]) -> Rule:
    standard = data.get("standard")
    return Rule(
        id=str(data["id"]),
        citation=str(data["citation"]),
        title=str(data["title"]),
        valid_from=date.fromisoformat(data["valid_from"]),
        valid_to=_optional_date(data.get("valid_to")),
        source=str(data["source"]),
        recipients=_recipients_in(data["recipients"]),
        recipients_needing_judgement=_recipients_in(
            data.get("recipients_needing_judgement", [])
        ),
        precedence=int(data["precedence"]),
        breaks=tuple(parse_spec(text) for text in data.get("breaks", [])),
        excludes=tuple(parse_spec(text) for text in data.get("excludes", [])),
        conditions=_conditions_in(data.get("conditions", {})),
        standard=None if standard is None else Standard(standard),
        assess_provisions=tuple(
            parse_spec(text) for text in data.get("assess_provisions", [])
        ),
        claim_required=bool(data.get("claim_required", False)),
        gateway=data.get("gateway"),
        flags=tuple(data.get("flags", ())),
        note=str(data.get("note", "")),
        sfs=str(data.get("sfs", "")),
        url=str(data.get("url", "")),
        verified=str(data.get("verified", "")),
        judgement=str(data.get("judgement", "")),
        relevance=str(data.get("relevance", "")),
    )


def _read_rules(items: list[Any]) -> tuple[tuple[Rule, ...], list[str]]:
    rules, problems = [], []
    for index, item in enumerate(items):
        try:
            rules.append(_rule_in(item))
        except (
            KeyError,
            TypeError,
            ValueError,
            AttributeError,
            InvalidProvision,
        ) as error:
            problems.append(f"rules[{index}]: {type(error).__name__}: {error}")
    return tuple(rules), problems


def catalogue_from_json(text: str) -> Catalogue:
    """Load a (proposed) catalogue; raises `InvalidCatalogue` listing every problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidCatalogue([f"not JSON: {error}"]) from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise InvalidCatalogue(["expected an object with 'version' and a 'rules' list"])
    rules, problems = _read_rules(data["rules"])
    if problems:
        raise InvalidCatalogue(problems)
    return Catalogue(version=str(data.get("version", "")), rules=rules)


# --- GET /v1/rules -------------------------------------------------------------------


def _categories_lifted(rule: Rule) -> list[str]:
    """The data categories whose secrecy, at some holder, this rule overcomes."""
    categories = rule.conditions.categories
    allowed = frozenset(Category) if categories is None else categories
    holders = rule.conditions.holder_activities or frozenset(HolderActivity)
    return sorted(
        category
        for category in allowed
        if any(
            _lifts_secret(rule, derive_secrecy(category, h).provisions) for h in holders
        )
    )


def _lifts_secret(rule: Rule, provisions: tuple[Provision, ...]) -> bool:
    # A secrecy-breaking rule "breaks" a category only where there is secrecy to break.
    return (rule.only_non_secret or bool(provisions)) and lifts(rule, provisions)


def describe(rule: Rule) -> dict[str, Any]:
    """What `GET /v1/rules` serves for one rule version."""
    return {
        "id": rule.id,
        "title": rule.title,
        "legal_reference": rule.citation,
        "legal_basis": list(rule.legal_basis),
        "recipients": _recipients_out(rule.recipients),
        "recipients_needing_judgement": sorted(rule.recipients_needing_judgement),
        "breaks": format_specs(rule.breaks) or ["not secret only"],
        "excludes": format_specs(rule.excludes),
        "categories": _categories_lifted(rule),
        "conditions": _conditions_dict(rule.conditions),
        "manual_assessment": rule.standard is not None,
        "manual_assessment_for": format_specs(rule.assess_provisions),
        "assessment": None if rule.standard is None else rule.standard.value,
        "needs": list(rule.conditions.needs),
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": None if rule.valid_to is None else rule.valid_to.isoformat(),
        "sfs": rule.sfs,
        "url": rule.url,
        "source": rule.source,
        "verified": rule.verified,
        "unverified": list(rule.flags),
        "text_needs_judgement": bool(rule.judgement),
        "judgement": rule.judgement or None,
        "relevance": rule.relevance or None,
        "flags": list(rule.flags),
        "note": rule.note,
    }
