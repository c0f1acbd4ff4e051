"""`samverkan audit verify`: check a remote audit log without trusting its server.

The checkpoint is fetched first and only the entries it covers are checked, so
entries appended during the download cannot make a good log look bad. Prints one
line, ``OK: ...`` (exit 0) or ``FAIL: <what failed>`` (exit 1).
"""

import argparse
import gc
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

# The verifier's modules (httpx, cryptography) are imported where the command runs,
# not here: `samverkan` loads this module to add the `audit` parsers for every
# command it runs, and its start-up is part of every verification's time.
if TYPE_CHECKING:
    from samverkan_audit_log.checkpoints.signed_note import Checkpoint, NoteVerifier
    from samverkan_audit_log.verification.log_client import ClientFactory, LogReader
    from samverkan_audit_log.verification.tile_client import TileReader
    from samverkan_audit_log.verification.verifier import Verdict

__all__ = [
    "UNPINNED_WARNING",
    "Progress",
    "add_verify_arguments",
    "main",
    "register",
    "run_verify",
]

DEFAULT_ISSUER = "http://127.0.0.1:8002"
UNPINNED_WARNING = (
    "WARNING: the log key is not pinned (--log-key): it is taken from the server "
    "being checked, so a server whose key was swapped and whose log was re-signed "
    "would pass. Pin the verifier key published for this log.\n"
)


