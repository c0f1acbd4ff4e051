"""What the tests of GET /v1/statistics/tips share: callers, periods, expected groups."""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.support.tokens import TestIssuer

PURCHASING_CENTRE, MALMO, LUND = "556578-5788", "212000-1124", "212000-1173"
URL = "/v1/statistics/tips"
# role → (organisation, scopes)
ROLES = {
    "purchasing centre's manager": (PURCHASING_CENTRE, ["tips:read", "tips:manage"]),
    "purchasing centre's reader": (PURCHASING_CENTRE, ["tips:read"]),
    "Lund's manager": (LUND, ["tips:read", "tips:manage"]),
    "Malmö's reader": (MALMO, ["tips:read"]),
}
SUPPRESSED = {
    "tips": "<5",
    "substantiated_share": None,
    "median_working_days_to_acknowledgement": None,
    "median_working_days_to_decision": None,
}


def group_row(key: str, label: str, tips: int | str = "<5", **figures: Any) -> Any:
    if tips == "<5":
        return {"key": key, "label": label, **SUPPRESSED}
    return {
        "key": key,
        "label": label,
        "tips": tips,
        "substantiated_share": None,
        "median_working_days_to_acknowledgement": None,
        "median_working_days_to_decision": None,
        **figures,
    }


def role_headers(issuer: TestIssuer, role: str) -> dict[str, str]:
    org_number, scopes = ROLES[role]
    return issuer.headers(scopes, client_id=role, org_number=org_number)


SWEDEN = ZoneInfo("Europe/Stockholm")


def _month_start(day: date) -> datetime:
    return datetime.combine(day.replace(day=1), time(0), tzinfo=SWEDEN)


# Last month, the latest whole calendar month every caller may ask about.
THIS_MONTH = _month_start(datetime.now(SWEDEN).date())
LAST_MONTH = _month_start((THIS_MONTH - timedelta(days=1)).date())
ENDED = {"from": LAST_MONTH.isoformat(), "to": THIS_MONTH.isoformat()}
