"""OSL secrecy provisions and the break/exclusion lists the rules carry ."""

import re
from dataclasses import dataclass

__all__ = [
    "InvalidProvision",
    "Provision",
    "ProvisionSpec",
    "format_specs",
    "parse_provisions",
    "parse_spec",
    "parse_specs",
]

_PROVISION = re.compile(
    r"^(?:OSL\s+)?(?P<chapter>\d{1,2}):(?P<section>\d{1,3})"
    r"(?:\s*(?P<letter>[a-z]))?(?:\s+st\.\s*(?P<paragraph>\d))?$"
)
_SPEC = re.compile(
    r"^(?:OSL\s+)?(?:(?P<any>\*)|(?P<chapter>\d{1,2})(?:-(?P<last_chapter>\d{1,2}))?"
    r"(?::(?P<section>\d{1,3})(?:-(?P<last_section>\d{1,3}))?"
    r"(?:\s*(?P<letter>[a-z]))?(?:\s+st\.\s*(?P<paragraph>\d))?)?)$"
)
_NO_SECRECY = frozenset({"", "none", "-"})
_LAST_CHAPTER = 99


class InvalidProvision(ValueError):
    """A secrecy provision or a provision list could not be read."""


@dataclass(frozen=True, order=True)
class Provision:
    """One secrecy provision of OSL, e.g. 26:1, 26:1 a, or 25:2 second paragraph."""

    chapter: int
    section: int
    letter: str = ""
    paragraph: int | None = None

    def __str__(self) -> str:
        text = f"OSL {self.chapter}:{self.section}"
        if self.letter:
            text += f" {self.letter}"
        if self.paragraph is not None:
            text += f" st. {self.paragraph}"
        return text


@dataclass(frozen=True)
class ProvisionSpec:
    """An entry of a break or exclusion list.

    Either whole chapters ("21-40", "*"), a run of sections in one chapter ("25:1-8", which
    also takes the inserted sections such as 1 a that sit inside the run), or one section,
    optionally one paragraph ("26:1 a st. 1").
    """

    first_chapter: int
    last_chapter: int
    first_section: int | None = None
    last_section: int | None = None
    letter: str = ""
    paragraph: int | None = None

    def __str__(self) -> str:
        if self.first_section is None:
            return _chapters_text(self.first_chapter, self.last_chapter)
        text = f"OSL {self.first_chapter}:{self.first_section}"
        if self.last_section != self.first_section:
            text += f"-{self.last_section}"
        if self.letter:
            text += f" {self.letter}"
        if self.paragraph is not None:
            text += f" st. {self.paragraph}"
        return text

    def matches(self, provision: Provision, *, conservative: bool) -> bool:
        """Whether the provision falls under this entry.

        A provision given without a paragraph is ambiguous against an entry naming one:
        `conservative=True` (used for exclusions) counts it as inside, `False` (used for
        what a rule breaks) as outside, so doubt never releases data.
        """
        if not self.first_chapter <= provision.chapter <= self.last_chapter:
            return False
        if self.first_section is None or self.last_section is None:
            return True
        if self.first_section == self.last_section or self.letter:
            return self._matches_section(provision, conservative=conservative)
        return _within_run(provision, self.first_section, self.last_section)

    def _matches_section(self, provision: Provision, *, conservative: bool) -> bool:
        if (provision.section, provision.letter) != (self.first_section, self.letter):
            return False
        if self.paragraph is None or provision.paragraph == self.paragraph:
            return True
        return provision.paragraph is None and conservative


def _within_run(provision: Provision, first: int, last: int) -> bool:
    # "1–6 §§" covers 1 a but not 6 a, which follows the run's last section.
    if provision.letter:
        return first <= provision.section < last
    return first <= provision.section <= last


def _chapters_text(first: int, last: int) -> str:
    if (first, last) == (1, _LAST_CHAPTER):
        return "OSL *"
    if first == last:
        return f"OSL {first}"
    return f"OSL {first}-{last}"


def parse_provisions(text: str) -> tuple[Provision, ...]:
    """Read a field's explicit secrecy, e.g. "OSL 26:1, 21:3"; "none" means not secret."""
    if text.strip().lower() in _NO_SECRECY:
        return ()
    provisions = tuple(_parse_provision(part) for part in text.split(","))
    return tuple(sorted(set(provisions)))


def _parse_provision(part: str) -> Provision:
    match = _PROVISION.match(part.strip())
    if match is None:
        raise InvalidProvision(
            f"not an OSL provision such as 'OSL 26:1': {part.strip()!r}"
        )
    paragraph = match["paragraph"]
    return Provision(
        chapter=int(match["chapter"]),
        section=int(match["section"]),
        letter=match["letter"] or "",
        paragraph=int(paragraph) if paragraph else None,
    )


def parse_spec(text: str) -> ProvisionSpec:
    """Read one list entry: "*", "21-40", "25", "25:1-8", "26:1 a st. 1"."""
    match = _SPEC.match(text.strip())
    if match is None:
        raise InvalidProvision(f"not a provision list entry: {text.strip()!r}")
    if match["any"]:
        return ProvisionSpec(1, _LAST_CHAPTER)
    first_chapter = int(match["chapter"])
    last_chapter = int(match["last_chapter"] or first_chapter)
    if match["section"] is None:
        return ProvisionSpec(first_chapter, last_chapter)
    if last_chapter != first_chapter:
        raise InvalidProvision(f"a run of sections must stay in one chapter: {text!r}")
    return _section_spec(first_chapter, match)


def _section_spec(chapter: int, match: re.Match[str]) -> ProvisionSpec:
    first = int(match["section"])
    last = int(match["last_section"] or first)
    if last < first or (last != first and (match["letter"] or match["paragraph"])):
        raise InvalidProvision(f"bad run of sections: {match.string!r}")
    paragraph = match["paragraph"]
    return ProvisionSpec(
        first_chapter=chapter,
        last_chapter=chapter,
        first_section=first,
        last_section=last,
        letter=match["letter"] or "",
        paragraph=int(paragraph) if paragraph else None,
    )


def parse_specs(text: str) -> tuple[ProvisionSpec, ...]:
    """Read a comma-separated list of entries, as the rule table writes them."""
    if not text.strip():
        return ()
    return tuple(parse_spec(part) for part in text.split(","))


def format_specs(specs: tuple[ProvisionSpec, ...]) -> list[str]:
    """The entries as strings, the form the catalogue's JSON uses."""
    return [str(spec) for spec in specs]
