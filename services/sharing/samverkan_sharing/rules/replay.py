"""Replay stored decisions against another catalogue or day and list what would change."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from samverkan_sharing.rules.catalogue import Catalogue
from samverkan_sharing.rules.decision import FieldDecision
from samverkan_sharing.rules.evaluate import evaluate
from samverkan_sharing.rules.query import EvaluationQuery

__all__ = ["Change", "StoredDecision", "replay"]

StoredDecision = tuple[str, EvaluationQuery, Mapping[str, Any]]
"""A decision id, the query as stored, and the decision's contract JSON as stored."""


@dataclass(frozen=True)
class Change:
    """One field whose outcome (or, when asked, legal basis) would now be different."""

    decision_id: str
    field: str
    old_outcome: str
    new_outcome: str
    old_basis: tuple[str, ...]
    new_basis: tuple[str, ...]
    old_catalogue: str = ""
    new_catalogue: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for the lawyer's replay report."""
        return {
            "decision_id": self.decision_id,
            "field": self.field,
            "old_outcome": self.old_outcome,
            "new_outcome": self.new_outcome,
            "old_basis": list(self.old_basis),
            "new_basis": list(self.new_basis),
            "old_catalogue": self.old_catalogue,
            "new_catalogue": self.new_catalogue,
        }


def _stored_fields(decision: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(field["name"]): field for field in decision.get("fields", [])}


def _change(
    decision_id: str,
    old: Mapping[str, Any] | None,
    new: FieldDecision,
    versions: tuple[str, str],
) -> Change:
    return Change(
        decision_id=decision_id,
        field=new.name,
        old_outcome="absent" if old is None else str(old["outcome"]),
        new_outcome=new.outcome.value,
        old_basis=() if old is None else tuple(old.get("legal_basis", ())),
        new_basis=new.legal_basis,
        old_catalogue=versions[0],
        new_catalogue=versions[1],
    )


def _differs(change: Change, *, include_basis: bool) -> bool:
    if change.old_outcome != change.new_outcome:
        return True
    return include_basis and change.old_basis != change.new_basis


def replay(
    stored: Iterable[StoredDecision],
    catalogue: Catalogue,
    as_of: date | None = None,
    *,
    include_basis_changes: bool = False,
) -> list[Change]:
    """Every field whose outcome changes when re-evaluated with `catalogue`.

    `as_of` re-dates every query (e.g. "what if these requests came today"); by default
    each keeps its own day, so only a changed catalogue can change an outcome.
    """
    changes = []
    for decision_id, query, old_decision in stored:
        dated = query if as_of is None else replace(query, as_of=as_of)
        old_fields = _stored_fields(old_decision)
        versions = (str(old_decision.get("catalogue_version", "")), catalogue.version)
        for new in evaluate(dated, catalogue).fields:
            change = _change(decision_id, old_fields.get(new.name), new, versions)
            if _differs(change, include_basis=include_basis_changes):
                changes.append(change)
    return changes
