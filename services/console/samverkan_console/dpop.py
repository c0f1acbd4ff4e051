"""The console's DPoP key (RFC 9449): people's tokens are bound to it, and every call
with one carries a fresh proof signed by it.

One key per console process, generated at start and never written anywhere: a token
copied out of the session store, a log or a trace is useless without it. Not one key
per session: every session lives in the same process memory as the key, so whoever
can read one session's key can read them all, and a key per session would protect
nothing more. A restart signs everyone out anyway (the sessions are in memory), so
nothing needs the key after the process.
"""

import threading
from collections.abc import Generator

import httpx

from samverkan_shared.dpop import ProofSigner
from samverkan_shared.http import send_bound

__all__ = ["ConsoleKey", "PersonToken"]


class ConsoleKey:
    """The process's DPoP key and the token endpoint's last nonce (§8)."""

    def __init__(self, signer: ProofSigner | None = None) -> None:
        self.signer = signer or ProofSigner.generate()
        self._lock = threading.Lock()
        self._nonces: dict[str, str] = {}

    @property
    def jkt(self) -> str:
        """The key's RFC 7638 thumbprint: the ``cnf.jkt`` of every person's token."""
        return self.signer.jkt

    @property
    def algorithm(self) -> str:
        return self.signer.algorithm

    def token_request_proof(self, endpoint: str) -> str:
        """A proof for a POST to ``endpoint`` with the last nonce it gave, if any."""
        with self._lock:
            nonce = self._nonces.get(endpoint)
        return self.signer.proof("POST", endpoint, nonce=nonce)

    def answered(self, endpoint: str, response: httpx.Response) -> bool:
        """Keep the nonce ``endpoint`` gave with its answer (§8.2); True when the
        answer refused the proof for want of that nonce (``use_dpop_nonce``), so the
        request is worth sending once more with it."""
        nonce = response.headers.get("DPoP-Nonce")
        if not nonce:
            return False
        with self._lock:
            self._nonces[endpoint] = nonce
        return response.status_code == 400 and _error(response) == "use_dpop_nonce"


class PersonToken(httpx.Auth):
    """``auth=`` of a call with a person's access token: ``Authorization: DPoP`` with a
    proof for exactly the request sent (htm, htu without query, ath), or Bearer when
    the console binds no tokens (``CONSOLE_DPOP=off``).

    The suite's resource servers give no nonces (only its token endpoint does), so a
    call is sent once: a ``use_dpop_nonce`` challenge from them would be a 401 like
    any other, and means signing in again."""

    def __init__(self, access_token: str, key: ConsoleKey | None) -> None:
        self._token = access_token
        self._key = key

    def auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        if self._key is None:
            request.headers["Authorization"] = f"Bearer {self._token}"
        else:
            send_bound(request, self._key.signer, self._token)
        yield request


def _error(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return str(body.get("error")) if isinstance(body, dict) else None
