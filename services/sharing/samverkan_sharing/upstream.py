"""Typed clients of the services sharing depends on: tips (the data) and audit-log (the log).

Both carry a token the sharing service mints for itself from its own client record, so the
services it calls check it like any other caller's. The token is bound to a DPoP key
that lives only in this process's memory (RFC 9449), and every call carries a proof.
"""

import threading
import time
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine
from sqlmodel import Session

from samverkan_shared.dpop import ProofSigner
from samverkan_shared.http import send_bound
from samverkan_shared.problems import NotFound, ServiceUnavailable
from samverkan_sharing.disclosures.upstream_data import (
    AuditReceipt,
    Tip,
    TipPage,
    TlogProofFile,
)
from samverkan_sharing.oauth.repository import ClientRepository
from samverkan_sharing.oauth.service import TokenIssuer

__all__ = [
    "WITNESSED_HEADER",
    "AuditLogClient",
    "AuditRefused",
    "ServiceToken",
    "TipsClient",
    "Upstream",
    "UpstreamUnavailable",
]

_RETRY_AFTER = {"Retry-After": "5"}
_Answer = TypeVar("_Answer", bound=BaseModel)


class UpstreamUnavailable(ServiceUnavailable):
    """A service sharing depends on did not answer; nothing was released."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(
            f"The {service} service cannot be reached ({reason}); nothing was released. "
            "Retry with the same Idempotency-Key.",
            headers=_RETRY_AFTER,
        )


class AuditRefused(ServiceUnavailable):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(
            f"The audit log refused the entry ({status}: {detail}); nothing was released.",
            headers=_RETRY_AFTER,
        )


class ServiceToken(httpx.Auth):
    """The sharing service's own access token, renewed a minute before it expires,
    bound to this process's DPoP key; as ``auth=`` of a request it sends the token
    with a fresh proof for that request (``Authorization: DPoP``)."""

    def __init__(
        self,
        issuer: TokenIssuer,
        engine: Engine,
        client_id: str,
        signer: ProofSigner | None = None,
    ) -> None:
        self._issuer = issuer
        self._engine = engine
        self._client_id = client_id
        self._signer = signer or ProofSigner.generate()
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        send_bound(request, self._signer, self())
        yield request

    def __call__(self) -> str:
        with self._lock:
            if self._token is None or time.time() > self._expires_at - 60:
                self._token, self._expires_at = self._mint()
            return self._token

    def _mint(self) -> tuple[str, float]:
        with Session(self._engine) as session:
            client = ClientRepository(session).get(self._client_id)
        if client is None or not client.active:
            raise ServiceUnavailable(
                f"The sharing service's own client {self._client_id!r} is not registered "
                "or revoked (SHARING_SERVICE_CLIENT_ID); it cannot call tips or audit-log.",
                headers=_RETRY_AFTER,
            )
        issued = self._issuer.mint(
            client, sorted(client.scopes), confirmation={"jkt": self._signer.jkt}
        )
        return issued.access_token, float(issued.claims["exp"])


def _parsed(model: type[_Answer], response: httpx.Response, service: str) -> _Answer:
    """The answer as ``model``; a body that is not one is the service failing (503)."""
    try:
        return model.model_validate_json(response.content)
    except ValidationError:
        reason = f"answered with a malformed {model.__name__}"
        raise UpstreamUnavailable(service, reason) from None


def _problem_detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", response.reason_phrase))
    except ValueError:
        return response.reason_phrase


class TipsClient:
    def __init__(self, client: httpx.Client, token: httpx.Auth) -> None:
        self._client = client
        self._token = token

    def _get(
        self, path: str, model: type[_Answer], params: Mapping[str, str] | None = None
    ) -> _Answer:
        try:
            response = self._client.get(path, params=params, auth=self._token)
        except httpx.HTTPError as error:
            raise UpstreamUnavailable("tips", type(error).__name__) from error
        if response.status_code == 404:
            raise NotFound(_problem_detail(response))
        if response.status_code != 200:
            raise UpstreamUnavailable("tips", f"answered {response.status_code}")
        return _parsed(model, response, "tips")

    def tip(self, tip_id: str) -> Tip:
        """One tip with every field labelled by its data category."""
        return self._get(f"/internal/v1/tips/{tip_id}", Tip)

    def reachable(self) -> bool:
        try:
            return self._client.get("/healthz").status_code == 200
        except httpx.HTTPError:
            return False

    def supplier_tips(self, org_number: str) -> list[Tip]:
        items: list[Tip] = []
        cursor: str | None = None
        while True:
            params = {"cursor": cursor} if cursor else None
            path = f"/internal/v1/suppliers/{org_number}/tips"
            page = self._get(path, TipPage, params)
            items.extend(page.items)
            cursor = page.next_cursor
            if not cursor:
                return items


WITNESSED_HEADER = "Samverkan-Witnessed"  # the audit log's: checkpoint witnessed


def _no_receipt(reason: str) -> ServiceUnavailable:
    return ServiceUnavailable(
        f"The audit log cannot give the receipt now ({reason}); the disclosure and "
        "its entry are unchanged. Try again.",
        headers=_RETRY_AFTER,
    )


class AuditLogClient:
    def __init__(self, client: httpx.Client, token: httpx.Auth) -> None:
        self._client = client
        self._token = token

    def append(self, entry: Mapping[str, Any], *, idempotency_key: str) -> AuditReceipt:
        """The receipt of a stored entry; raises unless the log confirms it is stored."""
        headers = {"Idempotency-Key": idempotency_key}
        try:
            response = self._client.post(
                "/v1/entries", json=dict(entry), headers=headers, auth=self._token
            )
        except httpx.HTTPError as error:
            raise UpstreamUnavailable("audit-log", type(error).__name__) from error
        if response.status_code not in (200, 201):
            raise AuditRefused(response.status_code, _problem_detail(response))
        return _parsed(AuditReceipt, response, "audit-log")

    def tlog_proof(self, index: int) -> TlogProofFile:
        """Entry ``index``'s receipt as a C2SP tlog-proof, as the log serves it."""
        try:
            response = self._client.get(
                f"/v1/entries/{index}/tlog-proof", auth=self._token
            )
        except httpx.HTTPError as error:
            raise _no_receipt(type(error).__name__) from error
        if response.status_code != 200:
            raise _no_receipt(f"{response.status_code} {_problem_detail(response)}")
        witnessed = response.headers.get(WITNESSED_HEADER) == "true"
        return TlogProofFile(response.text, witnessed)

    def reachable(self) -> bool:
        try:
            return self._client.get("/healthz").status_code == 200
        except httpx.HTTPError:
            return False


@dataclass(frozen=True)
class Upstream:
    tips: TipsClient
    audit_log: AuditLogClient
