"""All SQL of the tiles: consecutive stored node hashes and leaves, by position."""

from sqlalchemy import bindparam, select

from samverkan_audit_log.entries.models import EntryRecord
from samverkan_audit_log.tree.models import TreeNodeRecord
from samverkan_shared.db_types import table_of
from samverkan_shared.sessions import Repository

__all__ = ["TileRepository"]

_NODES = table_of(TreeNodeRecord).c
_ENTRIES = table_of(EntryRecord).c
# One range scan of each primary key; built once, as Core (no ORM objects).
_HASHES = (
    select(_NODES.hash)
    .where(
        _NODES.level == bindparam("level"),
        _NODES.node_index >= bindparam("first"),
        _NODES.node_index < bindparam("end"),
    )
    .order_by(_NODES.node_index)
)
_LEAVES = (
    select(_ENTRIES.leaf)
    .where(
        _ENTRIES.entry_index >= bindparam("first"),
        _ENTRIES.entry_index < bindparam("end"),
    )
    .order_by(_ENTRIES.entry_index)
)


class TileRepository(Repository):
    """Reads the stored perfect subtrees and leaves a tile or bundle is made of."""

    def hashes(self, tree_level: int, first: int, count: int) -> list[bytes]:
        """The stored hashes of level ``tree_level``, nodes ``[first, first+count)``."""
        parameters = {"level": tree_level, "first": first, "end": first + count}
        rows = self._session.connection().execute(_HASHES, parameters)
        return [bytes(digest) for (digest,) in rows]

    def leaves(self, first: int, count: int) -> list[bytes]:
        """The leaves of the entries ``[first, first+count)``, in index order."""
        parameters = {"first": first, "end": first + count}
        rows = self._session.connection().execute(_LEAVES, parameters)
        return [bytes(leaf) for (leaf,) in rows]
