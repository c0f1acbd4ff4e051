"""Who acts on tips, from the access token (never from the body): for which
municipality a client files, and whose tips it reads."""

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
    # The tip function (tips:manage) reads every tip; others read their organisation's.
    reads_all: bool = False
    # The municipality the client files for (its token's municipality_code).
    municipality_code: str | None = None

    @classmethod
    def from_token(cls, token: AccessToken) -> "Caller":
        return cls(
            token.client_id,
            token.org_number,
            "tips:manage" in token.scopes,
            token.municipality_code,
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
        """The tips this caller may read, as a filter."""
        if self.reads_all:
            return TipFilter()
        if self.org_number:
            return TipFilter(filed_by_org=self.org_number)
        return TipFilter(filed_by=self.client_id)

    def may_read(self, record: TipRecord) -> bool:
        where = self.restriction()
        if where.filed_by_org is not None:
            return record.filed_by_org == where.filed_by_org
        return where.filed_by is None or record.filed_by == where.filed_by
