"""A DPoP client for tests over real HTTP: its own key, the token endpoint's nonce
(RFC 9449 §8), and a fresh proof on every request."""

from collections.abc import Mapping
from typing import Any

import httpx

from samverkan_shared.dpop import ProofSigner

__all__ = ["DPoPClient"]


class DPoPClient:
    """Gets tokens bound to its key and calls the services with them."""

    def __init__(self, token_url: str, signer: ProofSigner | None = None) -> None:
        self.token_url = token_url
        self.signer = signer or ProofSigner.generate()
        self._nonce: str | None = None

    def token(
        self, form: Mapping[str, str], auth: tuple[str, str] | None = None
    ) -> str:
        """A token bound to this client's key; asks again once for a nonce."""
        for _ in range(2):
            proof = self.signer.proof("POST", self.token_url, nonce=self._nonce)
            response = httpx.post(
                self.token_url, data=dict(form), auth=auth, headers={"DPoP": proof}
            )
            self._nonce = response.headers.get("dpop-nonce", self._nonce)
            if response.status_code != 400 or (
                response.json().get("error") != "use_dpop_nonce"
            ):
                break
        assert response.status_code == 200, response.text
        assert response.json()["token_type"] == "DPoP"
        token: str = response.json()["access_token"]
        return token

    def headers(self, method: str, url: str, token: str) -> dict[str, str]:
        proof = self.signer.proof(method, url, access_token=token)
        return {"Authorization": f"DPoP {token}", "DPoP": proof}

    def request(
        self, method: str, url: str, token: str, **kwargs: Any
    ) -> httpx.Response:
        headers = {**self.headers(method, url, token), **kwargs.pop("headers", {})}
        return httpx.request(method, url, headers=headers, timeout=30, **kwargs)
