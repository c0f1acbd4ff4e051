"""Client-side verification of a downloaded log, over plain data (no HTTP here).

What an auditor checks without trusting the server: every leaf is the RFC 8785
canonical JSON of the entry shown with it, every leaf hash is SHA-256(0x00 ‖ leaf)
(RFC 9162 §2.1.1), indexes run from 0 without gaps, the leaves fold to the root of
a checkpoint whose C2SP signed-note signature checks out, and (given an earlier,
trusted checkpoint) the RFC 9162 §2.1.4 consistency proof shows the log only grew,
and (``indexes``) the look-up indexes are exactly what the leaves name.
Each failure raises ``VerificationFailed`` with the index and the check that failed.
"""

import base64
import binascii
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from samverkan_audit_log.checkpoints.signed_note import (
    Checkpoint,
    InvalidCheckpoint,
    NoteVerifier,
    open_signed_checkpoint,
    parse_verifier_key,
)
from samverkan_audit_log.merkle import MerkleAccumulator, leaf_hash, verify_consistency
from samverkan_audit_log.verification.leaves import leaf_of, passing, plain_leaf

__all__ = [
    "LogItem",
    "LogVerifier",
    "Verdict",
    "VerificationFailed",
    "check_consistency",
    "open_checkpoint",
    "parse_item",
    "parse_log_key",
]


class VerificationFailed(Exception):
    """The log, a checkpoint or a proof does not hold; the message says which and why."""


@dataclass(frozen=True)
class LogItem:
    """One downloaded entry: the JSON shown, the leaf bytes and the claimed hash."""

    index: int
    entry: Mapping[str, Any]
    leaf: bytes
    leaf_hash: bytes


@dataclass(frozen=True)
class Verdict:
    entries: int
    root: bytes
    signer: str

    def line(self) -> str:
        root = base64.b64encode(self.root).decode("ascii")
        return f"OK: {self.entries} entries, root {root}, checkpoint signed by {self.signer}"


def parse_log_key(text: str, *, what: str = "log key") -> NoteVerifier:
    try:
        return parse_verifier_key(text.strip())
    except ValueError as error:
        raise VerificationFailed(f"{what}: {error}") from None


def open_checkpoint(note: str, verifier: NoteVerifier, *, what: str) -> Checkpoint:
    """The checkpoint, once its signature by ``verifier`` checks out (C2SP signed-note)."""
    try:
        return open_signed_checkpoint(note, verifier)
    except InvalidCheckpoint as error:
        raise VerificationFailed(
            f"{what}: {error.detail} ({error.reason.replace('_', ' ')})"
        ) from None


def parse_item(raw: Mapping[str, Any], position: int) -> LogItem:
    """Decode one item of a page; ``position`` is where it should sit in the log."""
    try:
        index, entry = raw["index"], raw["entry"]
        leaf = _base64(raw["leaf"])
        hashed = _base64(raw["leaf_hash"])
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise VerificationFailed(
            f"entry {position}: the item lacks index, entry, leaf or leaf_hash, "
            "or they are not well-formed"
        ) from None
    if not isinstance(index, int) or not isinstance(entry, Mapping):
        raise VerificationFailed(f"entry {position}: index or entry has the wrong type")
    return LogItem(index, entry, leaf, hashed)


def _base64(text: object) -> bytes:
    if not isinstance(text, str):
        raise TypeError("not a string")
    return base64.b64decode(text, validate=True)


