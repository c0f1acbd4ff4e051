"""C2SP tlog-proof: an offline-verifiable proof that an entry is in a log.

``c2sp.org/tlog-proof@v1``, an optional ``extra <base64>`` line, ``index <n>``, the
inclusion proof (one base64 hash a line), a blank line, then the checkpoint as a
signed note with its cosignatures. The log writes it; a receipt's holder reads it.
"""

import base64
import re
from dataclasses import dataclass

from samverkan_shared.merkle_proofs import HASH_SIZE
from samverkan_shared.signed_note import strict_base64

__all__ = ["InvalidTlogProof", "TlogProof", "parse_tlog_proof"]

_HEADER = "c2sp.org/tlog-proof@v1"
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,19}")
_MAX_PROOF_LINES = 64  # a tree of at most 2**64 leaves


class InvalidTlogProof(ValueError):
    """A file that is not a well-formed tlog-proof; the message says where."""


@dataclass(frozen=True)
class TlogProof:
    """The parts of a tlog-proof; ``checkpoint`` is the signed note, verbatim."""

    index: int
    proof: tuple[bytes, ...]
    checkpoint: str
    extra: bytes | None = None

    def encode(self) -> str:
        lines = [_HEADER]
        if self.extra is not None:
            lines.append(f"extra {base64.b64encode(self.extra).decode('ascii')}")
        lines.append(f"index {self.index}")
        lines += [base64.b64encode(item).decode("ascii") for item in self.proof]
        return "\n".join(lines) + "\n\n" + self.checkpoint


def parse_tlog_proof(text: str) -> TlogProof:
    """Parse a tlog-proof's text; InvalidTlogProof names the part that is wrong."""
    head, separator, checkpoint = text.partition("\n\n")
    if not separator or not checkpoint:
        raise InvalidTlogProof("no blank line before the checkpoint")
    lines = head.split("\n")
    if lines[0] != _HEADER:
        raise InvalidTlogProof(f"the first line is not {_HEADER}")
    rest = lines[1:]
    extra = None
    if rest and rest[0].startswith("extra "):
        extra = strict_base64(rest[0].removeprefix("extra "))
        if extra is None:
            raise InvalidTlogProof("the extra line is not canonical base64")
        rest = rest[1:]
    if not rest or not rest[0].startswith("index "):
        raise InvalidTlogProof("no index line")
    index_text = rest[0].removeprefix("index ")
    if not _DECIMAL.fullmatch(index_text) or int(index_text) >= 2**64:
        raise InvalidTlogProof(f"index {index_text[:30]!r} is not a decimal uint64")
    return TlogProof(int(index_text), _hashes(rest[1:]), checkpoint, extra)


def _hashes(lines: list[str]) -> tuple[bytes, ...]:
    if len(lines) > _MAX_PROOF_LINES:
        raise InvalidTlogProof(f"more than {_MAX_PROOF_LINES} inclusion proof lines")
    hashes = []
    for number, line in enumerate(lines, start=1):
        value = strict_base64(line)
        if value is None or len(value) != HASH_SIZE:
            raise InvalidTlogProof(
                f"inclusion proof line {number} is not base64 of a 32-byte hash"
            )
        hashes.append(value)
    return tuple(hashes)
