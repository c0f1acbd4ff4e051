"""C2SP tlog-tiles served from the stored tree match an independent recomputation.

The expected tiles are computed here from the leaves with hashlib alone (RFC 9162
§2.1.1: leaf = SHA-256(0x00 || leaf), node = SHA-256(0x01 || left || right)), not
with the product's Merkle code, at sizes around the tile boundaries.
"""

import hashlib
from collections.abc import Callable, Iterator
from concurrent.futures import wait
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from samverkan_audit_log.app import create_app
from samverkan_audit_log.checkpoints.repository import NewCheckpoint
from samverkan_audit_log.checkpoints.signer import LogSigner
from samverkan_audit_log.entries.append import AppendQueue
from samverkan_audit_log.entries.append_store import SessionAppendStore
from samverkan_audit_log.entries.repository import NewEntry
from samverkan_audit_log.entries.schemas import Entry
from samverkan_audit_log.merkle import MerkleAccumulator
from samverkan_audit_log.settings import AuditLogSettings
from samverkan_shared.canonical_json import canonicalize
from samverkan_shared.db import make_engine, migrate
from samverkan_shared.sessions import writing_session
from tests.support.databases import BACKENDS, DatabaseFactory
from tests.support.tokens import TestIssuer

IMMUTABLE = "public, max-age=31536000, immutable"
PARTIAL = "public, max-age=60"


def append(url: str, signer: LogSigner, entries: list[dict[str, Any]]) -> None:
    """Appends through the service's own group commit, many entries per batch."""
    engine = make_engine(url)
    queue = AppendQueue(engine, signer, max_batch=2000)
    try:
        futures = [queue.submit(Entry.model_validate(entry)) for entry in entries]
        wait(futures)
        for future in futures:
            future.result()
    finally:
        queue.close()
        engine.dispose()


def stored_leaves(url: str) -> list[bytes]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT leaf FROM audit_entries ORDER BY entry_index")
        )
        leaves = [bytes(leaf) for (leaf,) in rows]
    engine.dispose()
    return leaves


def level_hashes(leaves: list[bytes], level: int) -> list[bytes]:
    """The hashes of tile level ``level``: MTH of every complete run of 256**level
    leaves, by pairing perfect subtrees 8 * level times."""
    hashes = [hashlib.sha256(b"\x00" + leaf).digest() for leaf in leaves]
    for _ in range(8 * level):
        hashes = [
            hashlib.sha256(b"\x01" + hashes[i] + hashes[i + 1]).digest()
            for i in range(0, len(hashes) - 1, 2)
        ]
    return hashes


def index_path(index: int) -> str:
    elements = [f"{index % 1000:03d}"]
    while index >= 1000:
        index //= 1000
        elements.insert(0, f"x{index % 1000:03d}")
    return "/".join(elements)


def expected_tiles(leaves: list[bytes]) -> Iterator[tuple[str, bytes, int, int]]:
    """(path, bytes, level, width) of every tile a tree of these leaves has."""
    level = 0
    while hashes := level_hashes(leaves, level):
        for first in range(0, len(hashes), 256):
            tile = hashes[first : first + 256]
            suffix = "" if len(tile) == 256 else f".p/{len(tile)}"
            path = f"/tile/{level}/{index_path(first // 256)}{suffix}"
            yield path, b"".join(tile), level, len(tile)
        level += 1
        if len(leaves) < 256**level:
            break


def bundle(leaves: list[bytes]) -> bytes:
    return b"".join(len(leaf).to_bytes(2, "big") + leaf for leaf in leaves)


def check_every_tile(
    client: TestClient, leaves: list[bytes], reader: dict[str, str]
) -> int:
    """Every tile, and the bundle of every level-0 tile, is served as recomputed;
    returns the number of tiles."""
    count = 0
    for path, hashes, level, width in expected_tiles(leaves):
        response = client.get(path)
        assert (response.status_code, response.content) == (200, hashes), path
        assert response.headers["content-type"] == "application/octet-stream"
        expected_cache = IMMUTABLE if width == 256 else PARTIAL
        assert response.headers["cache-control"] == expected_cache, path
        if level == 0:
            first = _index(path) * 256
            served = client.get(
                path.replace("/tile/0/", "/tile/entries/"), headers=reader
            )
            assert served.content == bundle(leaves[first : first + width]), path
        count += 1
    return count


def _index(path: str) -> int:
    """N of /tile/<L>/<N>[.p/<W>]."""
    number = path.split("/", 3)[3].partition(".p/")[0]
    return int(number.replace("x", "").replace("/", ""))


@pytest.fixture
def log(database_url: str, client: TestClient, signer: LogSigner, make_entry):
    def grow_to(size: int) -> list[bytes]:
        have = len(stored_leaves(database_url))
        append(database_url, signer, [make_entry(n) for n in range(have, size)])
        return stored_leaves(database_url)

    return grow_to


