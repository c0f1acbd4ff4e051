"""The evaluation request of the contract, read from and written back to its JSON shape."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from samverkan_sharing.rules.provisions import InvalidProvision, parse_provisions
from samverkan_sharing.rules.references import InvalidReference, parse_reference
from samverkan_sharing.rules.vocabulary import (
    OSL_IN_FORCE,
    Category,
    FieldKind,
    HolderActivity,
    Initiative,
    PurposeCode,
    Recipient,
)

__all__ = [
    "MAX_FIELDS",
    "EvaluationQuery",
    "FieldRequest",
    "InvalidQuery",
    "Offence",
    "Purpose",
    "query_from_contract_dict",
]

_E = TypeVar("_E", bound=StrEnum)
_TOP_KEYS = frozenset(
    {
        "as_of",
        "holder_activity",
        "recipient",
        "recipient_activity",
        "initiative",
        "purpose",
        "victim_under_18",
        "subject_age",
        "requested_basis",
        "fields",
    }
)
_PURPOSE_KEYS = frozenset({"code", "offence", "detail"})
_OFFENCE_KEYS = frozenset(
    {"name", "reference", "min_penalty_months", "max_penalty_months", "attempt"}
)
_FIELD_KEYS = frozenset({"name", "category", "secrecy", "kind"})
_MAX_TEXT = 2000
MAX_FIELDS = 200
"""A real request names a tip's or a supplier's fields: far fewer than this."""


class InvalidQuery(ValueError):
    """The request cannot be evaluated; the message names the offending field."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class Offence:
    """The suspected offence and its penalty scale in months (0 = fines; 0.5 = 14 days)."""

    name: str
    reference: str
    min_penalty_months: float
    max_penalty_months: float
    attempt: bool = False

    @property
    def imprisonment_in_scale(self) -> bool:
        """Whether fängelse is in the scale; a max of 0 means fines only."""
        return self.max_penalty_months > 0

    def label(self) -> str:
        """How reasons name the offence, e.g. "BrB 9:1 bedrägeri"."""
        prefix = "attempted " if self.attempt else ""
        return f"{prefix}{self.reference} {self.name}".strip()


@dataclass(frozen=True)
class Purpose:
    """Why the data is asked for or told."""

    code: PurposeCode
    offence: Offence | None = None
    detail: str | None = None


@dataclass(frozen=True)
class FieldRequest:
    """One requested field with its category and, when known, its explicit secrecy."""

    name: str
    category: Category
    secrecy: str | None = None
    kind: FieldKind | None = None


@dataclass(frozen=True)
class EvaluationQuery:
    """The body of `POST /v1/rules/evaluate`, as the pure engine takes it."""

    as_of: date
    holder_activity: HolderActivity
    recipient: Recipient
    initiative: Initiative
    fields: tuple[FieldRequest, ...]
    recipient_activity: str | None = None
    purpose: Purpose | None = None
    victim_under_18: bool = False
    subject_age: int | None = None
    requested_basis: str | None = None

    def to_contract_dict(self) -> dict[str, Any]:
        """The contract JSON for this query; `query_from_contract_dict` reads it back."""
        return {
            "as_of": self.as_of.isoformat(),
            "holder_activity": self.holder_activity.value,
            "recipient": self.recipient.value,
            "recipient_activity": self.recipient_activity,
            "initiative": self.initiative.value,
            "purpose": _purpose_dict(self.purpose),
            "victim_under_18": self.victim_under_18,
            "subject_age": self.subject_age,
            "requested_basis": self.requested_basis,
            "fields": [_field_dict(field) for field in self.fields],
        }