class LogVerifier:
    """Folds the log's entries, in order, into the root a checkpoint must have."""

    def __init__(self, checkpoint: Checkpoint) -> None:
        self.checkpoint = checkpoint
        self._accumulator = MerkleAccumulator()

    @property
    def verified(self) -> int:
        return self._accumulator.tree_size

    @property
    def complete(self) -> bool:
        return self.verified >= self.checkpoint.tree_size

    def add_all(self, items: Iterable[LogItem]) -> None:
        for item in items:
            self.add(item)

    def add_page(
        self,
        page: Sequence[object],
        *,
        exact: Callable[[], Sequence[object]] | None = None,
    ) -> None:
        """Check a downloaded page of raw items, as ``parse_item`` and ``add`` do.

        The same verdict, found faster: each item is first checked without decoding
        anything (the canonical leaf of its entry, base64-encoded, must be its
        ``leaf`` text; the hash of that leaf, encoded, its ``leaf_hash`` text). The
        first item that does not pass, and every item after it, goes through
        ``parse_item`` and ``add``, which name the index and the check that fails.

        ``page`` is the standard parser's (``json``) reading of the page, unless
        ``exact`` is given: then ``page`` is orjson's reading and ``exact()`` the
        standard parser's. orjson reads integers beyond 64 bits as floats, so on
        its reading only items free of floats pass; from the first item that does
        not, the standard parser's reading is checked as above.
        """
        start = self.verified
        room = max(self.checkpoint.tree_size - start, 0)
        hashes: list[bytes] = []
        if exact is not None:
            hashes = passing(page[:room], start, plain_leaf)
            if len(hashes) == len(page):
                self._accumulator.extend(hashes)
                return
            page = exact()
        hashes += passing(page[len(hashes) : room], start + len(hashes), leaf_of)
        self._accumulator.extend(hashes)
        for position in range(len(hashes), len(page)):
            self.add(parse_item(_mapping(page[position]), start + position))

    def add(self, item: LogItem) -> None:
        """Check one entry; those beyond the checkpoint's size are ignored."""
        if self.complete:
            return
        expected = self.verified
        if item.index != expected:
            raise VerificationFailed(
                f"entry {expected}: missing (the log continues with index {item.index})"
            )
        if leaf_of(item.entry) != item.leaf:
            raise VerificationFailed(f"entry {expected}: leaf does not match its entry")
        if leaf_hash(item.leaf) != item.leaf_hash:
            raise VerificationFailed(
                f"entry {expected}: leaf_hash is not SHA-256(0x00 || leaf)"
            )
        self._accumulator.extend((item.leaf_hash,))

    def finish(self, signer: str) -> Verdict:
        """The verdict once every entry the checkpoint covers has been added."""
        size = self.checkpoint.tree_size
        if self.verified < size:
            raise VerificationFailed(
                f"the log returned {self.verified} entries but the checkpoint covers {size}"
            )
        root = self._accumulator.root()
        if root != self.checkpoint.root_hash:
            expected = base64.b64encode(self.checkpoint.root_hash).decode("ascii")
            actual = base64.b64encode(root).decode("ascii")
            raise VerificationFailed(
                f"root mismatch: the entries fold to {actual}, the checkpoint "
                f"for size {size} says {expected}"
            )
        return Verdict(size, root, signer)


def _mapping(raw: object) -> Mapping[str, Any]:
    # parse_item turns a non-mapping into the "not well-formed" verdict.
    return raw if isinstance(raw, Mapping) else {}


def check_consistency(
    trusted: Checkpoint, current: Checkpoint, proof: Iterable[bytes]
) -> None:
    """RFC 9162 §2.1.4.2: the trusted tree is a prefix of the current one."""
    if trusted.origin != current.origin:
        raise VerificationFailed(
            f"trusted checkpoint: it is for log {trusted.origin!r}, "
            f"not {current.origin!r}"
        )
    if trusted.tree_size > current.tree_size:
        raise VerificationFailed(
            f"trusted checkpoint: it covers {trusted.tree_size} entries but the log "
            f"now has only {current.tree_size}; entries were removed"
        )
    if not verify_consistency(
        trusted.tree_size,
        current.tree_size,
        trusted.root_hash,
        current.root_hash,
        list(proof),
    ):
        raise VerificationFailed(
            f"consistency proof from size {trusted.tree_size} to "
            f"{current.tree_size} does not verify: the log was rewritten"
        )
