"""The data category of every field of a tip, as the sharing service reads it."""

import pytest

from samverkan_tips.tips.classification import (
    DataCategory,
    HolderActivity,
    description_category,
    person_category,
    reporter_category,
)

A, C = HolderActivity, DataCategory


@pytest.mark.parametrize(
    ("activity", "marked", "expected"),
    [
        (A.SOCIAL_SERVICES, None, C.CHILD_SOCIAL),
        (A.PROCUREMENT_FOLLOW_UP, None, C.SUPPLIER_BUSINESS),
        (A.HEALTH_CARE, None, C.SUPPLIER_BUSINESS),
        (A.WHISTLEBLOWING_CHANNEL, None, C.SUPPLIER_BUSINESS),
        (A.PROCUREMENT_FOLLOW_UP, C.CHILD_SOCIAL, C.CHILD_SOCIAL),
        (A.SOCIAL_SERVICES, C.ADULT_CLIENT_SOCIAL, C.ADULT_CLIENT_SOCIAL),
    ],
)
def test_description(
    activity: HolderActivity, marked: DataCategory | None, expected: DataCategory
) -> None:
    assert description_category(activity, marked) is expected


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (0, C.CHILD_SOCIAL),
        (17, C.CHILD_SOCIAL),
        (18, C.ADULT_CLIENT_SOCIAL),
        (90, C.ADULT_CLIENT_SOCIAL),
    ],
)
def test_persons_by_age_on_the_day(age: int, expected: DataCategory) -> None:
    assert person_category(age) is expected


@pytest.mark.parametrize(
    ("activity", "expected"),
    [
        (A.SOCIAL_SERVICES, C.TIPSTER_SOCIAL),
        (A.WHISTLEBLOWING_CHANNEL, C.TIPSTER_WHISTLEBLOWER),
        (A.PROCUREMENT_FOLLOW_UP, C.TIPSTER_SOCIAL),
        (A.HEALTH_CARE, C.TIPSTER_SOCIAL),
    ],
)
def test_reporter(activity: HolderActivity, expected: DataCategory) -> None:
    assert reporter_category(activity) is expected