def _number_out(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _purpose_dict(purpose: Purpose | None) -> dict[str, Any] | None:
    if purpose is None:
        return None
    offence = purpose.offence
    return {
        "code": purpose.code.value,
        "offence": None
        if offence is None
        else {
            "name": offence.name,
            "reference": offence.reference,
            "min_penalty_months": _number_out(offence.min_penalty_months),
            "max_penalty_months": _number_out(offence.max_penalty_months),
            "attempt": offence.attempt,
        },
        "detail": purpose.detail,
    }


def _field_dict(field: FieldRequest) -> dict[str, Any]:
    data: dict[str, Any] = {"name": field.name, "category": field.category.value}
    if field.secrecy is not None:
        data["secrecy"] = field.secrecy
    if field.kind is not None:
        data["kind"] = field.kind.value
    return data


# --- reading -------------------------------------------------------------------------


def _mapping(value: object, path: str, keys: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidQuery(path, "must be an object")
    unknown = sorted(set(value) - keys)
    if unknown:
        raise InvalidQuery(f"{path}.{unknown[0]}", "unknown field")
    return value


def _enum(kind: type[_E], value: object, path: str) -> _E:
    if value is None:
        raise InvalidQuery(path, "required")
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise InvalidQuery(path, f"unknown value {value!r}; one of {allowed}") from None


def _required_text(value: object, path: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_TEXT:
        raise InvalidQuery(path, f"must be a non-empty string of at most {_MAX_TEXT}")
    if "\x00" in value:
        raise InvalidQuery(path, "must not contain NUL")
    return value


def _text(value: object, path: str) -> str | None:
    return None if value is None else _required_text(value, path)


def _boolean(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidQuery(path, "must be true or false")
    return value


def _months(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidQuery(path, "must be a number of months")
    if not 0 <= value <= 1200:
        raise InvalidQuery(path, "must be between 0 and 1200 months")
    return float(value)


def _as_of(value: object, today: date | None) -> date:
    if value is None:
        if today is None:
            raise InvalidQuery("as_of", "required (no default day given)")
        return today
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        raise InvalidQuery("as_of", f"not an ISO date: {value!r}") from None
    if day < OSL_IN_FORCE:
        raise InvalidQuery(
            "as_of",
            f"{day} is before OSL (2009:400) came into force on {OSL_IN_FORCE};"
            " sekretesslagen (1980:100) that applied then is out of scope",
        )
    return day


def _subject_age(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 130:
        raise InvalidQuery("subject_age", "must be an age in whole years or null")
    return value


def _offence(value: object, path: str) -> Offence | None:
    if value is None:
        return None
    data = _mapping(value, path, _OFFENCE_KEYS)
    low = _months(data.get("min_penalty_months"), f"{path}.min_penalty_months")
    high = _months(data.get("max_penalty_months"), f"{path}.max_penalty_months")
    if low > high:
        raise InvalidQuery(f"{path}.max_penalty_months", "is below min_penalty_months")
    reference = _required_text(data.get("reference"), f"{path}.reference")
    try:
        normal = str(parse_reference(reference))
    except InvalidReference as error:
        raise InvalidQuery(f"{path}.reference", str(error)) from None
    return Offence(
        name=_required_text(data.get("name"), f"{path}.name"),
        reference=normal,
        min_penalty_months=low,
        max_penalty_months=high,
        attempt=_boolean(data.get("attempt", False), f"{path}.attempt"),
    )


def _purpose(value: object) -> Purpose | None:
    if value is None:
        return None
    data = _mapping(value, "purpose", _PURPOSE_KEYS)
    return Purpose(
        code=_enum(PurposeCode, data.get("code"), "purpose.code"),
        offence=_offence(data.get("offence"), "purpose.offence"),
        detail=_text(data.get("detail"), "purpose.detail"),
    )


def _field(value: object, path: str) -> FieldRequest:
    data = _mapping(value, path, _FIELD_KEYS)
    secrecy = _text(data.get("secrecy"), f"{path}.secrecy")
    if secrecy is not None:
        try:
            parse_provisions(secrecy)
        except InvalidProvision as error:
            raise InvalidQuery(f"{path}.secrecy", str(error)) from None
    kind = data.get("kind")
    return FieldRequest(
        name=_required_text(data.get("name"), f"{path}.name"),
        category=_enum(Category, data.get("category"), f"{path}.category"),
        secrecy=secrecy,
        kind=None if kind is None else _enum(FieldKind, kind, f"{path}.kind"),
    )


def _fields(value: object) -> tuple[FieldRequest, ...]:
    if not isinstance(value, list) or not value:
        raise InvalidQuery("fields", "must be a non-empty list")
    if len(value) > MAX_FIELDS:
        raise InvalidQuery("fields", f"at most {MAX_FIELDS} fields in one request")
    fields = tuple(_field(item, f"fields[{i}]") for i, item in enumerate(value))
    names = [field.name for field in fields]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise InvalidQuery(f"fields[{i}].name", f"duplicate field {name!r}")
    return fields


def query_from_contract_dict(
    data: Mapping[str, Any], *, today: date | None = None
) -> EvaluationQuery:
    """Read a contract body; `today` is the default `as_of`. Raises `InvalidQuery`."""
    body = _mapping(data, "body", _TOP_KEYS)
    return EvaluationQuery(
        as_of=_as_of(body.get("as_of"), today),
        holder_activity=_enum(
            HolderActivity, body.get("holder_activity"), "holder_activity"
        ),
        recipient=_enum(Recipient, body.get("recipient"), "recipient"),
        recipient_activity=_text(body.get("recipient_activity"), "recipient_activity"),
        initiative=_enum(Initiative, body.get("initiative"), "initiative"),
        purpose=_purpose(body.get("purpose")),
        victim_under_18=_boolean(body.get("victim_under_18", False), "victim_under_18"),
        subject_age=_subject_age(body.get("subject_age")),
        requested_basis=_text(body.get("requested_basis"), "requested_basis"),
        fields=_fields(body.get("fields")),
    )
