"""The data category of every field of a tip (docs/evaluation-contract.md, "Categories").

Pure: values in, categories out. The sharing service decides releases from these labels,
so where the rules leave a gap we choose the label that protects more, and say so:

- ``supplier.*``, ``agreement_id``, ``categories``, ``status`` and the call-off stop:
  ``supplier_company`` (usually not secret).
- ``description`` (and ``occurred_on``, a fact of the same narrative): ``child_social``
  when the reporting unit is social services, otherwise ``supplier_business``; the
  reporter may mark it with another narrative category, and the mark wins because the
  reporter knows what the text holds.
- ``persons``: ``child_social`` for a person under 18 on the day the events occurred,
  ``adult_client_social`` from 18.
- ``reporter``: ``tipster_social`` for social services, ``tipster_whistleblower`` for a
  whistleblowing channel. The rules name no category for procurement follow-up or health
  care; we use ``tipster_social`` there too (UNVERIFIED, for legal review) because it is
  protected, where a public-looking label would let the reporter's identity out.
"""

from enum import StrEnum

__all__ = [
    "NARRATIVE_CATEGORIES",
    "DataCategory",
    "HolderActivity",
    "description_category",
    "person_category",
    "reporter_category",
]

ADULT_AGE = 18


class HolderActivity(StrEnum):
    """The activity of the reporting unit, which holds the tip at the municipality."""

    PROCUREMENT_FOLLOW_UP = "procurement_follow_up"
    SOCIAL_SERVICES = "social_services"
    HEALTH_CARE = "health_care"
    WHISTLEBLOWING_CHANNEL = "whistleblowing_channel"


class DataCategory(StrEnum):
    """The categories of the evaluation contract that a tip's fields can carry."""

    SUPPLIER_COMPANY = "supplier_company"
    SUPPLIER_BUSINESS = "supplier_business"
    SUPPLIER_STAFF = "supplier_staff"
    CHILD_SOCIAL = "child_social"
    ADULT_CLIENT_SOCIAL = "adult_client_social"
    HEALTH_CARE = "health_care"
    TIPSTER_SOCIAL = "tipster_social"
    TIPSTER_WHISTLEBLOWER = "tipster_whistleblower"


# What a reporter may mark a narrative as: the kinds of content a description can hold.
NARRATIVE_CATEGORIES = frozenset(
    {
        DataCategory.SUPPLIER_BUSINESS,
        DataCategory.SUPPLIER_STAFF,
        DataCategory.CHILD_SOCIAL,
        DataCategory.ADULT_CLIENT_SOCIAL,
        DataCategory.HEALTH_CARE,
    }
)


def description_category(
    activity: HolderActivity, marked: DataCategory | None = None
) -> DataCategory:
    """The narrative's category: the reporter's mark, else from the holding activity."""
    if marked is not None:
        return marked
    if activity is HolderActivity.SOCIAL_SERVICES:
        return DataCategory.CHILD_SOCIAL
    return DataCategory.SUPPLIER_BUSINESS


def person_category(age_on_the_day: int) -> DataCategory:
    """A named person in care: a child under 18, else an adult client (OSL 26:1 both)."""
    if age_on_the_day < ADULT_AGE:
        return DataCategory.CHILD_SOCIAL
    return DataCategory.ADULT_CLIENT_SOCIAL


def reporter_category(activity: HolderActivity) -> DataCategory:
    """Who reported: absolutely secret through a whistleblowing channel (OSL 32:3 b)."""
    if activity is HolderActivity.WHISTLEBLOWING_CHANNEL:
        return DataCategory.TIPSTER_WHISTLEBLOWER
    return DataCategory.TIPSTER_SOCIAL
