"""The logs a witness follows: origin and verifier key, one pair a line of a file.

The file is read again when it changes, so a log is added without a restart.
Lines are ``<origin> <verifier key>``, or the key alone when its name is the
origin (as the audit log's is); blank lines and ``#`` comments are skipped;
an origin may have several keys (a key rotation).
"""

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import structlog

from samverkan_shared.signed_note import NoteVerifier, parse_verifier_key

__all__ = ["FollowedLogs", "InvalidLogsFile", "parse_followed_logs"]

_log = structlog.get_logger("samverkan_witness")


class InvalidLogsFile(ValueError):
    """The logs file has a line that is not ``<origin> <verifier key>``."""


def parse_followed_logs(text: str) -> dict[str, tuple[NoteVerifier, ...]]:
    logs: dict[str, list[NoteVerifier]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        origin, _, key = line.partition(" ")
        try:
            # A line of a key alone follows the origin the key is named after.
            verifier = parse_verifier_key(key.strip() or origin)
        except ValueError as error:
            raise InvalidLogsFile(f"line {number}: {error}") from None
        origin = origin if key.strip() else verifier.name
        logs.setdefault(origin, []).append(verifier)
    return {origin: tuple(keys) for origin, keys in logs.items()}


@dataclass
class _Snapshot:
    stamp: tuple[int, int] | None
    logs: Mapping[str, tuple[NoteVerifier, ...]]


class FollowedLogs:
    """The current contents of the logs file; a missing file follows no log."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._snapshot = _Snapshot(None, {})

    def keys_for(self, origin: str) -> tuple[NoteVerifier, ...] | None:
        """The verifier keys of ``origin``; None if the witness does not follow it."""
        return self._current().get(origin)

    def _current(self) -> Mapping[str, tuple[NoteVerifier, ...]]:
        try:
            status = self.path.stat()
        except FileNotFoundError:
            return {}
        stamp = (status.st_mtime_ns, status.st_size)
        with self._lock:
            if stamp != self._snapshot.stamp:
                self._snapshot = self._read(stamp)
            return self._snapshot.logs

    def _read(self, stamp: tuple[int, int]) -> _Snapshot:
        """The file's logs; a file that cannot be read keeps the logs of the last good
        one (an edit half-saved must not make the witness refuse every log)."""
        try:
            logs = parse_followed_logs(self.path.read_text(encoding="utf-8"))
        except (InvalidLogsFile, OSError, UnicodeDecodeError) as error:
            _log.error("logs_file_invalid", path=str(self.path), detail=str(error))
            return _Snapshot(stamp, self._snapshot.logs)
        return _Snapshot(stamp, logs)
