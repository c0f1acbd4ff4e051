"""The pure tlog-tiles layout (paths, widths, bundles) and the tile verifier over
tiles built here with hashlib, not with the product's Merkle code."""

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from samverkan_audit_log.checkpoints.signed_note import parse_verifier_key
from samverkan_audit_log.checkpoints.signer import LogSigner
from samverkan_audit_log.tiles.layout import (
    BadTilePath,
    EntryTooLarge,
    MalformedBundle,
    Tile,
    decode_bundle,
    encode_bundle,
    parse_bundle_path,
    parse_tile_path,
    tile_widths,
)
from samverkan_audit_log.verification.tiled import TiledLogVerifier, bundles_of
from samverkan_audit_log.verification.verifier import (
    VerificationFailed,
    open_checkpoint,
)

SIGNER = LogSigner("samverkan.test/audit-log", Ed25519PrivateKey.generate())
KEY = parse_verifier_key(SIGNER.verifier_key)


class TestPaths:
    @pytest.mark.parametrize(
        ("tile", "path"),
        [
            (Tile(0, 0), "tile/0/000"),
            (Tile(0, 1234067), "tile/0/x001/x234/067"),
            (Tile(2, 1000, 5), "tile/2/x001/000.p/5"),
            (Tile(1, 999, 255), "tile/1/999.p/255"),
        ],
    )
    def test_the_spec_and_sumdb_encoding(self, tile: Tile, path: str) -> None:
        assert tile.path() == path
        _, level, rest = path.split("/", 2)
        assert parse_tile_path(level, rest) == tile
        bundle = tile.bundle_path()
        assert bundle == path.replace(f"tile/{tile.level}/", "tile/entries/")
        assert parse_bundle_path(bundle.removeprefix("tile/entries/")) == Tile(
            0, tile.index, tile.width
        )

    @settings(max_examples=300)
    @given(
        st.integers(0, 63),
        st.integers(0, 10**21 - 1),
        st.integers(1, 256),
    )
    def test_every_path_reads_back_as_its_tile(
        self, level: int, index: int, width: int
    ) -> None:
        tile = Tile(level, index, width)
        _, level_text, rest = tile.path().split("/", 2)
        assert parse_tile_path(level_text, rest) == tile

    @pytest.mark.parametrize(
        ("level", "rest"),
        [("0", "x000/001"), ("01", "000"), ("0", "000.p/256"), ("0", "1000")],
    )
    def test_non_canonical_paths_are_refused(self, level: str, rest: str) -> None:
        with pytest.raises(BadTilePath):
            parse_tile_path(level, rest)

    def test_the_widths_of_the_spec_example(self) -> None:
        """tlog-tiles: a tree of 70,000 has 273 full level-0 tiles and a partial of
        112, one full level-1 tile and a partial of 17, a level-2 partial of 1."""
        assert [tile_widths(level, 70000) for level in range(4)] == [
            (273, 112),
            (1, 17),
            (0, 1),
            (0, 0),
        ]


class TestBundles:
    def test_round_trip(self) -> None:
        leaves = [b"", b"a", b"x" * 65535]
        assert decode_bundle(encode_bundle(leaves), 3) == leaves

    def test_an_entry_beyond_a_uint16_is_refused(self) -> None:
        with pytest.raises(EntryTooLarge) as raised:
            encode_bundle([b"a", b"x" * 65536])
        assert (raised.value.position, raised.value.size) == (1, 65536)

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"\x00", "it ends inside a length prefix"),
            (b"\x00\x05abc", "entry 0 announces 5 bytes but only 3 follow"),
            (b"\x00\x01a", "it holds 1 entries, not 2"),
        ],
    )
    def test_a_malformed_bundle(self, data: bytes, message: str) -> None:
        with pytest.raises(MalformedBundle, match=message):
            decode_bundle(data, 2)


def _leaves(size: int) -> list[bytes]:
    return [b'{"n":%d}' % n for n in range(size)]


def _level(leaves: list[bytes], level: int) -> list[bytes]:
    hashes = [hashlib.sha256(b"\x00" + leaf).digest() for leaf in leaves]
    for _ in range(8 * level):
        hashes = [
            hashlib.sha256(b"\x01" + hashes[i] + hashes[i + 1]).digest()
            for i in range(0, len(hashes) - 1, 2)
        ]
    return hashes


def _root(hashes: list[bytes]) -> bytes:
    """RFC 9162 MTH by its recursive definition."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    split = 1 << ((len(hashes) - 1).bit_length() - 1)
    left, right = _root(hashes[:split]), _root(hashes[split:])
    return hashlib.sha256(b"\x01" + left + right).digest()


def _verify(size: int, alter: tuple[str, int] | None = None) -> str:
    leaves = _leaves(size)
    levels = [_level(leaves, level) for level in range(4)]
    note = SIGNER.sign(size, _root(levels[0]))

    def served(tile: Tile) -> bytes:
        hashes = levels[tile.level][tile.first : tile.first + tile.width]
        data = bytearray(b"".join(hashes))
        if alter is not None and alter[0] == tile.path():
            data[alter[1]] ^= 1
        return bytes(data)

    log = TiledLogVerifier(open_checkpoint(note, KEY, what="checkpoint"), served)
    for tile in bundles_of(size):
        run = leaves[tile.first : tile.first + tile.width]
        bundle = b"".join(len(leaf).to_bytes(2, "big") + leaf for leaf in run)
        log.add_bundle(tile, bundle, served(tile))
    return log.finish(KEY.name).line()


class TestTiledLogVerifier:
    @settings(max_examples=40, deadline=None)
    @given(st.integers(0, 1200) | st.sampled_from([255, 256, 257, 511, 512, 513]))
    def test_genuine_tiles_fold_to_the_signed_root(self, size: int) -> None:
        assert _verify(size).startswith(f"OK: {size} entries, root ")

    def test_a_log_past_the_second_level(self) -> None:
        assert _verify(65537).startswith("OK: 65537 entries")

    @pytest.mark.parametrize(
        ("size", "altered", "message"),
        [
            (
                300,
                ("tile/0/000", 32 * 7 + 3),
                "entry 7: hash 7 of tile/0/000 is not SHA-256(0x00 || leaf) of its "
                "leaf in tile/entries/000",
            ),
            (
                300,
                ("tile/0/001.p/44", 32 * 43),
                "entry 299: hash 43 of tile/0/001.p/44 is not SHA-256(0x00 || leaf) "
                "of its leaf in tile/entries/001.p/44",
            ),
            (
                300,
                ("tile/1/000.p/1", 31),
                "tile/1/000.p/1: hash 0 is not the Merkle root of tile/0/000",
            ),
            (
                65537,
                ("tile/1/000", 32 * 200),
                "tile/1/000: hash 200 is not the Merkle root of tile/0/200",
            ),
        ],
    )
    def test_an_altered_tile_is_named(
        self, size: int, altered: tuple[str, int], message: str
    ) -> None:
        with pytest.raises(VerificationFailed) as raised:
            _verify(size, altered)
        assert str(raised.value) == message
