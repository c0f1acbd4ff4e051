"""Verification of a log read as C2SP tlog-tiles, over plain data (no HTTP here).

What a monitor following the tiles relies on, checked against the entries: every
leaf of the entry bundles is the RFC 8785 canonical JSON of an object (as in the
export), its hash (RFC 9162 §2.1.1) is the matching hash of the served level-0 tile,
the Merkle root of every full tile is the matching hash of the tile above it, every
partial tile on the right edge holds the hashes below it, and the tiles fold to the
root of the signed checkpoint. Failures raise ``VerificationFailed`` naming the
entry or tile.
"""

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from samverkan_audit_log.checkpoints.signed_note import Checkpoint
from samverkan_audit_log.merkle import (
    EMPTY_ROOT,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
)
from samverkan_audit_log.tiles.layout import (
    TILE_HEIGHT,
    TILE_WIDTH,
    MalformedBundle,
    Tile,
    decode_bundle,
    tile_widths,
)
from samverkan_audit_log.verification.leaves import leaf_of, plain_leaf
from samverkan_audit_log.verification.verifier import Verdict, VerificationFailed

__all__ = ["TileSource", "TiledLogVerifier", "bundles_of"]

# The served tile, as fetched; tests serve altered ones.
TileSource = Callable[[Tile], bytes]


def bundles_of(tree_size: int) -> list[Tile]:
    """The level-0 tiles (and so the entry bundles) of a tree of ``tree_size``."""
    full, width = tile_widths(0, tree_size)
    tiles = [Tile(0, index) for index in range(full)]
    return [*tiles, Tile(0, full, width)] if width else tiles


class TiledLogVerifier:
    """Checks bundles and tiles in order and folds them into the checkpoint's root.

    ``pending[l]`` holds the hashes of level l's current tile known so far: the
    roots of full tiles below it (l > 0), or the leaf hashes of the final partial
    bundle (l = 0). A level's tile is fetched and compared once it is full, and at
    the end for the partial ones.
    """

    def __init__(self, checkpoint: Checkpoint, tiles: TileSource) -> None:
        self.checkpoint = checkpoint
        self._tiles = tiles
        self._pending: list[list[bytes]] = [[]]
        self._full: list[int] = [0]  # full tiles checked, per level
        self.verified = 0

    def add_bundle(
        self, tile: Tile, bundle: bytes | Sequence[bytes], served: bytes
    ) -> list[Any]:
        """Check an entry bundle (or the tile's leaves, read one by one) against
        its served level-0 tile; its entries as items ``{"entry": ...}`` (what
        ``IndexCheck.add_page`` reads)."""
        if tile.first != self.verified:
            raise VerificationFailed(f"{tile.bundle_path()} read out of order")
        leaves = _leaves(tile, bundle)
        items = [
            {"entry": _entry(leaf, tile.first + offset)}
            for offset, leaf in enumerate(leaves)
        ]
        hashes = [leaf_hash(leaf) for leaf in leaves]
        self._compare(tile, served, hashes)
        self.verified += len(leaves)
        if tile.partial:
            self._pending[0] = hashes
        else:
            self._carry(1, root_from_leaf_hashes(hashes))
        return items

    def finish(self, signer: str) -> Verdict:
        """The verdict once every bundle the checkpoint covers has been added."""
        size = self.checkpoint.tree_size
        if self.verified != size:
            raise VerificationFailed(
                f"the entry bundles hold {self.verified} entries but the "
                f"checkpoint covers {size}"
            )
        for level in range(1, len(self._pending)):
            width = len(self._pending[level])
            if width:
                tile = Tile(level, self._full[level], width)
                self._compare(tile, self._tiles(tile), self._pending[level])
        root = self._root()
        if root != self.checkpoint.root_hash:
            raise VerificationFailed(
                f"root mismatch: the tiles and entries fold to {_b64(root)}, the "
                f"checkpoint for size {size} says {_b64(self.checkpoint.root_hash)}"
            )
        return Verdict(size, root, signer)

    def _carry(self, level: int, root: bytes) -> None:
        """A full tile's root is the next hash of the tile above it."""
        if level == len(self._pending):
            self._pending.append([])
            self._full.append(0)
        pending = self._pending[level]
        pending.append(root)
        if len(pending) < TILE_WIDTH:
            return
        tile = Tile(level, self._full[level])
        self._compare(tile, self._tiles(tile), pending)
        self._pending[level], self._full[level] = [], self._full[level] + 1
        self._carry(level + 1, root_from_leaf_hashes(pending))

    def _compare(self, tile: Tile, served: bytes, hashes: list[bytes]) -> None:
        expected = b"".join(hashes)
        if served == expected:
            return
        if len(served) != len(expected):
            raise VerificationFailed(
                f"{tile.path()}: {len(served)} bytes served, not "
                f"{len(hashes)} hashes of 32 bytes"
            )
        position = next(
            i
            for i, hashed in enumerate(hashes)
            if served[32 * i : 32 * i + 32] != hashed
        )
        if tile.level == 0:
            raise VerificationFailed(
                f"entry {tile.first + position}: hash {position} of "
                f"{tile.path()} is not SHA-256(0x00 || leaf) of its leaf in "
                f"{tile.bundle_path()}"
            )
        below = Tile(tile.level - 1, tile.first + position)
        raise VerificationFailed(
            f"{tile.path()}: hash {position} is not the Merkle root of {below.path()}"
        )

    def _root(self) -> bytes:
        """MTH of the whole tree: the perfect subtrees of the tree size (its binary
        digits, largest first) are runs of the partial tiles' hashes."""
        pieces: list[bytes] = []
        for level in reversed(range(len(self._pending))):
            hashes, offset = self._pending[level], 0
            for height in reversed(range(TILE_HEIGHT)):
                if len(hashes) >> height & 1:
                    run = hashes[offset : offset + (1 << height)]
                    pieces.append(root_from_leaf_hashes(run))
                    offset += 1 << height
        if not pieces:
            return EMPTY_ROOT
        root = pieces[-1]
        for left in reversed(pieces[:-1]):
            root = node_hash(left, root)
        return root


def _leaves(tile: Tile, bundle: bytes | Sequence[bytes]) -> Sequence[bytes]:
    if not isinstance(bundle, bytes):
        return bundle
    try:
        return decode_bundle(bundle, tile.width)
    except MalformedBundle as error:
        raise VerificationFailed(f"{tile.bundle_path()}: {error}") from None


def _entry(leaf: bytes, index: int) -> Any:
    """The entry the leaf encodes, once it is its RFC 8785 canonical JSON."""
    try:
        entry = orjson.loads(leaf)
    except orjson.JSONDecodeError:
        entry = None
    if isinstance(entry, dict) and plain_leaf(entry) == leaf:
        return entry
    # orjson reads integers beyond 64 bits as floats: ask the standard parser.
    try:
        entry = json.loads(leaf)
    except ValueError:
        entry = None
    if isinstance(entry, dict) and leaf_of(entry) == leaf:
        return entry
    raise VerificationFailed(
        f"entry {index}: its leaf is not the RFC 8785 canonical JSON of an object"
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
