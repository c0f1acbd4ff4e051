"""The catalogue as a document a municipal lawyer can check rule by rule (docs/rules.md)."""

from collections.abc import Iterable
from itertools import groupby

from samverkan_sharing.rules.catalogue import Catalogue
from samverkan_sharing.rules.rule import Rule
from samverkan_sharing.rules.vocabulary import AUTHORITIES, Recipient

__all__ = ["OPEN_QUESTIONS", "catalogue_markdown"]

OPEN_QUESTIONS: tuple[tuple[str, str], ...] = (
    (
        "open_question_10_23_endast",
        "Whether OSL 10:23's 'endast om' still limits what OSL 10:15 a point 2 lets"
        " social-services or health data give for investigating a committed crime."
        " Decisions under 10:15 a for `investigate_crime` about 25 or 26 kap. data carry"
        " the flag.",
    ),
    (
        "adda_authority_status",
        "Whether Adda Inköpscentral AB is an authority under OSL 2:3. Until settled, Adda"
        " is a non-authority: secret data reaches it only by consent, 10:2 or 10:2 a.",
    ),
    (
        "osl_26_1_reach_unverified",
        "Whether OSL 26:1 reaches follow-up of suppliers that socialnämnden runs itself"
        " (26:1 second paragraph point 3 suggests it does); data at a procurement unit is"
        " given the weaker 21:1.",
    ),
    (
        "osl_19_3_bids_open_question",
        "Bids are absolutely secret until every bid is public or the award is decided"
        " (OSL 19:3 second paragraph, SFS 2019:937: 'inte i något fall'). No text was"
        " found on whether 10:24 or 10:27 reach them: a lawyer assesses every such field,"
        " and a field that names 19:3 without its paragraph counts as a possible bid.",
    ),
    (
        "reporter_notice_duty",
        "Lag (2021:890) 5 kap. 8 § point 4 (read) tells the reporting person before data"
        " identifying them is given out, for internal channels. The rule for external"
        " channels (förordning 2021:949) was not read.",
    ),
    (
        "fol_32_c_in_force_date_unverified",
        "Folkbokföringslagen 32 c § (SFS 2021:375, read) — its in-force clause was not"
        " found. Prop. 2020/21:160 and bet. 2020/21:SkU11 proposed 2021-06-18; the"
        " catalogue assumes the later 2021-07-01, so in between the duty is not applied"
        " rather than applied too early, and every decision goes to a person.",
    ),
    (
        "bbl_6_wording_unverified",
        "Bidragsbrottslag (2007:612) 6 § is read only as Försäkringskassan's guidance"
        " quotes it. No law replaced it on 2026-01-01: subventionsbrottslagen (2025:1267)"
        " covers state support to companies and its 13 § duty binds the deciding state"
        " bodies, not a municipality.",
    ),
)

_HEADER = """# The rule catalogue

Generated from the shipped catalogue by `samverkan rules doc`; a test keeps this file equal
to the code. `GET /v1/rules` and `samverkan rules export` serve the same data as JSON.

Every rule names the SFS number of the wording it encodes, the day that wording came into
force (and left it), a link to the text, and what was checked against statute text. A
rule whose text needs a person's judgement names the words and the standard: it never
releases on its own. A point that was not verified carries a flag; such a rule never
releases on its own either, and the decision names the flag. Rules limited to data that is
needed or "av betydelse" flag every field they let through (`relevance_to_check`).

Sources read: the consolidated OSL (2009:400) with its amendment register (t.o.m. SFS
2025:1508, published 2025-12-16); SoL (2025:400) consolidated (published 2025-12-15) and
SoL (2001:453) as last in force; the amending laws SFS 2013:795, 2014:633 and 2022:916 as
printed; lag 2008:206, 2021:890, 2023:456, 2024:307, 2025:170, socialförsäkringsbalken
110 kap. and folkbokföringslagen 32 c § as consolidated. Stated against the research in
`../shared/docs/legal-rules.md`, the statute text corrected it in these points: 10:23 and
10:27 exist since 2009-06-30; Utbetalningsmyndigheten began on 2024-01-01 (not
2024-09-01); the population register duty is folkbokföringslagen 32 c §; lag 2024:307
excludes 40 kap. 2 and 5 §§ and 41-43 kap.; lag 2025:170 8 § excludes 24:8, 25:1-8, 25:15,
26:1-6, 40:2 and 40:5 (its 4 § is not excepted).
"""


def _recipients(rule: Rule) -> str:
    if rule.recipients == frozenset(Recipient):
        text = "anyone"
    elif rule.recipients == AUTHORITIES:
        text = "any authority"
    else:
        text = ", ".join(sorted(rule.recipients))
    if rule.recipients_needing_judgement:
        judged = ", ".join(sorted(rule.recipients_needing_judgement))
        text += f"; after a judgement of fact: {judged}"
    return text


def _dates(rule: Rule) -> str:
    until = "" if rule.valid_to is None else f" to {rule.valid_to}"
    return f"from {rule.valid_from}{until}"


def _rule_lines(rule: Rule) -> list[str]:
    lines = [
        f"- **{rule.id}** — {rule.title}; {_dates(rule)}; [{rule.sfs}]({rule.url})",
        f"  - recipients: {_recipients(rule)}",
    ]
    if rule.gateway:
        lines.append(f"  - applied through {rule.gateway}")
    if rule.standard is not None:
        lines.append(f"  - assessment: `{rule.standard.value}`")
    if rule.judgement:
        lines.append(f"  - judgement: {rule.judgement}")
    if rule.relevance:
        lines.append(f"  - only data {rule.relevance}")
    needs = rule.conditions.needs
    if needs:
        lines.append(f"  - the request must give: {', '.join(needs)}")
    lines.append(f"  - verified: {rule.verified}")
    if rule.flags:
        flags = ", ".join(f"`{flag}`" for flag in rule.flags)
        lines.append(f"  - not verified ({flags}): goes to a lawyer")
    if rule.note:
        lines.append(f"  - note: {rule.note}")
    return lines


def _by_citation(rules: Iterable[Rule]) -> list[str]:
    lines: list[str] = []
    ordered = sorted(rules, key=lambda r: (r.precedence, r.citation, r.valid_from))
    for citation, versions in groupby(ordered, key=lambda r: r.citation):
        lines += ["", f"### {citation}", ""]
        for rule in versions:
            lines += _rule_lines(rule)
    return lines


def _unverified(catalogue: Catalogue) -> list[str]:
    lines = ["", "## Not verified from statute text", ""]
    flagged = sorted({flag for rule in catalogue.rules for flag in rule.flags})
    for flag in flagged:
        ids = ", ".join(r.id for r in catalogue.rules if flag in r.flags)
        lines.append(f"- `{flag}` ({ids})")
    lines += ["", "## Open questions the decisions flag", ""]
    lines += [f"- `{flag}`: {text}" for flag, text in OPEN_QUESTIONS]
    return lines


def catalogue_markdown(catalogue: Catalogue) -> str:
    """Every rule version with its source, in the order the engine tries them."""
    lines = [_HEADER.rstrip(), "", f"Catalogue version: `{catalogue.version}`", ""]
    lines += ["## Rules, most specific first"]
    lines += _by_citation(catalogue.rules)
    lines += _unverified(catalogue)
    return "\n".join(lines) + "\n"
