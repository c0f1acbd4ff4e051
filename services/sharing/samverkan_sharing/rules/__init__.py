"""The secrecy-breaking rule catalogue and the pure engine that applies it."""

from samverkan_sharing.rules.catalogue import (
    CATALOGUE,
    CATALOGUE_VERSION,
    Catalogue,
    InvalidCatalogue,
    validate_catalogue,
)
from samverkan_sharing.rules.catalogue_json import (
    catalogue_from_json,
    catalogue_to_json,
    describe,
)
from samverkan_sharing.rules.decision import Decision, FieldDecision, overall_outcome
from samverkan_sharing.rules.evaluate import evaluate
from samverkan_sharing.rules.provisions import Provision, ProvisionSpec
from samverkan_sharing.rules.query import (
    EvaluationQuery,
    FieldRequest,
    InvalidQuery,
    Offence,
    Purpose,
    query_from_contract_dict,
)
from samverkan_sharing.rules.replay import Change, replay
from samverkan_sharing.rules.rule import Conditions, Rule
from samverkan_sharing.rules.secrecy import FieldSecrecy, derive_secrecy
from samverkan_sharing.rules.vocabulary import (
    AUTHORITIES,
    Category,
    FieldKind,
    FieldOutcome,
    Flag,
    HolderActivity,
    Initiative,
    Outcome,
    PurposeCode,
    Recipient,
    Standard,
    is_authority,
)

__all__ = [
    "AUTHORITIES",
    "CATALOGUE",
    "CATALOGUE_VERSION",
    "Catalogue",
    "Category",
    "Change",
    "Conditions",
    "Decision",
    "EvaluationQuery",
    "FieldDecision",
    "FieldKind",
    "FieldOutcome",
    "FieldRequest",
    "FieldSecrecy",
    "Flag",
    "HolderActivity",
    "Initiative",
    "InvalidCatalogue",
    "InvalidQuery",
    "Offence",
    "Outcome",
    "Provision",
    "ProvisionSpec",
    "Purpose",
    "PurposeCode",
    "Recipient",
    "Rule",
    "Standard",
    "catalogue_from_json",
    "catalogue_to_json",
    "derive_secrecy",
    "describe",
    "evaluate",
    "is_authority",
    "overall_outcome",
    "query_from_contract_dict",
    "replay",
    "validate_catalogue",
]
