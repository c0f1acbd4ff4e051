"""C2SP tlog-witness from the log's side: one add-checkpoint request and its answer."""

import base64
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

__all__ = ["Behind", "Cosigned", "WitnessFailed", "add_checkpoint", "request_body"]

_MAX_ANSWER = 64 * 1024


@dataclass(frozen=True)
class Cosigned:
    """200: the witness's signature lines for the checkpoint."""

    lines: str


@dataclass(frozen=True)
class Behind:
    """409: the witness's latest cosigned size is not the old size sent."""

    size: int


class WitnessFailed(Exception):
    """The witness could not be reached, refused, or answered outside the protocol."""


def request_body(old_size: int, proof: Sequence[bytes], note: str) -> bytes:
    """``old <n>``, the proof hashes in base64, a blank line, the signed checkpoint."""
    lines = [f"old {old_size}", *(base64.b64encode(h).decode("ascii") for h in proof)]
    return ("\n".join(lines) + "\n\n" + note).encode("utf-8")


def add_checkpoint(
    client: httpx.Client, url: str, old_size: int, proof: Sequence[bytes], note: str
) -> Cosigned | Behind:
    try:
        response = client.post(
            f"{url}/add-checkpoint", content=request_body(old_size, proof, note)
        )
    except httpx.HTTPError as error:
        raise WitnessFailed(f"cannot reach {url}: {type(error).__name__}") from error
    text = response.text[:_MAX_ANSWER]
    if response.status_code == 409:
        size = text.strip()
        if response.headers.get("content-type", "").startswith("text/x.tlog.size") and (
            size.isdigit()
        ):
            return Behind(int(size))
        raise WitnessFailed(f"{url}: 409 without a tree size")
    if response.status_code != 200:
        raise WitnessFailed(f"{url} refused with {response.status_code}: {text[:300]}")
    if not text.startswith("\u2014 ") or not text.endswith("\n"):
        raise WitnessFailed(f"{url}: the answer is not note signature lines")
    return Cosigned(text)
