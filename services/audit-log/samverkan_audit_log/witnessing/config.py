"""The witnesses the log asks to cosign: ``<URL> <cosigner verifier key>`` a line.

The file is read again when it changes, so a witness is added without a restart.
Blank lines and ``#`` comments are skipped.
"""

import threading
from dataclasses import dataclass
from pathlib import Path

from samverkan_shared.cosignature import CosignerKey, parse_cosigner_key

__all__ = [
    "ConfiguredWitness",
    "InvalidWitnessesFile",
    "WitnessList",
    "parse_witnesses",
]


class InvalidWitnessesFile(ValueError):
    """A line of the witnesses file is not ``<URL> <cosigner key>``."""


@dataclass(frozen=True)
class ConfiguredWitness:
    url: str
    key: CosignerKey

    @property
    def name(self) -> str:
        return self.key.name


def parse_witnesses(text: str) -> tuple[ConfiguredWitness, ...]:
    witnesses = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        url, _, key = line.partition(" ")
        if not url.startswith(("http://", "https://")):
            raise InvalidWitnessesFile(f"line {number}: {url[:40]!r} is not a URL")
        try:
            witnesses.append(
                ConfiguredWitness(url.rstrip("/"), parse_cosigner_key(key))
            )
        except ValueError as error:
            raise InvalidWitnessesFile(f"line {number}: {error}") from None
    return tuple(witnesses)


class WitnessList:
    """The witnesses file as it is now; none if there is no file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._witnesses: tuple[ConfiguredWitness, ...] = ()

    def current(self) -> tuple[ConfiguredWitness, ...]:
        """Raises InvalidWitnessesFile for a file that cannot be read as witnesses,
        once; until the file changes again the witnesses read before stay."""
        try:
            status = self.path.stat()
        except FileNotFoundError:
            return ()
        stamp = (status.st_mtime_ns, status.st_size)
        with self._lock:
            if stamp != self._stamp:
                # Marked read either way: a bad file is reported once, not every round.
                self._stamp = stamp
                text = self.path.read_text(encoding="utf-8")
                self._witnesses = parse_witnesses(text)
            return self._witnesses
