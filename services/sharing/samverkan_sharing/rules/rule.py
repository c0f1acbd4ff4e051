"""One dated version of a secrecy-breaking rule, as data (docs/rules.md)."""

from dataclasses import dataclass, field
from datetime import date

from samverkan_sharing.rules.provisions import ProvisionSpec
from samverkan_sharing.rules.vocabulary import (
    Category,
    FieldKind,
    HolderActivity,
    Initiative,
    PurposeCode,
    Recipient,
    Standard,
)

__all__ = ["BOTH_INITIATIVES", "Conditions", "Precedence", "Rule"]

BOTH_INITIATIVES: frozenset[Initiative] = frozenset(Initiative)


class Precedence:
    """Order of trial, most specific first and the general clause last."""

    NOT_SECRET = 0
    DUTY = 10
    MINORS = 20
    COMMITTED_CRIME = 30
    CRIME_RISK = 40
    SUPERVISION_AND_PROCEEDINGS = 50
    GENERIC = 60
    CLAIMED = 65
    GENERAL_CLAUSE = 70


@dataclass(frozen=True)
class Conditions:
    """The objective facts of the request a rule needs; None means "no condition".

    Penalties are the months of the offence's scale as the contract states them (the
    completed crime's scale, also for an attempt).
    """

    initiatives: frozenset[Initiative] = BOTH_INITIATIVES
    purposes: frozenset[PurposeCode] | None = None
    holder_activities: frozenset[HolderActivity] | None = None
    recipient_activities: frozenset[str] | None = None
    categories: frozenset[Category] | None = None
    field_kinds: frozenset[FieldKind] | None = None
    min_penalty_months: float | None = None
    attempt_min_penalty_months: float | None = None
    imprisonment_in_scale: bool = False
    offence_references: tuple[str, ...] = ()
    victim_under_18: bool = False
    max_subject_age: int | None = None

    @property
    def needs(self) -> tuple[str, ...]:
        """The request's optional keys this rule cannot do without (the contract lists them)."""
        wanted = {
            "purpose.offence": self.needs_offence,
            "victim_under_18": self.victim_under_18,
            "subject_age": self.max_subject_age is not None,
            "fields[].kind": self.field_kinds is not None,
        }
        return tuple(key for key, needed in wanted.items() if needed)

    @property
    def needs_offence(self) -> bool:
        """Whether the rule tests the offence, so the request must name one."""
        return bool(
            self.min_penalty_months is not None
            or self.attempt_min_penalty_months is not None
            or self.imprisonment_in_scale
            or self.offence_references
        )


@dataclass(frozen=True)
class Rule:
    """A secrecy-breaking rule in the wording in force from `valid_from` to `valid_to`.

    `breaks` lists the secrecy the rule lifts and `excludes` what it expressly cannot; an
    empty `breaks` means the rule only speaks to data that is not secret (OSL 6:5).
    `recipients_needing_judgement` are recipients the rule reaches only if a human finds
    a fact (e.g. that Skatteverket "har till uppgift att ingripa mot brottet", 10:23).
    `assess_provisions` are provisions for which release needs `Standard.LEGAL_REVIEW`
    (e.g. social-services data under the unverified FOL 32 §). `claim_required` rules are
    tried only when the request names them in `requested_basis` (OSL 10:2, 10:2 a, 12:2).
    `gateway` is the OSL rule a duty in another law is applied through (OSL 10:28).
    `precedence` orders the rules from most specific to the general clause .

    Sources: `sfs` is the SFS number of the wording encoded (the statute itself for an
    original wording), `url` the statute text, `verified` what was checked against that
    text; `flags` name the points that were not, and a rule with any never releases on
    its own (a lawyer reviews, `Standard.LEGAL_REVIEW`). `judgement` quotes the words of
    the text that need a person's judgement (e.g. "allvarliga brister"): such a rule must
    name a `standard`, so it never releases without one. `relevance` quotes the words that
    limit it to data that is needed or "av betydelse": released fields carry a flag so the
    officer knows relevance is theirs to check.
    """

    id: str
    citation: str
    title: str
    valid_from: date
    source: str
    recipients: frozenset[Recipient]
    precedence: int
    valid_to: date | None = None
    breaks: tuple[ProvisionSpec, ...] = ()
    excludes: tuple[ProvisionSpec, ...] = ()
    conditions: Conditions = field(default_factory=Conditions)
    standard: Standard | None = None
    recipients_needing_judgement: frozenset[Recipient] = frozenset()
    assess_provisions: tuple[ProvisionSpec, ...] = ()
    claim_required: bool = False
    gateway: str | None = None
    flags: tuple[str, ...] = ()
    note: str = ""
    sfs: str = ""
    url: str = ""
    verified: str = ""
    judgement: str = ""
    relevance: str = ""

    @property
    def legal_basis(self) -> tuple[str, ...]:
        """The citations a decision names: the gateway first, then the rule itself."""
        if self.gateway:
            return (self.gateway, self.citation)
        return (self.citation,)

    @property
    def only_non_secret(self) -> bool:
        """Whether the rule releases only data that no secrecy protects."""
        return not self.breaks

    def in_force(self, on: date) -> bool:
        """Whether this wording was the law on that day."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)
