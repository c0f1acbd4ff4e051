"""One attempt to tell tips of disclosures: ``POST /internal/v1/tip-disclosures`` with
every report a round claimed, each answered on its own."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from samverkan_shared.problems import Problem
from samverkan_sharing.tip_reports.report import TipReport

__all__ = ["Outcome", "TipReportSender"]

_PATH = "/internal/v1/tip-disclosures"


@dataclass(frozen=True)
class Outcome:
    """Tips' answer to one report: the request's status, whether tips said it knows
    no such tip, or why there is no answer (a connection error, no token). Only tips'
    own word ends a report as unknown: a 404 for the whole request (a wrong URL, a
    tips without the route) is retried like any failure."""

    status: int | None = None
    error: str | None = None
    unknown_tip: bool = False

    @property
    def delivered(self) -> bool:
        ok = self.status is not None and 200 <= self.status < 300
        return ok and self.error is None and not self.unknown_tip


class TipReportSender:
    """Posts reports with sharing's own service token (scope ``tips:internal``):
    as the request's ``auth`` when the token is one (it signs each request, DPoP),
    else as a Bearer header."""

    def __init__(
        self, client: httpx.Client, token: Callable[[], str] | httpx.Auth
    ) -> None:
        self._client = client
        self._token = token

    def send(self, reports: Sequence[TipReport]) -> list[Outcome]:
        """One outcome per report, in order: tips' answer to each, or the request's
        status or error for all of them when tips did not answer each."""
        body = {"reports": [{"tip_id": r.tip_id, **r.body} for r in reports]}
        try:
            response = self._client.post(_PATH, json=body, **self._credentials())
        except Problem as error:  # sharing's own client missing or revoked
            return [Outcome(error=f"no service token: {error.detail}")] * len(reports)
        except httpx.HTTPError as error:
            failed = Outcome(error=f"{type(error).__name__}: {error}")
            return [failed] * len(reports)
        answers = _answers(response, len(reports))
        if answers is not None:
            return answers
        status = response.status_code
        # A success that does not say what became of each report delivers none.
        unanswered = "no result per report" if 200 <= status < 300 else None
        return [Outcome(status=status, error=unanswered)] * len(reports)

    def _credentials(self) -> dict[str, Any]:
        if isinstance(self._token, httpx.Auth):
            return {"auth": self._token}
        return {"headers": {"Authorization": f"Bearer {self._token()}"}}


def _answers(response: httpx.Response, count: int) -> list[Outcome] | None:
    """Each report's outcome from a 200 answer that has one per report; else None."""
    if response.status_code != 200:
        return None
    try:
        results = response.json()["results"]
        outcomes = [str(result["outcome"]) for result in results]
    except (ValueError, KeyError, TypeError):
        return None
    if len(outcomes) != count:
        return None
    status = response.status_code
    return [
        Outcome(status=status, unknown_tip=outcome == "unknown_tip")
        for outcome in outcomes
    ]
