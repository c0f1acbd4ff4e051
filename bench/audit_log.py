"""Audit-log benchmarks, each next to a baseline measured in the same run.

(a) Sustained appends through the API (POST /v1/entries as the ``sharing-service``
    demo client) from 16 concurrent clients, against ``bench/baseline_app.py`` (one
    INSERT per request) on the same backend and with the same concurrency.
(b) Inclusion-proof latency at 1,000 and at ``--entries`` entries. The big log is
    written straight into a fresh database migrated by the service's own migrations:
    leaves in index order, leaf hashes and every completed subtree from
    ``MerkleAccumulator.append`` (exactly what ``append_entry`` stores), and a
    checkpoint signed with the service's key. SQLite keeps every append-only guard on
    (a temporary trigger advances the sequencer after each insert); PostgreSQL is
    filled with COPY under ``session_replication_role = replica`` (the log's own
    triggers are enabled ALWAYS, so they still check and index every row) and the
    sequencer set once. Proofs are timed through the API (a separate
    audit-log process on that database) and through ``proofs.service.prove_inclusion``.
    The "baseline" here is the 1,000-entry log: the target is <= 2x at 1M.
(c) ``samverkan audit verify`` (a subprocess, download included) over the big log, in
    entries/s, against plain SHA-256 of the same leaves in this process.

    .venv/bin/python bench/audit_log.py                      # SQLite, 100,000 entries
    .venv/bin/python bench/audit_log.py --entries 1000000    # the full 1M figure
    .venv/bin/python bench/audit_log.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

import argparse
import asyncio
import hashlib
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
from big_log import Filled, Leaves, entry_document, fill
from common import (
    Databases,
    Stats,
    Tokens,
    Workload,
    baseline_workload,
    drive,
    free_port,
    print_table,
    running_baseline,
    running_suite,
    suite_env,
    temp_dir,
)
from lean_client import LeanClient, LeanResponse
from sqlmodel import Session

from samverkan_audit_log.proofs.service import prove_inclusion
from samverkan_shared.db import make_engine
from samverkan_shared.supervisor import Suite

APPENDS_TARGET = 1000.0
PROOF_RATIO_TARGET = 2.0
PROOF_MS_TARGET = 5.0
VERIFY_TARGET = 50_000.0
SMALL_LOG = 1000


# --- (a) appends -----------------------------------------------------------------


def append_workload(
    suite: Suite, tokens: Tokens, workers: int
) -> tuple[Workload, set[int]]:
    headers = tokens.headers("sharing-service")
    url = f"{suite.url('audit-log')}/v1/entries"
    run = secrets.token_hex(4)
    receipts: set[int] = set()

    async def call(client: LeanClient, sequence: int) -> LeanResponse:
        body = entry_document(f"bench-{run}-{sequence}")
        body["occurred_at"] = datetime.now(UTC).isoformat()
        return await client.post(url, json=body, headers=headers)

    def check(response: LeanResponse) -> None:
        receipts.add(int(response.json()["index"]))

    return Workload(Stats("append (API)"), call, workers, (201,), check), receipts


def tree_size(suite: Suite, tokens: Tokens) -> int:
    response = httpx.get(
        f"{suite.url('audit-log')}/v1/checkpoint", headers=tokens.headers("compliance")
    )
    response.raise_for_status()
    return int(response.text.splitlines()[1])


def measure_appends(
    suite: Suite, tokens: Tokens, databases: Databases, args: argparse.Namespace
) -> list[str]:
    with running_baseline(databases.new("baseline")) as url:
        baseline = baseline_workload(url, args.concurrency)
        asyncio.run(drive([baseline], args.duration, args.max_requests))
    before = tree_size(suite, tokens)
    appends, receipts = append_workload(suite, tokens, args.concurrency)
    asyncio.run(drive([appends], args.duration, args.max_requests))
    grown = tree_size(suite, tokens) - before
    print_table(
        f"(a) appends, {databases.backend}, {args.concurrency} clients, "
        f"{args.duration:.0f}s",
        [baseline.stats, appends.stats],
    )
    rate, base = appends.stats.throughput, baseline.stats.throughput
    verdict = "OK" if rate >= APPENDS_TARGET else "MISSED"
    target = f"target >= {APPENDS_TARGET:.0f}/s on PostgreSQL"
    if databases.backend == "postgresql":
        target += f") {verdict}"
    else:
        target += "; informational on SQLite)"
    print(f"appends: {rate:.0f}/s = {rate / base:.0%} of baseline ({target}")
    problems = []
    if grown != appends.stats.count or len(receipts) != appends.stats.count:
        problems.append(
            f"log grew by {grown}, {appends.stats.count} appends acknowledged, "
            f"{len(receipts)} distinct indexes"
        )
    if appends.stats.errors or baseline.stats.errors:
        problems.append(f"{appends.stats.errors + baseline.stats.errors} errors")
    return problems


# --- (b) proofs and (c) verification -----------------------------------------------


@contextmanager
def audit_log_on(suite: Suite, url: str) -> Iterator[str]:
    """One more audit-log process, on ``url``, trusting the running suite's issuer."""
    extra = Suite(
        data_dir=suite.data_dir,
        ports={"audit-log": free_port()},
        demo=True,
        only=("audit-log",),
        env={
            "AUDIT_DATABASE_URL": url,
            "SAMVERKAN_ISSUER": suite.url("sharing"),
            "SAMVERKAN_SHARING_URL": suite.url("sharing"),
            "SAMVERKAN_TIPS_URL": suite.url("tips"),
            "SAMVERKAN_LOG_LEVEL": "WARNING",
        },
        log_dir=suite.data_dir / "logs-extra",
    )
    try:
        extra.start()
        extra.wait_ready(60)
        yield extra.url("audit-log")
    finally:
        extra.stop()


