"""The dated rule catalogue: its versions, the rules in force on a day, and its checks."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from samverkan_sharing.rules.entries_duties import DUTY_RULES
from samverkan_sharing.rules.entries_osl import OSL_RULES
from samverkan_sharing.rules.rule import Rule

__all__ = [
    "CATALOGUE",
    "CATALOGUE_VERSION",
    "KNOWN_SOURCES",
    "Catalogue",
    "InvalidCatalogue",
    "validate_catalogue",
]

CATALOGUE_VERSION = "2026-12-06.1"
"""Bumped whenever a rule is added, changed or re-dated; every decision records it."""

# Where the text of a rule was read: a rule must trace to a source someone can re-read.
KNOWN_SOURCES = frozenset(
    {
        "SRC-OSL",
        "SRC-SOL",
        "SRC-SOL2001",
        "SRC-SFB",
        "SRC-2021:890",
        "SRC-OSF",
        "SRC-2008:206",
        "SRC-2016:774",
        "SRC-2025:170",
        "SRC-2024:307",
        "SRC-2023:456",
        "SRC-2023:196",
        "SRC-DSL",
        "SRC-SOLPUL",
        "SRC-PDL",
        "SRC-BRB",
        "SRC-PTL",
        "SRC-P180",
        "SRC-PM-1225",
        "SRC-PM-1225b",
        "SRC-P65",
        "SRC-P85",
        "SRC-PM-0924",
        "SRC-SOU25",
        "SRC-UHM",
        "SRC-DJ17",
        "SRC-AM17",
        "SRC-SKR20",
        "SRC-P48",
        "SRC-P132",
        "SRC-BBL",
        "SRC-BBL6",
        "SRC-FOL",
        "SRC-P167",
        "SRC-P171",
        "SRC-CVE",
        "SRC-INK",
    }
)


class InvalidCatalogue(ValueError):
    """The catalogue has problems; `problems` lists every one of them."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid rule catalogue: " + "; ".join(problems))
        self.problems = problems


def _missing_texts(rule: Rule) -> list[str]:
    texts = {
        "id": rule.id,
        "citation": rule.citation,
        "title": rule.title,
        "sfs": rule.sfs,
        "url": rule.url,
        "verified": rule.verified,
    }
    problems = [
        f"rule {rule.id!r}: {name} missing" for name, v in texts.items() if not v
    ]
    if rule.source not in KNOWN_SOURCES:
        problems.append(
            f"rule {rule.id!r}: source {rule.source!r} is not a known source"
        )
    return problems


def _bad_dates_or_scope(rule: Rule) -> list[str]:
    problems = []
    if rule.valid_to is not None and rule.valid_to < rule.valid_from:
        problems.append(
            f"rule {rule.id!r}: valid_to {rule.valid_to} is before valid_from"
            f" {rule.valid_from}"
        )
    if not rule.recipients:
        problems.append(f"rule {rule.id!r}: no recipients")
    if rule.judgement and rule.standard is None:
        # The text asks a person to judge, so the rule may never release on its own.
        problems.append(
            f"rule {rule.id!r}: its text needs a judgement ({rule.judgement!r})"
            " but it names no standard"
        )
    return problems


def _duplicate_ids(rules: tuple[Rule, ...]) -> list[str]:
    counts = Counter(rule.id for rule in rules)
    return [f"duplicate rule id {rid!r}" for rid, n in sorted(counts.items()) if n > 1]


def _overlap(first: Rule, second: Rule) -> bool:
    first_end = first.valid_to or date.max
    second_end = second.valid_to or date.max
    return first.valid_from <= second_end and second.valid_from <= first_end


def _overlapping_validity(rules: tuple[Rule, ...]) -> list[str]:
    # Two wordings of one paragraph in force on the same day would make "as of" ambiguous.
    by_citation: defaultdict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        by_citation[rule.citation].append(rule)
    return [
        f"{citation}: {a.id!r} and {b.id!r} are both in force on some day"
        for citation, versions in sorted(by_citation.items())
        for a, b in combinations(versions, 2)
        if _overlap(a, b)
    ]


def validate_catalogue(rules: Iterable[Rule]) -> None:
    """Raise `InvalidCatalogue` naming every problem, or return when there is none."""
    rules = tuple(rules)
    problems = _duplicate_ids(rules)
    for rule in rules:
        problems += _missing_texts(rule) + _bad_dates_or_scope(rule)
    problems += _overlapping_validity(rules)
    if problems:
        raise InvalidCatalogue(problems)


@dataclass(frozen=True)
class Catalogue:
    """A validated, versioned set of rule versions."""

    version: str
    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        problems = [] if self.version else ["catalogue version missing"]
        try:
            validate_catalogue(self.rules)
        except InvalidCatalogue as error:
            problems += error.problems
        if problems:
            raise InvalidCatalogue(problems)

    def rules_in_force(self, on: date) -> tuple[Rule, ...]:
        """The wordings in force that day, most specific first."""
        in_force = (rule for rule in self.rules if rule.in_force(on))
        return tuple(sorted(in_force, key=lambda rule: (rule.precedence, rule.id)))

    def rule(self, rule_id: str) -> Rule:
        """One rule version by its stable id; KeyError when there is none."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


CATALOGUE = Catalogue(version=CATALOGUE_VERSION, rules=OSL_RULES + DUTY_RULES)
"""The catalogue the service ships; a lawyer's proposal is loaded with `catalogue_from_json`."""