class TestHashTiles:
    def test_tiles_match_a_recomputation_around_the_tile_boundaries(
        self,
        client: TestClient,
        reader: dict[str, str],
        log: Callable[[int], list[bytes]],
    ) -> None:
        """0, 1, 255, 256 and 257 entries: every full and partial tile, all levels."""
        assert check_every_tile(client, log(0), reader) == 0
        assert check_every_tile(client, log(1), reader) == 1  # 0/000.p/1
        assert check_every_tile(client, log(255), reader) == 1  # 0/000.p/255
        assert check_every_tile(client, log(256), reader) == 2  # 0/000 and 1/000.p/1
        assert check_every_tile(client, log(257), reader) == 3  # + 0/001.p/1

    @pytest.mark.parametrize(
        ("path", "size_needed"),
        [
            ("/tile/0/000.p/1", 1),
            ("/tile/0/000.p/2", 2),
            ("/tile/0/000", 256),
            ("/tile/0/001.p/1", 257),
            ("/tile/1/000.p/1", 256),
            ("/tile/1/000.p/2", 512),
            ("/tile/2/000.p/1", 65536),
        ],
    )
    def test_a_tile_beyond_the_tree_is_404(
        self, client: TestClient, log, path: str, size_needed: int
    ) -> None:
        log(min(size_needed - 1, 300))
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["cache-control"] == "no-store"  # it may exist later
        size = min(size_needed - 1, 300)
        assert response.json() == {
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
            "detail": f"The log has {size} entries, so {path[1:]} does not exist (yet).",
        }

    def test_a_partial_tile_narrower_than_the_tree_is_its_prefix(
        self, client: TestClient, log
    ) -> None:
        """A client holding an older checkpoint asks for the tile as it was then."""
        leaves = log(300)
        whole = level_hashes(leaves, 0)
        for width in (1, 5, 44, 255):
            response = client.get(f"/tile/0/000.p/{width}")
            assert response.content == b"".join(whole[:width])
            assert response.headers["cache-control"] == PARTIAL
        assert client.get("/tile/0/001.p/3").content == b"".join(whole[256:259])


class TestEntryBundles:
    def test_a_bundle_holds_the_leaves_the_level_0_tile_hashes(
        self, client: TestClient, reader: dict[str, str], log
    ) -> None:
        leaves = log(258)
        full = client.get("/tile/entries/000", headers=reader)
        partial = client.get("/tile/entries/001.p/2", headers=reader)
        assert (full.status_code, full.content) == (200, bundle(leaves[:256]))
        assert (partial.status_code, partial.content) == (200, bundle(leaves[256:]))
        for response in (full, partial):
            assert response.headers["content-type"] == "application/octet-stream"
            assert response.headers["cache-control"] == "private, no-store"
        beyond = client.get("/tile/entries/001.p/3", headers=reader)
        assert beyond.status_code == 404

    def test_an_entry_too_long_for_a_uint16_prefix_is_named(
        self,
        client: TestClient,
        reader: dict[str, str],
        database_url: str,
        signer: LogSigner,
        make_entry,
    ) -> None:
        """tlog-tiles bundles carry entries of up to 65,535 bytes; the tile still
        commits to a longer one, which /v1/entries serves."""
        subjects = [f"hmac-sha256:{n:064x}" for n in range(900)]
        append(database_url, signer, [make_entry(0, subjects=subjects)])
        size = len(stored_leaves(database_url)[0])
        assert size > 65535
        response = client.get("/tile/entries/000.p/1", headers=reader)
        assert response.status_code == 404
        assert response.json()["detail"] == (
            f"tile/entries/000.p/1 cannot be served: its entry 0 is {size} bytes, "
            "more than the 65535 a tlog-tiles entry bundle can carry. Read it at "
            "/v1/entries."
        )
        assert client.get("/tile/0/000.p/1").status_code == 200

    def test_a_bundle_needs_audit_read(
        self, client: TestClient, issuer: TestIssuer, log
    ) -> None:
        log(1)
        missing = client.get("/tile/entries/000.p/1")
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"].startswith("Bearer")
        other = client.get(
            "/tile/entries/000.p/1", headers=issuer.headers(["audit:append"])
        )
        assert other.status_code == 403
        assert other.json()["detail"] == (
            "The token lacks the scope audit:read this endpoint needs."
        )

    def test_hash_tiles_and_the_checkpoint_need_no_token(
        self, client: TestClient, reader: dict[str, str], log
    ) -> None:
        log(3)
        assert client.get("/tile/0/000.p/3").status_code == 200
        response = client.get("/checkpoint")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert response.headers["cache-control"] == "no-cache"
        assert response.text == client.get("/v1/checkpoint", headers=reader).text
        assert response.text.splitlines()[1] == "3"


