"""C2SP tlog-tiles: tile and entry-bundle paths, tile widths, the bundle encoding.

A tile at level L holds up to 256 consecutive Merkle tree hashes of tree level 8L
(RFC 9162 §2.1: the hash of hash ``n * 256 + i`` covers ``256**L`` leaves); level 0
holds the leaf hashes. A tile is *full* with 256 hashes and *partial* (``.p/<W>``)
with fewer, on the right edge of the tree. Entry bundles hold the leaves a level-0
tile hashes, each prefixed by its length as a big-endian uint16.
See https://c2sp.org/tlog-tiles; the path encoding is Go's sumdb/tlog's.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "HASH_SIZE",
    "MAX_ENTRY_SIZE",
    "MAX_LEVEL",
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "BadTilePath",
    "EntryTooLarge",
    "MalformedBundle",
    "Tile",
    "decode_bundle",
    "encode_bundle",
    "parse_bundle_path",
    "parse_tile_path",
    "tile_widths",
]

HASH_SIZE = 32
TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_LEVEL = 63
MAX_ENTRY_SIZE = 0xFFFF  # a uint16 length prefix
# Seven path elements reach 10**21 - 1, beyond any index a BIGINT column holds.
_MAX_ELEMENTS = 7
_LEVEL = re.compile(r"(0|[1-9][0-9]?)")
_WIDTH = re.compile(r"[1-9][0-9]{0,2}")
_LAST = re.compile(r"[0-9]{3}")
_INNER = re.compile(r"x[0-9]{3}")


class BadTilePath(ValueError):
    """The path names no tile: the message says which part is malformed."""


class EntryTooLarge(ValueError):
    """An entry longer than a uint16 length prefix can announce (65,535 bytes)."""

    def __init__(self, position: int, size: int) -> None:
        super().__init__(
            f"entry {position} of the bundle is {size} bytes, more than the "
            f"{MAX_ENTRY_SIZE} an entry bundle can carry"
        )
        self.position = position
        self.size = size


class MalformedBundle(ValueError):
    """An entry bundle that does not split into the expected number of entries."""


@dataclass(frozen=True)
class Tile:
    """Tile ``index`` of ``level`` with ``width`` hashes (entries, for a bundle)."""

    level: int
    index: int
    width: int = TILE_WIDTH

    @property
    def partial(self) -> bool:
        return self.width < TILE_WIDTH

    @property
    def first(self) -> int:
        """The position of its first hash among the hashes of its level."""
        return self.index * TILE_WIDTH

    @property
    def tree_level(self) -> int:
        """The RFC 9162 tree level of its hashes: each covers 2**tree_level leaves."""
        return self.level * TILE_HEIGHT

    def path(self) -> str:
        """``tile/<L>/<N>[.p/<W>]``, relative to the log's prefix."""
        return f"tile/{self.level}/{self._index_path()}"

    def bundle_path(self) -> str:
        """``tile/entries/<N>[.p/<W>]``: the entries of this level-0 tile."""
        return f"tile/entries/{self._index_path()}"

    def _index_path(self) -> str:
        elements = [f"{self.index % 1000:03d}"]
        rest = self.index // 1000
        while rest:
            elements.append(f"x{rest % 1000:03d}")
            rest //= 1000
        suffix = f".p/{self.width}" if self.partial else ""
        return "/".join(reversed(elements)) + suffix


def parse_tile_path(level: str, rest: str) -> Tile:
    """The tile ``tile/<level>/<rest>`` names; ``BadTilePath`` if malformed."""
    if not _LEVEL.fullmatch(level) or int(level) > MAX_LEVEL:
        raise BadTilePath(
            f"tile level {level[:20]!r} is not a decimal number from 0 to "
            f"{MAX_LEVEL} without leading zeros"
        )
    index, width = _parse_index(rest)
    return Tile(int(level), index, width)


def parse_bundle_path(rest: str) -> Tile:
    """The level-0 tile whose entries ``tile/entries/<rest>`` names."""
    index, width = _parse_index(rest)
    return Tile(0, index, width)


def _parse_index(rest: str) -> tuple[int, int]:
    number, marker, width_text = rest.partition(".p/")
    width = TILE_WIDTH
    if marker:
        if not _WIDTH.fullmatch(width_text) or int(width_text) >= TILE_WIDTH:
            raise BadTilePath(
                f"partial tile width {width_text[:20]!r} is not a decimal number "
                "from 1 to 255 without leading zeros"
            )
        width = int(width_text)
    elements = number.split("/")
    well_formed = (
        len(elements) <= _MAX_ELEMENTS
        and all(_INNER.fullmatch(element) for element in elements[:-1])
        and _LAST.fullmatch(elements[-1]) is not None
        # Go's encoding has no leading x000: one index, one path.
        and (len(elements) == 1 or elements[0] != "x000")
    )
    if not well_formed:
        raise BadTilePath(
            f"tile index {number[:40]!r} is not zero-padded 3-digit elements, all "
            "but the last prefixed with 'x' (1234067 is x001/x234/067)"
        )
    index = 0
    for element in elements:
        index = index * 1000 + int(element.lstrip("x"))
    return index, width


def tile_widths(level: int, tree_size: int) -> tuple[int, int]:
    """(full tiles, width of the partial tile or 0) at ``level`` for ``tree_size``.

    The partial tile at level l has ``floor(s / 256**l) mod 256`` hashes.
    """
    hashes = tree_size >> (level * TILE_HEIGHT)
    return hashes // TILE_WIDTH, hashes % TILE_WIDTH


def encode_bundle(leaves: Iterable[bytes]) -> bytes:
    """The entries, each prefixed by its length as a big-endian uint16."""
    parts = []
    for position, leaf in enumerate(leaves):
        size = len(leaf)
        if size > MAX_ENTRY_SIZE:
            raise EntryTooLarge(position, size)
        parts.append(size.to_bytes(2, "big"))
        parts.append(leaf)
    return b"".join(parts)


def decode_bundle(data: bytes, count: int) -> list[bytes]:
    """The ``count`` entries of a bundle; ``MalformedBundle`` if it holds others."""
    entries: list[bytes] = []
    view = memoryview(data)
    offset, end = 0, len(data)
    while offset < end:
        if offset + 2 > end:
            raise MalformedBundle("it ends inside a length prefix")
        size = int.from_bytes(view[offset : offset + 2], "big")
        offset += 2
        if offset + size > end:
            raise MalformedBundle(
                f"entry {len(entries)} announces {size} bytes but only "
                f"{end - offset} follow"
            )
        entries.append(bytes(view[offset : offset + size]))
        offset += size
    if len(entries) != count:
        raise MalformedBundle(f"it holds {len(entries)} entries, not {count}")
    return entries
