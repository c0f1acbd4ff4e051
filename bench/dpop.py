"""The cost of DPoP per request beside plain bearer tokens, in the same run.

Starts the suite (demo data), takes one token of the demo client ``malmo`` as Bearer
and one bound to a DPoP key (RFC 9449, through the token endpoint's nonce), then reads
``GET /v1/tips?limit=1`` from tips with each, in alternating rounds of ``--duration``
seconds: bearer, DPoP, bearer, DPoP, ... Each DPoP request carries a fresh proof (made
by the client inside the timed call; its signing cost is printed on its own), which
tips checks and records in its replay table. Prints each kind's median over the rounds
and DPoP as a share of bearer; exits 1 on any error.

    .venv/bin/python bench/dpop.py [--duration 10] [--rounds 2] [--concurrency 8]
                                  [--postgres URL]
"""

import argparse
import asyncio
import sys
import time

import httpx
from common import (
    Databases,
    Stats,
    Tokens,
    Workload,
    drive,
    median,
    print_table,
    running_suite,
    suite_env,
    temp_dir,
)
from lean_client import LeanClient, LeanResponse

from samverkan_shared.dpop import ProofSigner


def _bound_token(token_url: str, client: dict[str, str], signer: ProofSigner) -> str:
    """A token of ``client`` bound to ``signer``: asks once for the nonce, then again."""
    nonce: str | None = None
    for _ in range(2):
        response = httpx.post(
            token_url,
            data={"grant_type": "client_credentials"},
            auth=(client["client_id"], client["client_secret"]),
            headers={"DPoP": signer.proof("POST", token_url, nonce=nonce)},
            timeout=30,
        )
        nonce = response.headers.get("dpop-nonce")
        if response.status_code == 200:
            token: str = response.json()["access_token"]
            return token
    raise RuntimeError(f"no DPoP-bound token: {response.status_code} {response.text}")


def _workloads(
    url: str, bearer: dict[str, str], token: str, signer: ProofSigner, workers: int
) -> tuple[Workload, Workload]:
    async def plain(client: LeanClient, sequence: int) -> LeanResponse:
        return await client.get(url, headers=bearer)

    async def bound(client: LeanClient, sequence: int) -> LeanResponse:
        proof = signer.proof("GET", url, access_token=token)
        headers = {"Authorization": f"DPoP {token}", "DPoP": proof}
        return await client.get(url, headers=headers)

    return (
        Workload(Stats("read, Bearer"), plain, workers),
        Workload(Stats("read, DPoP"), bound, workers),
    )


def _proof_cost(signer: ProofSigner, url: str, token: str, count: int = 2000) -> float:
    """Milliseconds of client CPU to make one proof (part of every DPoP request)."""
    began = time.process_time()
    for _ in range(count):
        signer.proof("GET", url, access_token=token)
    return (time.process_time() - began) / count * 1000


def _measure(args: argparse.Namespace, suite_url: str, tokens: Tokens) -> int:
    url = f"{suite_url}/v1/tips?limit=1"
    signer = ProofSigner.generate()
    token = _bound_token(tokens.token_url, tokens.clients["malmo"], signer)
    bearer = tokens.headers("malmo")
    rounds: dict[str, list[Stats]] = {"read, Bearer": [], "read, DPoP": []}
    for _ in range(args.rounds):
        for workload in _workloads(url, bearer, token, signer, args.concurrency):
            asyncio.run(drive([workload], args.duration, args.max_requests))
            rounds[workload.stats.name].append(workload.stats)
    all_rounds = [stats for kind in rounds.values() for stats in kind]
    print_table("tips, GET /v1/tips?limit=1, rounds in turn", all_rounds)
    _summary(rounds)
    print(f"\nclient: {_proof_cost(signer, url, token):.3f} ms CPU per proof (ES256)")
    errors = sum(stats.errors for stats in all_rounds)
    if errors:
        print(f"FAILED: {errors} error(s)")
        return 1
    return 0


def _summary(rounds: dict[str, list[Stats]]) -> None:
    bearer, dpop = rounds["read, Bearer"], rounds["read, DPoP"]
    rate = (
        median([s.throughput for s in bearer]),
        median([s.throughput for s in dpop]),
    )
    p50 = (
        median([s.percentile(50) for s in bearer]),
        median([s.percentile(50) for s in dpop]),
    )
    print("\nmedian over the rounds    Bearer      DPoP   DPoP/Bearer")
    print(f"{'req/s':<22} {rate[0]:>9.1f} {rate[1]:>9.1f} {rate[1] / rate[0]:>12.0%}")
    print(f"{'p50 ms':<22} {p50[0]:>9.2f} {p50[1]:>9.2f} {p50[1] / p50[0]:>12.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="a PostgreSQL admin URL (default: SQLite)")
    args = parser.parse_args()
    with temp_dir() as workdir:
        databases = Databases(workdir, args.postgres)
        try:
            with running_suite(workdir, suite_env(databases)) as suite:
                code = _measure(args, suite.url("tips"), Tokens(suite))
        finally:
            databases.drop_all()
    sys.exit(code)


if __name__ == "__main__":
    main()