BAD_PATHS = [
    ("/tile/0/1", "tile index '1' is not zero-padded"),
    ("/tile/0/", "tile index '' is not zero-padded"),
    ("/tile/0/abc", "tile index 'abc' is not zero-padded"),
    ("/tile/0/x000/001", "tile index 'x000/001' is not zero-padded"),
    ("/tile/0/001/002", "tile index '001/002' is not zero-padded"),
    ("/tile/0/x1/002", "tile index 'x1/002' is not zero-padded"),
    ("/tile/0/" + "x001/" * 7 + "000", "tile index 'x001/x001/x001/"),
    ("/tile/00/000", "tile level '00' is not a decimal number"),
    ("/tile/64/000", "tile level '64' is not a decimal number"),
    ("/tile/-1/000", "tile level '-1' is not a decimal number"),
    ("/tile/x/000", "tile level 'x' is not a decimal number"),
    ("/tile/0/000.p/0", "partial tile width '0' is not"),
    ("/tile/0/000.p/256", "partial tile width '256' is not"),
    ("/tile/0/000.p/01", "partial tile width '01' is not"),
    ("/tile/0/000.p/", "partial tile width '' is not"),
    ("/tile/entries/000.p/x", "partial tile width 'x' is not"),
    ("/tile/entries/0", "tile index '0' is not zero-padded"),
]


@pytest.mark.parametrize(("path", "detail"), BAD_PATHS, ids=[p for p, _ in BAD_PATHS])
def test_a_malformed_path_is_a_400_problem(
    client: TestClient, reader: dict[str, str], path: str, detail: str
) -> None:
    response = client.get(path, headers=reader)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body.pop("detail").startswith(detail)
    assert body == {"type": "about:blank", "title": "Bad Request", "status": 400}


@pytest.mark.parametrize(
    "path",
    ["/tile/0/x999/x999/x999/x999/x999/x999/999", "/tile/63/000", "/tile/7/000.p/1"],
)
def test_an_index_far_beyond_any_tree_is_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


# --- a log past the second tile level ----------------------------------------------

BIG = 65537  # a level-0 partial of 1, 256 full level-1 hashes, a level-2 partial of 1


def fill(url: str, signer: LogSigner, entries: list[dict[str, Any]]) -> None:
    """Stores entries as an append does, in batches of 10,000, without the append's
    per-entry validation (a 65,537-entry log in seconds, not a minute)."""
    engine = make_engine(url)
    accumulator, now = MerkleAccumulator(), datetime.now(UTC)
    for start in range(0, len(entries), 10_000):
        rows, nodes = [], []
        for index, entry in enumerate(entries[start : start + 10_000], start):
            leaf = canonicalize(entry)
            hashed = hashlib.sha256(b"\x00" + leaf).digest()
            nodes += accumulator.append(hashed)
            rows.append(
                NewEntry(index, leaf, hashed, entry["event"], entry["decision_id"],
                         datetime.fromisoformat(entry["occurred_at"]),
                         entry["recipient"]["code"], entry["legal_basis"],
                         entry.get("partner_reference"), now)
            )  # fmt: skip
        size, root = accumulator.tree_size, accumulator.root()
        checkpoint = NewCheckpoint(size, root, signer.sign(size, root), now)
        with writing_session(engine) as session:
            SessionAppendStore(session).write(rows, nodes, checkpoint)
            session.commit()
    engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def big_log(
    request: pytest.FixtureRequest,
    database_factory: DatabaseFactory,
    signer: LogSigner,
    make_entry,
) -> tuple[str, list[bytes]]:
    url = database_factory.new(
        str(request.param), "audit-log", lambda new: migrate(new, "samverkan_audit_log")
    )
    # No subjects or legal bases: no look-up rows for the database to derive.
    entries = [make_entry(n, subjects=[], legal_basis=[]) for n in range(BIG)]
    fill(url, signer, entries)
    return url, stored_leaves(url)


@pytest.fixture
def big_client(
    big_log: tuple[str, list[bytes]], tmp_path: Path, issuer: TestIssuer, signer
) -> Iterator[TestClient]:
    settings = AuditLogSettings(data_dir=tmp_path, database_url=big_log[0], demo=True)
    app: FastAPI = create_app(
        settings,
        token_validator=issuer.validator("audit-log"),
        signing_key=signer,
        pseudonym_key=b"audit-log tests pseudonym key, 32+ bytes long",
    )
    with TestClient(app) as client:
        yield client


def test_tiles_of_a_log_of_65537_entries(
    big_client: TestClient, big_log: tuple[str, list[bytes]], reader: dict[str, str]
) -> None:
    """Level 1 full, level 2 partial: every tile the tree has, recomputed."""
    leaves = big_log[1]
    assert len(leaves) == BIG
    paths = [path for path, *_ in expected_tiles(leaves)]
    assert paths[-3:] == ["/tile/0/256.p/1", "/tile/1/000", "/tile/2/000.p/1"]
    assert check_every_tile(big_client, leaves, reader) == 256 + 1 + 1 + 1
    assert big_client.get("/tile/1/001.p/1").status_code == 404