def time_proofs(
    log: Filled, base_url: str, tokens: Tokens, samples: int
) -> tuple[Stats, Stats]:
    """Inclusion proofs for random leaves: over HTTP (one client) and in-process."""
    indexes = [secrets.randbelow(log.size) for _ in range(samples)]
    api = Stats(f"proof via API, {log.size:,}")
    headers = tokens.headers("compliance")
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
        for index in indexes:
            began = time.perf_counter()
            response = client.get(
                "/v1/proofs/inclusion", params={"index": index, "tree_size": log.size}
            )
            took = time.perf_counter() - began
            if response.status_code == 200 and response.json()["hashes"]:
                api.latencies.append(took)
            else:
                api.error(f"HTTP {response.status_code} {response.text}")
    api.elapsed = sum(api.latencies)
    direct = Stats(f"prove_inclusion(), {log.size:,}")
    engine = make_engine(log.url)
    with Session(engine) as session:
        for index in indexes:
            began = time.perf_counter()
            prove_inclusion(session, index, log.size)
            direct.latencies.append(time.perf_counter() - began)
            session.rollback()
    engine.dispose()
    direct.elapsed = sum(direct.latencies)
    return api, direct


def time_verify(
    suite: Suite, base_url: str, tokens: Tokens, size: int
) -> tuple[float, str]:
    client = tokens.clients["compliance"]
    env = {
        **os.environ,
        **suite.env,
        "SAMVERKAN_CLIENT_ID": client["client_id"],
        "SAMVERKAN_CLIENT_SECRET": client["client_secret"],
    }
    # The bench made this log with the suite's own key: pin that key, as a verifier must.
    log_key = httpx.get(f"{base_url}/v1/log-key", timeout=30).text.strip()
    command = [
        sys.executable, "-m", "samverkan_shared.cli", "audit", "verify",
        "--url", base_url, "--issuer", suite.url("sharing"), "--log-key", log_key,
    ]  # fmt: skip
    began = time.perf_counter()
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    seconds = time.perf_counter() - began
    lines = (done.stdout.strip() or done.stderr.strip() or "no output").splitlines()
    verdict = (
        lines[-1] if done.returncode == 0 else f"exit {done.returncode}: {lines[-1]}"
    )
    return seconds, verdict


def hash_baseline(size: int) -> float:
    """Seconds to SHA-256(0x00 || leaf) the same leaves (generated beforehand)."""
    leaves = Leaves()
    total = 0.0
    for start in range(0, size, 100_000):
        chunk = [leaves(i) for i in range(start, min(size, start + 100_000))]
        began = time.perf_counter()
        for leaf in chunk:
            hashlib.sha256(b"\x00" + leaf).digest()
        total += time.perf_counter() - began
    return total


