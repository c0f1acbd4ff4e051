"""Offence references ("BrB 9:3", "BrB 4 kap.", "Lag 2007:612 3 §"), read and normalised.

A rule such as OSL 10:21 tests the chapter of brottsbalken, so "BrB 4 kap." and "BrB 4:7"
must both be read as chapter 4 rather than missed as text that does not start "BrB 4:".
Whatever cannot be read is refused with the expected forms, never guessed.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["EXPECTED_FORMS", "InvalidReference", "OffenceReference", "parse_reference"]

EXPECTED_FORMS = (
    "'BrB <chapter>:<section>' such as 'BrB 9:3', 'BrB <chapter> kap. [<section> §]'"
    " such as 'BrB 4 kap.', or a law by its SFS number such as 'Lag 2007:612 3 §'"
)

_SECTION = r"(?P<section>\d{1,3})(?:\s?(?P<letter>[a-z]))?"
# "9 kap. 3 §" is written "9:3" before matching; "4 kap." alone names the chapter.
_KAP_SECTION = re.compile(r"(\d{1,3})\s*kap\.?\s*(\d{1,3}(?:\s?[a-z])?)\s*§")
_BRB = re.compile(
    rf"^(?:brb|brottsbalken)\s+(?P<chapter>\d{{1,2}})(?:\s*kap\.?|:\s*{_SECTION})?:?$",
    re.IGNORECASE,
)
_LAW = re.compile(r"\(?\s*(?P<year>1[89]\d\d|20\d\d)\s*:\s*(?P<number>\d{1,4})\s*\)?")
# What may follow the SFS number: nothing, "3 §", "110 kap.", or "110:31" (from "110 kap. 31 §").
_LAW_TAIL = re.compile(
    r"^(?:(?P<chapter>\d{1,3})(?:\s*kap\.?|:(?=\d)))?\s*"
    r"(?:(?P<section>\d{1,3})(?:\s?(?P<letter>[a-z]))?\s*§?)?$",
    re.IGNORECASE,
)
_LAW_PREFIX = re.compile(r"^[A-Za-zÅÄÖåäö .\-]*$")


class InvalidReference(ValueError):
    """An offence reference in none of the expected forms."""


@dataclass(frozen=True)
class OffenceReference:
    """A penal provision: the law ("BrB" or "Lag 2007:612"), chapter and section."""

    law: str
    chapter: int | None = None
    section: str | None = None

    def __str__(self) -> str:
        if self.law == "BrB":
            if self.section is None:
                return f"BrB {self.chapter}"
            return f"BrB {self.chapter}:{self.section}"
        text = self.law
        if self.chapter is not None:
            text += f" {self.chapter} kap."
        if self.section is not None:
            text += f" {self.section} §"
        return text

    def within(self, scope: "OffenceReference") -> bool:
        """Whether this offence falls under `scope` (a law, a chapter, or a section)."""
        return (
            self.law == scope.law
            and (scope.chapter is None or self.chapter == scope.chapter)
            and (scope.section is None or self.section == scope.section)
        )


def _section(match: re.Match[str]) -> str | None:
    if match["section"] is None:
        return None
    return match["section"] + (f" {match['letter']}" if match["letter"] else "")


# Rules test the same few references for every field of every request: read each once.
@lru_cache(maxsize=1024)
def parse_reference(text: str) -> OffenceReference:
    """Read a reference into its normal form; raises `InvalidReference` naming the forms."""
    cleaned = _KAP_SECTION.sub(r"\1:\2", " ".join(text.split()))
    brb = _BRB.match(cleaned)
    if brb is not None:
        return OffenceReference("BrB", int(brb["chapter"]), _section(brb))
    law = _LAW.search(cleaned)
    if law is not None and _LAW_PREFIX.match(cleaned[: law.start()]):
        tail = _LAW_TAIL.match(cleaned[law.end() :].strip(" ,"))
        if tail is not None and not cleaned[: law.start()].lower().strip().startswith(
            ("brb", "brottsbalken")
        ):
            chapter = tail["chapter"]
            return OffenceReference(
                f"Lag {law['year']}:{law['number']}",
                int(chapter) if chapter else None,
                _section(tail),
            )
    raise InvalidReference(f"not an offence reference: {text!r}; use {EXPECTED_FORMS}")
