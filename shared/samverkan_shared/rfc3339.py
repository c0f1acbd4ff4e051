"""RFC 3339 date-times as a caller must send them: a string with a UTC offset.

pydantic's lax mode also reads a number as seconds since the epoch and a date-time
without an offset as local time; a query parameter `to=0.5` would then mean
1970-01-01T00:00:00.5Z. The OpenAPI document says `format: date-time` (RFC 3339
§5.6, offset required), so that is what is accepted; a Python caller may still pass
an aware `datetime`.
"""

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator

__all__ = ["Rfc3339DateTime"]

# RFC 3339 §5.6 date-time: full-date "T" full-time, the time-offset required.
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})"
)


def _rfc3339(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE_TIME.fullmatch(value):
        return value
    raise ValueError(
        "must be an RFC 3339 date-time with an offset, e.g. 2026-11-23T10:00:00Z"
    )


Rfc3339DateTime = Annotated[AwareDatetime, BeforeValidator(_rfc3339)]
