"""Hash tiles and entry bundles read from the stored tree (C2SP tlog-tiles).

Every perfect subtree is stored once complete (``tree/``), so a tile is one range
read of the stored nodes at its tree level: 256 rows for a full tile at any level,
never a recomputation from the leaves. Nodes never change once written and are
committed with the tree size that needs them, so the size read first vouches for
every node the tile needs.
"""

from sqlmodel import Session

from samverkan_audit_log.tiles.layout import EntryTooLarge, Tile, encode_bundle
from samverkan_audit_log.tiles.repository import TileRepository
from samverkan_audit_log.tree.nodes import InconsistentTree
from samverkan_audit_log.tree.repository import TreeRepository
from samverkan_shared.problems import NotFound

__all__ = ["NOT_CACHED", "entry_bundle", "hash_tile"]

NOT_CACHED = {"Cache-Control": "no-store"}


def hash_tile(session: Session, tile: Tile) -> bytes:
    """The tile's hashes, concatenated; 404 unless the tree holds all of them."""
    _within_tree(session, tile, what=tile.path())
    hashes = TileRepository(session).hashes(tile.tree_level, tile.first, tile.width)
    if len(hashes) != tile.width:
        raise InconsistentTree(
            f"{tile.path()}: {len(hashes)} of its {tile.width} tree nodes are stored"
        )
    return b"".join(hashes)


def entry_bundle(session: Session, tile: Tile) -> bytes:
    """The leaves the level-0 tile hashes, each with its uint16 length."""
    what = tile.bundle_path()
    _within_tree(session, tile, what=what)
    leaves = TileRepository(session).leaves(tile.first, tile.width)
    if len(leaves) != tile.width:
        raise InconsistentTree(
            f"{what}: {len(leaves)} of its {tile.width} entries are stored"
        )
    try:
        return encode_bundle(leaves)
    except EntryTooLarge as error:
        raise NotFound(
            f"{what} cannot be served: its entry {tile.first + error.position} "
            f"is {error.size} bytes, more than the 65535 a tlog-tiles entry bundle "
            "can carry. Read it at /v1/entries.",
            headers=NOT_CACHED,
        ) from None


def _within_tree(session: Session, tile: Tile, *, what: str) -> None:
    size = TreeRepository(session).tree_size()
    available = size >> tile.tree_level  # hashes of this level that exist
    if tile.first + tile.width > available:
        # Not cached: the tile comes into being as the log grows (a 404 kept in a
        # CDN would hide it).
        raise NotFound(
            f"The log has {size} entries, so {what} does not exist (yet).",
            headers=NOT_CACHED,
        )
