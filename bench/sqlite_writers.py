"""SQLite writers of one process: the suite's write gate against BEGIN IMMEDIATE alone.

Both engines begin every unit with BEGIN IMMEDIATE, the one thing SQLite needs to stay
correct under concurrent read-then-write units (the shared tests prove it). The
suite's engine (``make_engine``) also queues this process's writers on a lock of its
own; the baseline leaves the waiting to SQLite's busy handler, which polls with
sleeps growing to 100 ms. Each round runs both, in turn, in this process:
``--threads`` writers, each ``--units`` units of one read and one ~600-byte INSERT.

    .venv/bin/python bench/sqlite_writers.py [--threads 16] [--units 150] [--rounds 3]
"""

import argparse
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text

from samverkan_shared.db import make_engine
from samverkan_shared.sessions import writing_session

_BODY = "x" * 600


def _immediate_only(url: str) -> Engine:
    """What the engine would be without the gate: the same PRAGMAs and pool."""
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=40,
        max_overflow=10,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        for pragma in ("foreign_keys=ON", "journal_mode=WAL", "busy_timeout=30000"):
            dbapi_connection.execute(f"PRAGMA {pragma}")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # Every unit of this benchmark writes.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _run(engine: Engine, threads: int, units: int) -> tuple[float, float, float]:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)"))
    latencies: list[float] = []

    def write() -> None:
        for _ in range(units):
            began = time.perf_counter()
            with writing_session(engine) as session:
                session.execute(text("SELECT count(*) FROM t")).scalar_one()
                session.execute(text("INSERT INTO t (body) VALUES (:b)"), {"b": _BODY})
                session.commit()
            latencies.append(time.perf_counter() - began)

    workers = [threading.Thread(target=write) for _ in range(threads)]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    engine.dispose()
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    return len(latencies) / elapsed, p50, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--units", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print("round  engine                    units/s   p50 ms   p99 ms")
    for round_ in range(1, args.rounds + 1):
        for name, build in (
            ("write gate", make_engine),
            ("IMMEDIATE alone", _immediate_only),
        ):
            with tempfile.TemporaryDirectory() as directory:
                url = f"sqlite:///{Path(directory) / 'writers.db'}"
                rate, p50, p99 = _run(build(url), args.threads, args.units)
            print(f"{round_:>5}  {name:<24} {rate:>8.0f} {p50:>8.1f} {p99:>8.1f}")


if __name__ == "__main__":
    main()
