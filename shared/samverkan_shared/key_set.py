"""The issuer's key set as a resource server caches it: looked up without locks,
refetched at most once per interval, one fetch shared by every request that missed.

A token naming a key id the cache does not hold may be signed with a key the issuer
published since the last fetch, so a miss may refetch the key set. It may also be one
of a flood of forged tokens; therefore:

- a lookup of a key the cache holds never waits for anything (no lock, no I/O);
- at most one fetch starts per ``min_interval`` seconds, and no lock is held while it
  runs; misses while it runs wait for that fetch instead of starting their own;
- a miss within the interval, with no fetch running, is answered at once: the key is
  unknown (or, after a failed fetch, the keys are out of reach).
"""

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, wait
from typing import Any

from authlib.jose import JsonWebKey, Key, KeySet

__all__ = ["KeyFetch", "KeySetCache", "KeySetSource"]

KeySetSource = Callable[[], Mapping[str, Any]]
KeyFetch = Future[None]
"""A fetch of the key set: done when it has ended (whether it found keys or not)."""


class KeySetCache:
    """The last key set fetched from ``source`` and the rules for fetching it again."""

    def __init__(
        self,
        source: KeySetSource,
        *,
        min_interval: float = 1.0,
        wait_timeout: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        on_failure: Callable[[Exception], None] = lambda error: None,
    ) -> None:
        self._source = source
        self._min_interval = min_interval
        self.wait_timeout = wait_timeout
        self._clock = clock
        self._on_failure = on_failure
        self._lock = threading.Lock()  # guards the fields below, never held over I/O
        self._keys: KeySet | None = None
        self._fetched_at = float("-inf")
        self._in_flight: KeyFetch | None = None
        self.unavailable = False
        """Whether the last fetch failed."""

    @property
    def loaded(self) -> bool:
        return self._keys is not None

    def find(self, kid: str | None) -> Key | None:
        """The key with ``kid`` (the only key when ``kid`` is None), if the cache holds it."""
        keys = self._keys
        if keys is None:
            return None
        if kid is None:
            return keys.keys[0] if len(keys.keys) == 1 else None
        return next((key for key in keys.keys if key.kid == kid), None)

    def fetch_due(self) -> bool:
        """Whether a miss now may look at the issuer's key set again: a fetch is
        running (to wait for) or the interval since the last one has passed."""
        return (
            self._in_flight is not None
            or self._clock() - self._fetched_at >= self._min_interval
        )

    def start(self) -> KeyFetch | None:
        """The running fetch, started now on its own thread if the interval has
        passed; None when none runs and none is due. Callers wait for it (bounded by
        ``wait_timeout``) and look the key up again; no caller's thread runs it, so
        no request can abandon a fetch the others wait for."""
        with self._lock:
            if self._in_flight is not None:
                return self._in_flight
            if self._clock() - self._fetched_at < self._min_interval:
                return None
            fetch: KeyFetch = Future()
            fetch.set_running_or_notify_cancel()  # no waiter can cancel it for the others
            self._in_flight = fetch
            self._fetched_at = self._clock()
        threading.Thread(
            target=self._run, args=(fetch,), name="key-set-fetch", daemon=True
        ).start()
        return fetch

    def refresh(self) -> None:
        """Fetch the key set if due, or wait for the fetch already running (bounded:
        past it the caller finds the key missing and answers accordingly)."""
        fetch = self.start()
        if fetch is not None:
            wait([fetch], timeout=self.wait_timeout)

    def _run(self, fetch: KeyFetch) -> None:
        try:
            self._fetch()
        finally:
            with self._lock:
                self._in_flight = None
                # The interval runs from the end of a fetch: a slow issuer is not
                # asked again the moment it has answered.
                self._fetched_at = self._clock()
            fetch.set_result(None)

    def _fetch(self) -> None:
        try:
            document = self._source()
            # Symmetric keys are never trusted: a public key set must not hold a secret.
            keys = [k for k in document.get("keys", []) if k.get("kty") != "oct"]
            keyset = JsonWebKey.import_key_set({"keys": keys})
        except (
            Exception
        ) as error:  # the caller answers 503 if the cached keys fall short
            self.unavailable = True
            self._on_failure(error)
        else:
            self._keys = keyset
            self.unavailable = False
