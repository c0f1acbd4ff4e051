"""One attempt to tell tips of a disclosure: ``POST /internal/v1/tips/{id}/disclosures``."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from samverkan_shared.problems import Problem

__all__ = ["Outcome", "TipReportSender"]


@dataclass(frozen=True)
class Outcome:
    """Tips' status, or why there is none (a connection error, no token)."""

    status: int | None = None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def unknown_tip(self) -> bool:
        return self.status == 404


class TipReportSender:
    """Posts a report with sharing's own service token (scope ``tips:internal``):
    as the request's ``auth`` when the token is one (it signs each request, DPoP),
    else as a Bearer header."""

    def __init__(
        self, client: httpx.Client, token: Callable[[], str] | httpx.Auth
    ) -> None:
        self._client = client
        self._token = token

    def send(self, tip_id: str, body: Mapping[str, Any]) -> Outcome:
        path = f"/internal/v1/tips/{quote(tip_id, safe='')}/disclosures"
        try:
            response = self._client.post(path, json=dict(body), **self._credentials())
        except Problem as error:  # sharing's own client missing or revoked
            return Outcome(error=f"no service token: {error.detail}")
        except httpx.HTTPError as error:
            return Outcome(error=f"{type(error).__name__}: {error}")
        response.close()
        return Outcome(status=response.status_code)

    def _credentials(self) -> dict[str, Any]:
        if isinstance(self._token, httpx.Auth):
            return {"auth": self._token}
        return {"headers": {"Authorization": f"Bearer {self._token()}"}}
