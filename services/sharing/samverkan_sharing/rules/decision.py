"""The engine's answer: per-field outcomes with reasons, rendered in the contract's shape."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from samverkan_sharing.rules.vocabulary import Category, FieldOutcome, Outcome, Standard

__all__ = ["Decision", "FieldDecision", "overall_outcome"]


@dataclass(frozen=True)
class FieldDecision:
    """What happens to one requested field, and which paragraph decided it."""

    name: str
    category: Category
    secrecy: tuple[str, ...]
    outcome: FieldOutcome
    legal_basis: tuple[str, ...]
    assessment: Standard | None
    reason: str
    rule_ids: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    def to_contract_dict(self) -> dict[str, Any]:
        """One entry of the answer's `fields` list."""
        return {
            "name": self.name,
            "category": self.category.value,
            "secrecy": list(self.secrecy),
            "outcome": self.outcome.value,
            "legal_basis": list(self.legal_basis),
            "assessment": None if self.assessment is None else self.assessment.value,
            "reason": self.reason,
            "flags": list(self.flags),
        }


def overall_outcome(outcomes: Iterable[FieldOutcome]) -> Outcome:
    """The contract's rule: anything to assess wins; then all, nothing, or some released."""
    seen = list(outcomes)
    if FieldOutcome.NEEDS_ASSESSMENT in seen:
        return Outcome.NEEDS_ASSESSMENT
    if all(outcome is FieldOutcome.RELEASE for outcome in seen):
        return Outcome.RELEASE
    if FieldOutcome.RELEASE not in seen:
        return Outcome.DENY
    return Outcome.PARTIAL


@dataclass(frozen=True)
class Decision:
    """The evaluation of one request against one catalogue version on one day."""

    outcome: Outcome
    fields: tuple[FieldDecision, ...]
    flags: tuple[str, ...]
    catalogue_version: str
    as_of: date

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """Every rule version that released a field or awaits an assessment, in order."""
        ids = (rule_id for field in self.fields for rule_id in field.rule_ids)
        return tuple(dict.fromkeys(ids))

    @property
    def released(self) -> tuple[FieldDecision, ...]:
        """The fields that may be sent now; nothing else may leave (minimisation)."""
        return tuple(f for f in self.fields if f.outcome is FieldOutcome.RELEASE)

    def to_contract_dict(self) -> dict[str, Any]:
        """The answer JSON of `POST /v1/rules/evaluate`."""
        return {
            "outcome": self.outcome.value,
            "fields": [field.to_contract_dict() for field in self.fields],
            "flags": list(self.flags),
            "catalogue_version": self.catalogue_version,
        }
