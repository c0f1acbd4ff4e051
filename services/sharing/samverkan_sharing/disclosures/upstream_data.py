"""What sharing reads from tips and audit-log, parsed once where it arrives.

The answers of the two services, as far as sharing uses them: a tip field by field with
its data category, the receipt of a stored audit entry, and that receipt as a C2SP
tlog-proof file. Frozen; fields sharing does
not read are ignored, so either service may add some.
"""

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, JsonValue

__all__ = ["AuditReceipt", "Subject", "Tip", "TipField", "TipPage", "TlogProofFile"]

_ANSWER = ConfigDict(frozen=True, extra="ignore")


class TipField(BaseModel):
    """One field of a tip, labelled with the data category the rules decide on."""

    model_config = _ANSWER
    name: str
    category: str
    value: JsonValue


class Subject(BaseModel):
    """Whom a tip is about: ``organisation`` (the supplier) or ``person``."""

    model_config = _ANSWER
    kind: str
    identifier: str


class Tip(BaseModel):
    """A tip as sharing reads it from tips' ``/internal/v1``."""

    model_config = _ANSWER
    tip_id: str
    holder_activity: str
    supplier_org_number: str
    fields: tuple[TipField, ...]
    subjects: tuple[Subject, ...]

    def values(self, names: set[str] | None = None) -> dict[str, JsonValue]:
        """``{name: value}`` of the fields named (all of them without ``names``)."""
        return {
            f.name: f.value for f in self.fields if names is None or f.name in names
        }


class TipPage(BaseModel):
    """One page of a supplier's tips."""

    model_config = _ANSWER
    items: tuple[Tip, ...]
    next_cursor: str | None = None


class AuditReceipt(BaseModel):
    """The audit log's proof that an entry is stored (RFC 9162 leaf and checkpoint)."""

    model_config = _ANSWER
    index: int
    tree_size: int
    leaf_hash: str
    checkpoint: str


@dataclass(frozen=True)
class TlogProofFile:
    """An entry's receipt as a C2SP tlog-proof file, and whether its checkpoint has
    the cosignatures the log's witness policy asks for."""

    text: str
    witnessed: bool
