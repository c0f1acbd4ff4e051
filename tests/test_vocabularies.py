"""tips labels its fields with the codes the sharing service's rule engine reads."""

from samverkan_sharing.rules import Category, HolderActivity
from samverkan_tips.tips.classification import DataCategory
from samverkan_tips.tips.classification import HolderActivity as TipsHolderActivity


def test_every_tip_category_is_one_the_rule_engine_knows() -> None:
    assert {c.value for c in DataCategory} <= {c.value for c in Category}


def test_tips_and_sharing_name_the_same_holder_activities() -> None:
    assert {a.value for a in TipsHolderActivity} == {a.value for a in HolderActivity}
