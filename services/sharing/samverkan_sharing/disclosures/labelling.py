"""From tips' labelled fields to rule-engine queries, and from decisions to payloads.

Pure functions. A request about one tip evaluates one query; a request about a supplier
evaluates one query per tip (each tip has its own holder activity), with field names
prefixed `<tip id>/` so every field of the answer stays unambiguous.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import JsonValue

from samverkan_shared.canonical_json import canonicalize
from samverkan_sharing.disclosures.upstream_data import Subject, Tip, TipField
from samverkan_sharing.rules import (
    CATALOGUE_VERSION,
    Catalogue,
    Category,
    HolderActivity,
    evaluate,
    overall_outcome,
    query_from_contract_dict,
)
from samverkan_sharing.rules.vocabulary import FieldOutcome

__all__ = [
    "Part",
    "UnknownFields",
    "check_query",
    "decide",
    "merged_decision",
    "payload_digest",
    "released_payload",
    "stored_part",
    "subjects_released",
]


class UnknownFields(ValueError):
    """The request names fields the tip does not have."""


@dataclass(frozen=True)
class Part:
    """One tip's share of a request: its query (contract JSON) and its field values."""

    tip_id: str
    prefix: str
    query: dict[str, Any]
    values: dict[str, JsonValue]
    subjects: tuple[Subject, ...]


def _selected(tip: Tip, wanted: set[str] | None) -> list[TipField]:
    return [f for f in tip.fields if wanted is None or f.name in wanted]


def check_query(base_query: Mapping[str, Any]) -> None:
    """Raise the engine's `InvalidQuery` for what the request itself supplies.

    The holder activity and the fields come from the tips, which are fetched only
    after this check: here they are stand-ins the engine accepts, so any error
    names the purpose, basis, age or recipient of the request.
    """
    stand_ins = {
        "holder_activity": next(iter(HolderActivity)).value,
        "fields": [{"name": "check", "category": next(iter(Category)).value}],
    }
    query_from_contract_dict({**base_query, **stand_ins})


def build_parts(
    tips: Sequence[Tip],
    *,
    wanted: Sequence[str] | None,
    base_query: Mapping[str, Any],
    prefixed: bool,
) -> list[Part]:
    """One Part per tip; only the fields asked for are evaluated (minimisation)."""
    wanted_set = set(wanted) if wanted is not None else None
    if wanted_set is not None and tips:
        known = {f.name for tip in tips for f in tip.fields}
        unknown = sorted(wanted_set - known)
        if unknown:
            raise UnknownFields(
                f"unknown fields {', '.join(unknown)}; a tip has {', '.join(sorted(known))}"
            )
    parts = []
    for tip in tips:
        fields = _selected(tip, wanted_set)
        query = {
            **base_query,
            "holder_activity": tip.holder_activity,
            "fields": [{"name": f.name, "category": f.category} for f in fields],
        }
        prefix = f"{tip.tip_id}/" if prefixed else ""
        values = {f.name: f.value for f in fields}
        parts.append(Part(tip.tip_id, prefix, query, values, tip.subjects))
    return [p for p in parts if p.query["fields"]]


def stored_part(stored: Mapping[str, Any], tip: Tip) -> Part:
    """A stored part (contract JSON) with the values of its fields, fetched again."""
    names = {f["name"] for f in stored["query"]["fields"]}
    return Part(
        stored["tip_id"],
        stored["prefix"],
        stored["query"],
        tip.values(names),
        tip.subjects,
    )


def decide(parts: Sequence[Part], catalogue: Catalogue, today: date) -> dict[str, Any]:
    """Evaluate every part and merge the answers into one contract-shaped decision."""
    decisions = [
        evaluate(
            query_from_contract_dict(part.query, today=today), catalogue
        ).to_contract_dict()
        for part in parts
    ]
    return merged_decision(parts, decisions, catalogue.version)


def merged_decision(
    parts: Sequence[Part], decisions: Sequence[Mapping[str, Any]], version: str
) -> dict[str, Any]:
    fields = [
        {**field, "name": f"{part.prefix}{field['name']}"}
        for part, decision in zip(parts, decisions, strict=True)
        for field in decision["fields"]
    ]
    flags = sorted({flag for d in decisions for flag in d.get("flags", [])})
    outcome = (
        overall_outcome(FieldOutcome(f["outcome"]) for f in fields)
        if fields
        else "deny"
    )
    return {
        "outcome": str(outcome),
        "fields": fields,
        "flags": flags,
        "catalogue_version": version or CATALOGUE_VERSION,
    }


def released_payload(
    parts: Sequence[Part], released_names: set[str], *, prefixed: bool
) -> dict[str, JsonValue]:
    """Exactly the released fields: `{field: value}`, or `{tip id: {field: value}}`."""
    payload: dict[str, JsonValue] = {}
    for part in parts:
        chosen = {
            name: value
            for name, value in part.values.items()
            if f"{part.prefix}{name}" in released_names
        }
        if not chosen:
            continue
        if prefixed:
            payload[part.tip_id] = chosen
        else:
            payload.update(chosen)
    return payload


def payload_digest(payload: Mapping[str, Any]) -> str:
    """SHA-256 of the RFC 8785 canonical JSON of exactly what leaves the service."""
    return hashlib.sha256(canonicalize(dict(payload))).hexdigest()


def subjects_released(parts: Sequence[Part], released_names: set[str]) -> list[str]:
    """Identifiers the released data is about: the supplier always, people only when
    a field about them (`persons…`) was released."""
    identifiers: set[str] = set()
    for part in parts:
        names = {
            n.removeprefix(part.prefix)
            for n in released_names
            if n.startswith(part.prefix)
        }
        if not names & set(part.values):
            continue
        people = any(name.startswith("persons") for name in names)
        for subject in part.subjects:
            if subject.kind == "organisation" or people:
                identifiers.add(subject.identifier)
    return sorted(identifiers)
