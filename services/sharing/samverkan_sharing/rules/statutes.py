"""Where a lawyer reads the statute text a rule encodes."""

import re

__all__ = ["statute_url"]

_SFS = re.compile(r"^(?:SFS )?(?P<year>\d{4}):(?P<number>\d{1,4})$")
# Svensk författningssamling is published online, as the authentic text, from 2018.
_FIRST_ONLINE_YEAR = 2018


def statute_url(law: str, wording: str | None = None) -> str:
    """The text of `wording` (an amending SFS) where it is online, else the law's.

    The consolidated text (Regeringskansliets rättsdatabaser) shows the wording in force
    today; an amending law from 2018 on is linked as published, so a superseded or newer
    wording can be read as it was enacted.
    """
    law_match = _SFS.match(law)
    if law_match is None:
        raise ValueError(f"not an SFS number: {law!r}")
    wording_match = _SFS.match(wording) if wording else None
    if wording_match is not None and int(wording_match["year"]) >= _FIRST_ONLINE_YEAR:
        year, number = wording_match["year"], wording_match["number"]
        if (year, number) != (law_match["year"], law_match["number"]):
            return f"https://svenskforfattningssamling.se/doc/{year}{number}.html"
    return f"https://rkrattsbaser.gov.se/sfst?bet={law_match['year']}:{law_match['number']}"