class Progress:
    """A textual progress bar on a terminal; silent when stderr is not one."""

    def __init__(self, total: int, stream: TextIO, width: int = 30) -> None:
        self._total = total
        self._stream = stream
        self._width = width
        self._enabled = stream.isatty() and total > 0
        self._shown = -1

    def update(self, done: int) -> None:
        if not self._enabled:
            return
        percent = min(100, done * 100 // self._total)
        if percent == self._shown:
            return
        self._shown = percent
        filled = self._width * percent // 100
        bar = "#" * filled + "." * (self._width - filled)
        self._stream.write(f"\r[{bar}] {percent:3d}% {done}/{self._total} entries")
        self._stream.flush()

    def close(self) -> None:
        if self._enabled and self._shown >= 0:
            self._stream.write("\n")
            self._stream.flush()


@dataclass(frozen=True)
class _Credentials:
    token: str | None
    client_id: str | None
    client_secret: str | None
    issuer: str


def add_verify_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", required=True, help="the audit-log's base URL")
    parser.add_argument(
        "--via",
        choices=("export", "tiles"),
        default="export",
        help="read the entries from the JSON Lines export (default) or as C2SP "
        "tlog-tiles: /checkpoint, the hash tiles and the entry bundles, each "
        "tile checked against the entries",
    )
    parser.add_argument(
        "--trusted-checkpoint",
        type=Path,
        help="an earlier checkpoint (signed note) the log must be consistent with",
    )
    parser.add_argument(
        "--save-checkpoint", type=Path, help="write the verified checkpoint here"
    )
    parser.add_argument(
        "--log-key",
        help="the pinned note verifier key, as published for this log (without it "
        "the key is fetched from the server being checked: a warning, and no "
        "protection against a swapped key and a re-signed log)",
    )
    parser.add_argument(
        "--trusted-log-key",
        help="the verifier key that signed the trusted checkpoint, when the log's key "
        "was rotated since (default: the same key as the current checkpoint)",
    )
    parser.add_argument(
        "--client-id",
        help="default $SAMVERKAN_CLIENT_ID, else the demo's compliance client "
        "(from demo-clients.json in $SAMVERKAN_DATA_DIR or ./var)",
    )
    parser.add_argument(
        "--client-secret",
        help="default $SAMVERKAN_CLIENT_SECRET, else the client's from demo-clients.json",
    )
    parser.add_argument(
        "--issuer",
        help="token issuer (default $SAMVERKAN_ISSUER, else the issuer in "
        f"demo-clients.json, else {DEFAULT_ISSUER})",
    )


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    audit = commands.add_parser("audit", help="work with the audit log")
    actions = audit.add_subparsers(dest="action", required=True)
    verify = actions.add_parser(
        "verify",
        help="download the log and verify leaves, root, signature and consistency",
        description=__doc__,
    )
    add_verify_arguments(verify)
    verify.set_defaults(handler=run_verify)


def main(
    argv: Sequence[str] | None = None,
    *,
    client_factory: "ClientFactory | None" = None,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
) -> int:
    """`verify` on its own (tests and scripts); the same as `samverkan audit verify`."""
    parser = argparse.ArgumentParser(prog="samverkan audit verify")
    add_verify_arguments(parser)
    args = parser.parse_args(argv)
    return run_verify(args, client_factory=client_factory, stdout=stdout, stderr=stderr)


def run_verify(
    args: argparse.Namespace,
    *,
    client_factory: "ClientFactory | None" = None,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
) -> int:
    import httpx

    from samverkan_audit_log.verification.log_client import FetchFailed, default_client
    from samverkan_audit_log.verification.verifier import VerificationFailed

    if args.trusted_log_key and args.trusted_checkpoint is None:
        stderr.write("error: --trusted-log-key needs --trusted-checkpoint\n")
        return 2
    try:
        verdict = _verify(args, client_factory or default_client, stderr)
    except (VerificationFailed, FetchFailed) as error:
        stdout.write(f"FAIL: {error}\n")
        return 1
    except httpx.HTTPError as error:
        stdout.write(f"FAIL: cannot reach {error.request.url}: {error}\n")
        return 1
    stdout.write(verdict.line() + "\n")
    return 0


def _credentials(args: argparse.Namespace, stderr: TextIO) -> _Credentials:
    """Options, then the environment, then the demo's demo-clients.json (`make run`)."""
    environ = os.environ
    client_id = args.client_id or environ.get("SAMVERKAN_CLIENT_ID")
    client_secret = args.client_secret or environ.get("SAMVERKAN_CLIENT_SECRET")
    issuer = args.issuer or environ.get("SAMVERKAN_ISSUER")
    demo_file = _data_dir(args) / "demo-clients.json"
    demo = _demo_clients(demo_file)
    taken = []
    if issuer is None and demo.issuer is not None:
        issuer, taken = demo.issuer, ["issuer"]
    if client_id is None and client_secret is None and "compliance" in demo.clients:
        client_id, taken = demo.clients["compliance"][0], [*taken, "compliance client"]
    if client_id is not None and client_secret is None:
        client_secret = next(
            (secret for cid, secret in demo.clients.values() if cid == client_id), None
        )
    if taken and not environ.get("SAMVERKAN_ACCESS_TOKEN"):
        stderr.write(f"note: the demo's {' and '.join(taken)} from {demo_file}\n")
    return _Credentials(
        token=environ.get("SAMVERKAN_ACCESS_TOKEN"),
        client_id=client_id,
        client_secret=client_secret,
        issuer=issuer or DEFAULT_ISSUER,
    )


def _data_dir(args: argparse.Namespace) -> Path:
    """`samverkan --data-dir`, else $SAMVERKAN_DATA_DIR, else ./var (as `make run`)."""
    given = getattr(args, "data_dir", None)
    return Path(given or os.environ.get("SAMVERKAN_DATA_DIR") or "var")


@dataclass(frozen=True)
class _DemoClients:
    issuer: str | None
    clients: dict[str, tuple[str, str | None]]  # demo key -> (client id, secret)


def _demo_clients(path: Path) -> _DemoClients:
    """What `make run` wrote to demo-clients.json; nothing if there is no such file."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return _DemoClients(None, {})
    if not isinstance(document, dict):
        return _DemoClients(None, {})
    issuer = document.get("issuer")
    clients = {
        key: (str(entry["client_id"]), entry.get("client_secret"))
        for key, entry in (document.get("clients") or {}).items()
        if isinstance(entry, dict) and "client_id" in entry
    }
    return _DemoClients(issuer if isinstance(issuer, str) else None, clients)


def _token(credentials: _Credentials, client_factory: "ClientFactory") -> str:
    """$SAMVERKAN_ACCESS_TOKEN if set, else one from the client credentials grant."""
    from samverkan_audit_log.verification.log_client import FetchFailed, fetch_token

    if credentials.token:
        return credentials.token
    if not credentials.client_id or not credentials.client_secret:
        raise FetchFailed(
            "no credentials: pass --client-id/--client-secret, set "
            "SAMVERKAN_CLIENT_ID/SAMVERKAN_CLIENT_SECRET, or SAMVERKAN_ACCESS_TOKEN"
        )
    with client_factory(credentials.issuer) as client:
        return fetch_token(client, credentials.client_id, credentials.client_secret)


def _verify(
    args: argparse.Namespace, client_factory: "ClientFactory", stderr: TextIO
) -> "Verdict":
    from samverkan_audit_log.verification.log_client import LogReader
    from samverkan_audit_log.verification.tile_client import TileReader
    from samverkan_audit_log.verification.verifier import open_checkpoint, parse_log_key

    if not args.log_key:
        stderr.write(UNPINNED_WARNING)
    token = _token(_credentials(args, stderr), client_factory)
    with client_factory(args.url) as client:
        reader = LogReader(client, token)
        tiles = TileReader(client, token) if args.via == "tiles" else None
        verifier = parse_log_key(args.log_key or reader.log_key())
        note = reader.checkpoint() if tiles is None else tiles.checkpoint()
        current = open_checkpoint(note, verifier, what="checkpoint")
        if args.trusted_checkpoint is not None:
            # Across a key rotation the earlier checkpoint carries the earlier key's
            # signature; the consistency proof still ties the two trees together.
            earlier = verifier
            if args.trusted_log_key:
                earlier = parse_log_key(args.trusted_log_key, what="trusted log key")
            _check_trusted(args.trusted_checkpoint, current, earlier, reader)
        if tiles is None:
            verdict = _check_entries(reader, current, verifier, stderr)
        else:
            verdict = _check_tiles(tiles, reader, current, verifier.name, stderr)
    if args.save_checkpoint is not None:
        args.save_checkpoint.write_text(note, encoding="utf-8")
    return verdict


def _check_trusted(
    path: Path, current: "Checkpoint", verifier: "NoteVerifier", reader: "LogReader"
) -> None:
    from samverkan_audit_log.verification.verifier import (
        VerificationFailed,
        check_consistency,
        open_checkpoint,
    )

    try:
        note = path.read_text(encoding="utf-8")
    except OSError as error:
        raise VerificationFailed(
            f"trusted checkpoint: cannot read {path}: {error}"
        ) from None
    trusted = open_checkpoint(note, verifier, what="trusted checkpoint")
    proof: list[bytes] = []
    if 0 < trusted.tree_size < current.tree_size:
        proof = reader.consistency(trusted.tree_size, current.tree_size)
    check_consistency(trusted, current, proof)


def _check_entries(
    reader: "LogReader", current: "Checkpoint", verifier: "NoteVerifier", stderr: TextIO
) -> "Verdict":
    from samverkan_audit_log.verification.indexes import IndexCheck
    from samverkan_audit_log.verification.log_client import Prefetch
    from samverkan_audit_log.verification.verifier import LogVerifier

    log = LogVerifier(current)
    progress = Progress(current.tree_size, stderr)
    size = current.tree_size
    batches = Prefetch(reader.batches() if size else iter(()))
    # The look-up indexes arrive beside the entries, in the same order.
    served = Prefetch(reader.indexes(size) if size else iter(()))
    indexes = IndexCheck(served, size)
    try:
        with _without_cycle_collector(), batches, served:
            # The next entries download while these are checked here.
            for batch in batches:
                log.add_page(batch.items, exact=batch.exact)
                indexes.add_page(batch.items)
                progress.update(log.verified)
                if log.complete:
                    break
            verdict = log.finish(verifier.name)
            indexes.finish()
    finally:
        progress.close()
    return verdict


def _check_tiles(
    tiles: "TileReader",
    reader: "LogReader",
    current: "Checkpoint",
    signer: str,
    stderr: TextIO,
) -> "Verdict":
    """As ``_check_entries``, with the entries from the entry bundles, each checked
    against the hash tiles a monitor would read."""
    from samverkan_audit_log.verification.indexes import IndexCheck
    from samverkan_audit_log.verification.log_client import Prefetch
    from samverkan_audit_log.verification.tiled import TiledLogVerifier, bundles_of

    log = TiledLogVerifier(current, tiles.tile)
    progress = Progress(current.tree_size, stderr)
    size = current.tree_size
    served = Prefetch(reader.indexes(size) if size else iter(()))
    indexes = IndexCheck(served, size)
    bundles = tiles.bundles(bundles_of(size))
    try:
        with _without_cycle_collector(), served, closing(bundles):
            for tile, bundle, hashes in bundles:
                indexes.add_page(log.add_bundle(tile, bundle, hashes))
                progress.update(log.verified)
            verdict = log.finish(signer)
            indexes.finish()
    finally:
        progress.close()
    return verdict


@contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """Pause the cyclic garbage collector while entries are parsed and checked.

    A batch of 1,000 entries is some 30,000 fresh, acyclic containers, and a few
    batches are in flight; the collector would scan them again and again (it cost
    as much as the checks). Reference counting frees every batch as before.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
