"""Token signing keys: generated on first start, rotated without breaking live tokens.

The folder holds one PEM file per key (mode 0600) and `keys.json`, the index that says
which key signs and when the others were retired. A retired key stays in the JWKS until
every token it signed has expired; after that `prune` may delete it.
"""

import json
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from authlib.jose import ECKey, JsonWebKey

from samverkan_shared.keyfiles import write_secret_file

__all__ = ["SigningKey", "SigningKeyStore"]

_ALGORITHM = "ES256"
_INDEX = "keys.json"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    key: ECKey
    created_at: float
    retired_at: float | None

    def public_jwk(self) -> dict[str, Any]:
        public: dict[str, Any] = self.key.as_dict(is_private=False)
        return {**public, "kid": self.kid, "alg": _ALGORITHM, "use": "sig"}


class SigningKeyStore:
    """The authorization server's ES256 keys in a folder of the data directory."""

    algorithm = _ALGORITHM

    def __init__(self, folder: Path, *, token_lifetime: int, create: bool) -> None:
        self._folder = folder
        self._token_lifetime = token_lifetime
        self._create = create
        self._lock = threading.Lock()
        self._keys: list[SigningKey] | None = None
        self._loaded_mtime = 0.0

    def current(self) -> SigningKey:
        keys = self._load()
        return next(k for k in reversed(keys) if k.retired_at is None)

    def jwks(self) -> dict[str, Any]:
        """Public keys that may still have live tokens (RFC 7517 key set)."""
        return {"keys": [k.public_jwk() for k in self._load() if self._published(k)]}

    def _published(self, key: SigningKey, now: float | None = None) -> bool:
        # A minute of slack for clocks and for tokens signed just before retirement.
        horizon = (time.time() if now is None else now) - self._token_lifetime - 60
        return key.retired_at is None or key.retired_at > horizon

    def prune(self, *, now: float | None = None) -> list[str]:
        """Delete the retired keys no live token can name any more; their key ids.

        The index is rewritten first and the PEM files removed after, so a process
        reading the folder meanwhile never finds a listed key without its file.
        """
        with self._lock:
            keys = self._read_or_create()
            moment = time.time() if now is None else now
            kept = [k for k in keys if self._published(k, moment)]
            gone = [k.kid for k in keys if not self._published(k, moment)]
            if gone:
                self._write_index(kept)
                for kid in gone:
                    (self._folder / f"{kid}.pem").unlink(missing_ok=True)
            self._keys = None
        return gone

    def rotate(self) -> SigningKey:
        """A new signing key; the previous one is retired but still published."""
        with self._lock:
            keys = self._read_or_create()
            now = time.time()
            retired = [
                SigningKey(k.kid, k.key, k.created_at, k.retired_at or now)
                for k in keys
            ]
            fresh = self._generate()
            self._write_index([*retired, fresh])
            self._keys = None
        return fresh

    def _load(self) -> list[SigningKey]:
        index = self._folder / _INDEX
        mtime = index.stat().st_mtime if index.exists() else 0.0
        with self._lock:
            # Another process (the CLI, another replica) may have rotated the keys.
            if self._keys is None or mtime != self._loaded_mtime:
                self._keys = self._read_or_create()
                self._loaded_mtime = (index.stat().st_mtime) if index.exists() else 0.0
            return self._keys

    def _read_or_create(self) -> list[SigningKey]:
        index = self._folder / _INDEX
        if not index.exists():
            if not self._create:
                raise FileNotFoundError(
                    f"No token signing keys in {self._folder}: run "
                    "'samverkan keys rotate' once, or start the demo (SAMVERKAN_DEMO=1)."
                )
            first = self._generate()
            self._write_index([first])
            return [first]
        document = json.loads(index.read_text())
        return [self._read_key(entry) for entry in document["keys"]]

    def _read_key(self, entry: dict[str, Any]) -> SigningKey:
        pem = (self._folder / f"{entry['kid']}.pem").read_bytes()
        key = JsonWebKey.import_key(pem, {"kty": "EC"})
        return SigningKey(
            entry["kid"], key, entry["created_at"], entry.get("retired_at")
        )

    def _generate(self) -> SigningKey:
        self._folder.mkdir(parents=True, exist_ok=True)
        key = JsonWebKey.generate_key("EC", "P-256", is_private=True)
        kid = secrets.token_hex(8)
        write_secret_file(self._folder / f"{kid}.pem", key.as_pem(is_private=True))
        return SigningKey(kid, key, time.time(), None)

    def _write_index(self, keys: list[SigningKey]) -> None:
        document = {
            "keys": [
                {"kid": k.kid, "created_at": k.created_at, "retired_at": k.retired_at}
                for k in keys
            ]
        }
        write_secret_file(
            self._folder / _INDEX, json.dumps(document, indent=2).encode()
        )
