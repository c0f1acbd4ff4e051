"""The secrecy that protects a field at its holder, by category (docs/evaluation-contract.md)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from samverkan_sharing.rules.provisions import Provision, parse_provisions
from samverkan_sharing.rules.vocabulary import Category, Flag, HolderActivity

__all__ = ["FieldSecrecy", "derive_secrecy", "field_secrecy"]

_A = HolderActivity
_C = Category


def _osl(*texts: str) -> tuple[Provision, ...]:
    return tuple(sorted({p for text in texts for p in parse_provisions(text)}))


# Where the data sits decides its secrecy: a fact that is 26:1 secret
# at socialnämnden is at most 21:1 at a procurement unit, and a whistleblowing channel
# protects everyone named in a report under 32:3 b.
_BY_HOLDER: Mapping[tuple[Category, HolderActivity], tuple[Provision, ...]] = {
    (_C.SUPPLIER_STAFF, _A.SOCIAL_SERVICES): _osl("26:1"),
    (_C.CHILD_SOCIAL, _A.SOCIAL_SERVICES): _osl("26:1"),
    (_C.CHILD_SOCIAL, _A.HEALTH_CARE): _osl("25:1"),
    (_C.CHILD_SOCIAL, _A.WHISTLEBLOWING_CHANNEL): _osl("32:3 b"),
    (_C.ADULT_CLIENT_SOCIAL, _A.SOCIAL_SERVICES): _osl("26:1"),
    (_C.ADULT_CLIENT_SOCIAL, _A.HEALTH_CARE): _osl("25:1"),
    (_C.ADULT_CLIENT_SOCIAL, _A.WHISTLEBLOWING_CHANNEL): _osl("32:3 b"),
    (_C.ECONOMIC_ASSISTANCE, _A.SOCIAL_SERVICES): _osl("26:1"),
    (_C.TIPSTER_SOCIAL, _A.SOCIAL_SERVICES): _osl("26:1, 26:5"),
    (_C.HEALTH_CARE, _A.SOCIAL_SERVICES): _osl("26:1"),
    (_C.CHILD_CONCERN_REPORT, _A.SOCIAL_SERVICES): _osl("26:1"),
}

_BY_CATEGORY: Mapping[Category, tuple[Provision, ...]] = {
    _C.SUPPLIER_COMPANY: (),
    _C.SUPPLIER_BUSINESS: _osl("31:16"),
    _C.PROCUREMENT_CASE: _osl("19:3"),
    _C.SUPPLIER_STAFF: (),
    _C.CRIMINAL_INVESTIGATION: _osl("18:1"),
    _C.AUDIT_PLAN: _osl("17:1"),
    _C.CHILD_SOCIAL: _osl("21:1"),
    _C.ADULT_CLIENT_SOCIAL: _osl("21:1"),
    _C.ECONOMIC_ASSISTANCE: _osl("21:1"),
    _C.TIPSTER_SOCIAL: _osl("26:1, 26:5"),
    _C.TIPSTER_WHISTLEBLOWER: _osl("32:3 b"),
    _C.HEALTH_CARE: _osl("25:1"),
    _C.HEALTH_ANY: _osl("21:1"),
    _C.PROTECTED_CONTACT: _osl("21:3"),
    _C.PERSONAL_DATA_MISUSE: _osl("21:7"),
    _C.CHILD_CONCERN_REPORT: _osl("21:1"),
}

# A report of concern for a child (SoL 19:1) and socialnämnden's answer to it are secret at
# the reporting authority from 2026-01-15: OSL 40:7 g (SFS 2025:1495).
_SINCE: Mapping[Category, tuple[date, tuple[Provision, ...]]] = {
    _C.CHILD_CONCERN_REPORT: (date(2026, 1, 15), _osl("40:7 g")),
}

# UNVERIFIED whether 26:1 reaches follow-up run by socialnämnden itself; the weak
# 21:1 minimum is derived and the decision says so.
_SOCIAL_CATEGORIES = frozenset(
    {_C.CHILD_SOCIAL, _C.ADULT_CLIENT_SOCIAL, _C.ECONOMIC_ASSISTANCE}
)


@dataclass(frozen=True)
class FieldSecrecy:
    """The provisions protecting one field and any open point about them."""

    provisions: tuple[Provision, ...]
    flags: tuple[str, ...] = ()

    def as_strings(self) -> list[str]:
        """The citation form the contract answers with, e.g. ["OSL 26:1"]."""
        return [str(provision) for provision in self.provisions]


def derive_secrecy(
    category: Category, holder: HolderActivity, on: date | None = None
) -> FieldSecrecy:
    """The secrecy section 3 gives a category held by this activity on that day."""
    provisions = _BY_HOLDER.get((category, holder))
    if provisions is None:
        provisions = _BY_CATEGORY[category]
        since = _SINCE.get(category)
        if since is not None and (on is None or on >= since[0]):
            provisions = since[1]
    reach_unverified = (
        category in _SOCIAL_CATEGORIES
        and holder is HolderActivity.PROCUREMENT_FOLLOW_UP
    )
    flags = (Flag.OSL_26_1_REACH_UNVERIFIED.value,) if reach_unverified else ()
    return FieldSecrecy(provisions, flags)


def field_secrecy(
    category: Category, holder: HolderActivity, explicit: str | None, on: date
) -> FieldSecrecy:
    """The explicit `secrecy` of a field when given, otherwise the derived one."""
    if explicit is None:
        return derive_secrecy(category, holder, on)
    return FieldSecrecy(parse_provisions(explicit))
