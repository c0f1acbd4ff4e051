"""The stored Merkle tree: the sequencer (the tree size) and the perfect subtrees.

Append-only like the entries (migrations 0002, 0004): nodes refuse UPDATE and
DELETE, and the one-row sequencer only grows onto entries that exist.
"""

from sqlalchemy import BigInteger, Column, LargeBinary, SmallInteger
from sqlmodel import Field

from samverkan_audit_log.models import AuditLogTable

__all__ = ["TreeNodeRecord", "TreeStateRecord"]


class TreeNodeRecord(AuditLogTable, table=True):
    """The hash of a perfect subtree: leaves [node_index * 2**level, (node_index+1) * 2**level).

    Stored once complete (never changes afterwards), so any root or proof is a fold
    of O(log n) rows (RFC 9162 §2.1; see ``merkle.py``).
    """

    __tablename__ = "audit_tree_nodes"

    level: int = Field(
        sa_column=Column(SmallInteger, primary_key=True, autoincrement=False)
    )
    node_index: int = Field(
        sa_column=Column(BigInteger, primary_key=True, autoincrement=False)
    )
    hash: bytes = Field(sa_column=Column(LargeBinary(32), nullable=False))


class TreeStateRecord(AuditLogTable, table=True):
    """The sequencer: one row whose lock serialises appends and holds the tree size."""

    __tablename__ = "audit_tree_state"

    id: int = Field(
        sa_column=Column(SmallInteger, primary_key=True, autoincrement=False)
    )
    tree_size: int = Field(sa_column=Column(BigInteger, nullable=False))