def measure_proofs_and_verify(
    suite: Suite, tokens: Tokens, databases: Databases, args: argparse.Namespace
) -> list[str]:
    small = fill(databases.new("small"), SMALL_LOG, suite.data_dir)
    big = fill(databases.new("big"), args.entries, suite.data_dir)
    print(
        f"\n(b) filled {big.size:,} entries directly in {big.seconds:.0f}s "
        f"({databases.backend})"
    )
    rows: list[Stats] = []
    with audit_log_on(suite, small.url) as small_url:
        rows += time_proofs(small, small_url, tokens, args.proofs)
    with audit_log_on(suite, big.url) as big_url:
        rows += time_proofs(big, big_url, tokens, args.proofs)
        seconds, verdict = time_verify(suite, big_url, tokens, big.size)
    print_table(f"(b) inclusion proofs, {args.proofs} random leaves each", rows)
    problems = [f"{s.name}: {s.errors} errors" for s in rows if s.errors]
    for kind, (small_stats, big_stats) in (
        ("API", (rows[0], rows[2])),
        ("in-process", (rows[1], rows[3])),
    ):
        ratio = big_stats.percentile(50) / small_stats.percentile(50)
        absolute = big_stats.percentile(50)
        ok = ratio <= PROOF_RATIO_TARGET and absolute <= PROOF_MS_TARGET
        print(
            f"proof ({kind}): p50 {absolute:.2f} ms at {big.size:,} vs "
            f"{small_stats.percentile(50):.2f} ms at {SMALL_LOG:,} = {ratio:.2f}x "
            f"(target <= {PROOF_RATIO_TARGET:.0f}x and <= {PROOF_MS_TARGET:.0f} ms) "
            f"{'OK' if ok else 'MISSED'}"
        )
    hashing = hash_baseline(big.size)
    rate, base = big.size / seconds, big.size / hashing
    print(
        f"\n(c) samverkan audit verify: {big.size:,} entries in {seconds:.1f}s = "
        f"{rate:,.0f} entries/s incl. download; baseline plain SHA-256 of the same "
        f"leaves {base:,.0f}/s (verify = {rate / base:.1%} of it; target >= "
        f"{VERIFY_TARGET:,.0f}/s) {'OK' if rate >= VERIFY_TARGET else 'MISSED'}"
    )
    print(f"    verdict: {verdict}")
    if not verdict.startswith("OK"):
        problems.append(f"verify failed: {verdict}")
    return problems


def run_backend(
    postgres: str | None, workdir: Path, args: argparse.Namespace
) -> list[str]:
    databases = Databases(workdir / ("pg" if postgres else "sqlite"), postgres)
    databases.workdir.mkdir(parents=True, exist_ok=True)
    try:
        env = suite_env(databases)
        with running_suite(databases.workdir / "data", env) as suite:
            tokens = Tokens(suite)
            problems = []
            if "appends" in args.parts:
                problems += measure_appends(suite, tokens, databases, args)
            if "proofs" in args.parts:
                problems += measure_proofs_and_verify(suite, tokens, databases, args)
            return problems
    finally:
        databases.drop_all()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15.0, help="seconds for (a)")
    parser.add_argument("--max-requests", type=int, default=50_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--entries",
        type=int,
        default=100_000,
        help="size of the big log for (b) and (c); the full figure is 1000000",
    )
    parser.add_argument("--proofs", type=int, default=300, help="proofs per log size")
    parser.add_argument(
        "--postgres", metavar="URL", help="also run on fresh databases on this server"
    )
    parser.add_argument(
        "--only-postgres", action="store_true", help="skip the SQLite run"
    )
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=("appends", "proofs"),
        default=["appends", "proofs"],
    )
    args = parser.parse_args(argv)
    backends: list[str | None] = [] if args.only_postgres else [None]
    if args.postgres:
        backends.append(args.postgres)
    problems: list[str] = []
    with temp_dir() as workdir:
        for postgres in backends:
            problems += run_backend(postgres, workdir, args)
    if problems:
        print("\nFAIL: " + "; ".join(problems))
        return 1
    print("\nOK: zero errors, every acknowledged append is in the log, verify passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
