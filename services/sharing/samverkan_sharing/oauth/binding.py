"""Sender-constrained tokens at the token endpoint: the key of a DPoP proof (RFC 9449)
becomes the token's ``cnf.jkt`` claim, the TLS client certificate the ingress forwards
its ``cnf.x5t#S256`` (RFC 8705 §3).

A token is bound to one thing, never to two: a client registered for
certificate-bound tokens (every client that authenticates by mutual TLS) gets only
those, and a DPoP proof with its request is refused. Any other client must bind its
tokens to a DPoP key when registered ``--dpop required``, and under the FAPI 2.0
profile for every grant (client credentials, a person's code and refresh token).
"""

import base64
import hashlib
import hmac
import struct
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from samverkan_shared.auth import CERTIFICATE_CONFIRMATION
from samverkan_shared.client_certificates import ClientCertificate
from samverkan_shared.dpop import InvalidProof, NonceNeeded, check_proof
from samverkan_shared.proof_replay import ReplayCache
from samverkan_sharing.oauth.errors import OAuthError
from samverkan_sharing.oauth.models import ClientRecord

__all__ = ["NonceSource", "SenderBinding", "TokenRequestProof"]

# A nonce is accepted this long after it was given (RFC 9449 §8: the server decides).
_NONCE_LIFETIME_SECONDS = 120
_NONCE_SKEW_SECONDS = 5
_NONCE_CONTEXT = b"samverkan dpop nonce"


class NonceSource:
    """Server nonces (RFC 9449 §8) that need no storage: the time they were given and
    an HMAC of it under a key every replica derives from the same secret."""

    def __init__(
        self, secret: Callable[[], bytes], *, clock: Callable[[], float] = time.time
    ) -> None:
        self._secret = secret
        self._clock = clock
        self._key: bytes | None = None
        self._lock = threading.Lock()

    def issue(self) -> str:
        stamp = struct.pack(">Q", int(self._clock()))
        return base64.urlsafe_b64encode(stamp + self._mac(stamp)).rstrip(b"=").decode()

    def valid(self, nonce: str) -> bool:
        try:
            raw = base64.urlsafe_b64decode(nonce + "=" * (-len(nonce) % 4))
        except ValueError:
            return False
        if len(raw) != 24:
            return False
        stamp, mac = raw[:8], raw[8:]
        given = struct.unpack(">Q", stamp)[0]
        now = self._clock()
        fresh = now - _NONCE_LIFETIME_SECONDS <= given <= now + _NONCE_SKEW_SECONDS
        return fresh and hmac.compare_digest(mac, self._mac(stamp))

    def _mac(self, stamp: bytes) -> bytes:
        with self._lock:
            if self._key is None:  # read on first use: creating the app does no I/O
                self._key = hmac.new(
                    self._secret(), _NONCE_CONTEXT, hashlib.sha256
                ).digest()
            key = self._key
        return hmac.new(key, stamp, hashlib.sha256).digest()[:16]


@dataclass(frozen=True)
class TokenRequestProof:
    """What a token request carries towards binding: its DPoP header values, and
    the TLS client certificate a trusted ingress forwarded."""

    proofs: tuple[str, ...] = ()
    certificate: ClientCertificate | None = None


class SenderBinding:
    """Checks a token request's proof and answers the ``cnf`` claim of its token."""

    def __init__(
        self,
        *,
        token_endpoint: str,
        replays: ReplayCache,
        nonces: NonceSource | None,
        bind_every_client: bool,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token_endpoint = token_endpoint
        self.nonces = nonces
        self.bind_every_client = bind_every_client
        self._replays = replays
        self._clock = clock

    def confirmation(
        self,
        request: TokenRequestProof,
        client: ClientRecord,
        *,
        connection: Connection,
    ) -> Mapping[str, Any] | None:
        """The token's ``cnf`` (None: a Bearer token), or `OAuthError` saying why
        the request cannot have a token. The proof's jti is recorded on
        ``connection``, in the token request's transaction."""
        if len(request.proofs) > 1:
            raise OAuthError("invalid_dpop_proof", "Send one DPoP header, not several.")
        if client.certificate_bound_tokens:
            return {CERTIFICATE_CONFIRMATION: _certificate_of(request)}
        if request.proofs:
            return {"jkt": self._checked(request.proofs[0], connection)}
        if client.dpop == "required":
            raise OAuthError(
                "invalid_dpop_proof",
                "This client is registered to bind its tokens: send a DPoP proof "
                "(RFC 9449) with the token request.",
            )
        if self.bind_every_client:
            raise OAuthError(
                "invalid_dpop_proof",
                "The FAPI 2.0 profile issues only sender-constrained tokens: send a "
                "DPoP proof (RFC 9449) with the token request, or bind the client's "
                "tokens to its TLS client certificate (RFC 8705).",
            )
        return None

    def proof_key(self, proof: str, uri: str, connection: Connection) -> str:
        """The thumbprint of the key that signed a DPoP proof for a POST to ``uri``
        (the pushed authorization request endpoint binds the code to it, RFC 9449
        §10), or `OAuthError`; its jti is recorded on ``connection``."""
        return self._checked(proof, connection, uri)

    def _checked(
        self, proof: str, connection: Connection, uri: str | None = None
    ) -> str:
        nonces = self.nonces
        try:
            checked = check_proof(
                proof,
                method="POST",
                uri=uri or self.token_endpoint,
                now=self._clock(),
                nonce_valid=nonces.valid if nonces is not None else None,
            )
        except NonceNeeded as error:
            fresh = {"DPoP-Nonce": nonces.issue()} if nonces is not None else None
            raise OAuthError("use_dpop_nonce", f"{error}.", fresh) from None
        except InvalidProof as error:
            raise OAuthError("invalid_dpop_proof", f"{error}.") from None
        if not self._replays.first_use_on(
            connection, checked.jkt, checked.jti, checked.remember_until
        ):
            raise OAuthError(
                "invalid_dpop_proof", "This DPoP proof was used before (jti)."
            )
        return checked.jkt


def _certificate_of(request: TokenRequestProof) -> str:
    """The thumbprint a certificate-bound client's token carries (RFC 8705 §3.1)."""
    if request.proofs:
        raise OAuthError(
            "invalid_request",
            "This client's tokens are bound to its TLS client certificate (RFC 8705): "
            "send no DPoP proof, a token is bound to one key or certificate.",
        )
    if request.certificate is None:
        raise OAuthError(
            "invalid_request",
            "This client is registered for certificate-bound tokens (RFC 8705 §3): "
            "connect over mutual TLS with its certificate.",
        )
    return request.certificate.thumbprint
