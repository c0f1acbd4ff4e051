"""Who acts on tips, from the access token (never from the body): for which
municipality a client files, whose tips it reads and which it manages.

An agreement's owner (a purchasing centre, or a municipality for its own agreements)
manages the tips about suppliers on it and their call-off stops, through its clients
with tips:manage. The organisation that filed a tip reads it, its status and outcome.
Every other tip is hidden: 404, so its existence is not disclosed. A tip a caller may
read but not manage answers 403 to a move.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from samverkan_shared.auth import AccessToken
from samverkan_shared.problems import Forbidden
from samverkan_tips.tips.models import TipRecord
from samverkan_tips.tips.repository import TipFilter
from samverkan_tips.tips.schemas import TipCreate

__all__ = ["Caller"]


@dataclass(frozen=True)
class Caller:
    """Who acts, from the access token (never from the body)."""

    client_id: str
    org_number: str | None = None
    # tips:manage: manages the tips on the agreements its organisation owns.
    manages: bool = False
    # The municipality the client files for (its token's municipality_code).
    municipality_code: str | None = None
    # The person signed in for the client (OpenID Connect), recorded beside it.
    person_id: str | None = None
    person_name: str | None = None

    @classmethod
    def from_token(cls, token: AccessToken) -> "Caller":
        return cls(
            token.client_id,
            token.org_number,
            "tips:manage" in token.scopes,
            token.municipality_code,
            token.subject if token.is_person else None,
            token.person_name,
        )

    def check_reporter(self, body: TipCreate) -> None:
        """A client files tips only in its own municipality's name."""
        filed_for = body.reporter.municipality_code
        if self.municipality_code is None:
            raise Forbidden(
                "This client is registered without a municipality, so it cannot file"
                " tips: register it with --municipality (its kommunkod)."
            )
        if filed_for != self.municipality_code:
            raise Forbidden(
                f"This client files tips for municipality {self.municipality_code};"
                f" reporter.municipality_code {filed_for} is another municipality's."
            )

    def restriction(self) -> TipFilter:
        """The tips this caller may read, as a filter the listing applies in SQL."""
        if self.org_number is None:
            return TipFilter(filed_by=self.client_id)
        if self.manages:
            return TipFilter(filed_by_org=self.org_number, or_owned_by=True)
        return TipFilter(filed_by_org=self.org_number)

    def owns(self, agreement_owner: str | None) -> bool:
        """Whether this caller manages an agreement owned by ``agreement_owner``
        (nobody manages an agreement without an owner)."""
        return (
            self.manages
            and self.org_number is not None
            and agreement_owner == self.org_number
        )

    def may_read(self, record: TipRecord, agreement_owner: str | None) -> bool:
        """``agreement_owner``: the owner of the agreement the tip is about."""
        if self.owns(agreement_owner):
            return True
        if self.org_number is not None:
            return record.filed_by_org == self.org_number
        return record.filed_by == self.client_id

    def check_manages(self, agreement_owner: str | None) -> None:
        """403 unless this caller manages the tip's agreement (after `may_read`)."""
        if not self.owns(agreement_owner):
            raise Forbidden(
                "Only the agreement owner's clients with tips:manage move this tip;"
                " this client's organisation reads it as the one that filed it."
            )

    def check_stops(
        self, supplier: str, agreement_owners: Iterable[str | None]
    ) -> None:
        """A call-off stop or lift: only by an owner of an agreement the supplier is on."""
        if not any(self.owns(owner) for owner in agreement_owners):
            raise Forbidden(
                f"Call-offs from {supplier} are stopped and lifted by the owners of"
                " its agreements; this client's organisation owns none of them."
            )

    def check_agreement_stops(self, agreement_id: str, owner: str | None) -> None:
        """A stop or lift on one agreement: only by that agreement's owner."""
        if not self.owns(owner):
            raise Forbidden(
                f"Call-offs on {agreement_id} are stopped and lifted by its owner;"
                " this client's organisation does not own it."
            )
