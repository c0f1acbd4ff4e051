"""The DPoP replay cache: one record per proof in the service's database, shared by its
processes, kept no longer than the proof is accepted; on SQLite and PostgreSQL."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, MetaData, func, select

from samverkan_shared.db import make_engine
from samverkan_shared.proof_replay import REPLAY_TABLE, ReplayCache, replay_table
from tests.support.databases import DatabaseFactory

NOW = 1_800_000_000


class Clock:
    def __init__(self) -> None:
        self.now = float(NOW)

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def engine(backend: str, database_factory: DatabaseFactory) -> Iterator[Engine]:
    engine = make_engine(database_factory.empty(backend))
    replay_table(MetaData()).create(engine)
    yield engine
    engine.dispose()


def _rows(engine: Engine) -> int:
    table = replay_table(MetaData())
    with engine.connect() as connection:
        return int(
            connection.execute(select(func.count()).select_from(table)).scalar_one()
        )


def test_a_proof_is_accepted_once(engine: Engine) -> None:
    cache = ReplayCache(engine, clock=Clock())
    assert cache.first_use("key-a", "jti-1", NOW + 60)
    assert not cache.first_use("key-a", "jti-1", NOW + 60)
    # The same jti from another key is another proof (its key's own).
    assert cache.first_use("key-b", "jti-1", NOW + 60)


def test_another_process_refuses_a_proof_this_one_accepted(engine: Engine) -> None:
    clock = Clock()
    assert ReplayCache(engine, clock=clock).first_use("key", "jti", NOW + 60)
    assert not ReplayCache(engine, clock=clock).first_use("key", "jti", NOW + 60)


def test_of_racing_replays_exactly_one_is_accepted(engine: Engine) -> None:
    caches = [ReplayCache(engine, clock=Clock()) for _ in range(4)]
    with ThreadPoolExecutor(8) as pool:
        results = list(
            pool.map(
                lambda n: caches[n % 4].first_use("key", "raced", NOW + 60), range(16)
            )
        )
    assert results.count(True) == 1


def test_records_are_kept_no_longer_than_the_window(engine: Engine) -> None:
    clock = Clock()
    cache = ReplayCache(engine, clock=clock)
    assert cache.first_use("key", "old", NOW + 60)
    assert cache.first_use("key", "newer", NOW + 120)
    clock.now = NOW + 61
    assert cache.purge() == 1
    assert _rows(engine) == 1
    clock.now = NOW + 200
    # The next proof checked after the purge interval clears what expired.
    assert cache.first_use("key", "latest", NOW + 260)
    assert _rows(engine) == 1


def test_a_record_past_its_window_does_not_refuse_a_new_proof(engine: Engine) -> None:
    clock = Clock()
    cache = ReplayCache(engine, clock=clock)
    assert cache.first_use("key", "reused", NOW + 60)
    other = ReplayCache(engine, clock=clock)
    clock.now = NOW + 61
    other._next_purge = NOW + 1000  # this process has not purged yet
    assert other.first_use("key", "reused", NOW + 121)
    assert not other.first_use("key", "reused", NOW + 121)


def test_the_table_holds_hashes_not_proof_ids(engine: Engine) -> None:
    ReplayCache(engine, clock=Clock()).first_use("key", "a-client-chosen-jti", NOW)
    table = replay_table(MetaData())
    with engine.connect() as connection:
        keys = list(connection.execute(select(table.c.proof_key)).scalars())
    assert len(keys) == 1
    assert len(keys[0]) == 64
    assert "a-client-chosen-jti" not in keys[0]
    assert table.name == REPLAY_TABLE
