"""The add-checkpoint request body of C2SP tlog-witness, parsed (plain Python)."""

import re
from dataclasses import dataclass

from samverkan_shared.merkle_proofs import HASH_SIZE
from samverkan_shared.signed_note import strict_base64

__all__ = ["AddCheckpoint", "MalformedRequest", "parse_add_checkpoint"]

_OLD = re.compile(r"old (0|[1-9][0-9]{0,19})")
_MAX_PROOF_LINES = 63  # tlog-witness: a client MUST NOT send more


class MalformedRequest(ValueError):
    """The body is not ``old <n>``, proof lines, a blank line and a checkpoint."""


@dataclass(frozen=True)
class AddCheckpoint:
    old_size: int
    proof: tuple[bytes, ...]
    note: str  # the signed checkpoint, as sent


def parse_add_checkpoint(body: bytes) -> AddCheckpoint:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedRequest("the body is not UTF-8") from None
    head, separator, note = text.partition("\n\n")
    if not separator or not note:
        raise MalformedRequest("no blank line before the checkpoint")
    lines = head.split("\n")
    old = _OLD.fullmatch(lines[0])
    if old is None or int(old.group(1)) >= 2**64:
        raise MalformedRequest("the first line must be `old <size>`")
    if len(lines) - 1 > _MAX_PROOF_LINES:
        raise MalformedRequest(f"more than {_MAX_PROOF_LINES} consistency proof lines")
    proof = []
    for number, line in enumerate(lines[1:], start=1):
        value = strict_base64(line)
        if value is None or len(value) != HASH_SIZE:
            raise MalformedRequest(f"proof line {number} is not base64 of 32 bytes")
        proof.append(value)
    return AddCheckpoint(int(old.group(1)), tuple(proof), note)
