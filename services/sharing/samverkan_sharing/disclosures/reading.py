"""Reading disclosures: one by id, a page of a list, a recipient's notices.

A partner sees only what it asked for (or, for notices, what was sent to it); officers
see every disclosure of the municipality.
"""

from dataclasses import replace
from datetime import datetime

from sqlmodel import Session

from samverkan_shared.auth import AccessToken
from samverkan_shared.cursors import (
    InvalidCursor,
    Order,
    cursor_kind,
    decode_cursor,
    decode_timestamp,
    encode_cursor,
    invalid_cursor,
)
from samverkan_shared.problems import Conflict, Forbidden, NotFound
from samverkan_sharing.disclosures.models import DisclosureRecord
from samverkan_sharing.disclosures.repository import (
    DisclosureFilter,
    DisclosureRepository,
)
from samverkan_sharing.disclosures.upstream_data import TlogProofFile
from samverkan_sharing.upstream import Upstream

__all__ = ["DisclosureReading", "is_officer"]

_LIST_CURSOR = "disclosures"
_NOTICE_CURSOR = "notices"


class DisclosureReading:
    """The read use cases; mixed into ``Disclosures``, which supplies the session
    and the upstream services."""

    session: Session
    upstream: Upstream

    def get(self, caller: AccessToken, disclosure_id: str) -> DisclosureRecord:
        record = DisclosureRepository(self.session).get(disclosure_id)
        officer = is_officer(caller)
        is_recipient = record is not None and (
            record.requester == caller.client_id
            or (
                record.kind == "notification"
                and record.recipient_code == caller.recipient
            )
        )
        if record is None or not (officer or is_recipient):
            # A partner learns nothing about requests that are not its own.
            raise NotFound(f"There is no disclosure {disclosure_id} for this client.")
        return record

    def receipt(self, caller: AccessToken, disclosure_id: str) -> TlogProofFile:
        """The receipt of the disclosure's latest release, for whoever may read it."""
        record = self.get(caller, disclosure_id)
        if record.receipt is None:
            raise Conflict(
                f"Nothing of disclosure {disclosure_id} has been released yet, so the "
                "audit log holds no entry for it to give a receipt of."
            )
        return self.upstream.audit_log.tlog_proof(int(record.receipt["index"]))

    def page(
        self,
        caller: AccessToken,
        where: DisclosureFilter,
        *,
        order: Order,
        cursor: str | None,
        limit: int,
    ) -> tuple[list[DisclosureRecord], str | None]:
        """One page of the disclosures this caller may see, and the next cursor.

        Officers (``disclosures:assess`` or ``:approve``) see every disclosure of the
        municipality; a partner (``disclosures:request``) only the requests it made.
        """
        if not is_officer(caller):
            if "disclosures:request" not in caller.scopes:
                raise Forbidden(
                    "Listing disclosures needs the scope disclosures:request (your own "
                    "requests) or disclosures:assess / disclosures:approve (all)."
                )
            where = replace(where, requester=caller.client_id)
        return self._page(_LIST_CURSOR, where, order, cursor, limit)

    def notifications(
        self, caller: AccessToken, *, order: Order, cursor: str | None, limit: int
    ) -> tuple[list[DisclosureRecord], str | None]:
        """One page of the notices sent to the caller's recipient, by time."""
        if not caller.recipient:
            raise Forbidden("This client has no registered recipient, so no notices.")
        where = DisclosureFilter(notices_to=caller.recipient)
        return self._page(_NOTICE_CURSOR, where, order, cursor, limit)

    def _page(
        self,
        name: str,
        where: DisclosureFilter,
        order: Order,
        cursor: str | None,
        limit: int,
    ) -> tuple[list[DisclosureRecord], str | None]:
        kind = cursor_kind(name, order)
        after = _list_key(kind, cursor)
        with DisclosureRepository(self.session).reading() as reads:
            records = reads.page(
                where, after, limit + 1, newest_first=order is Order.DESC
            )
        page, more = records[:limit], len(records) > limit
        last = page[-1] if more else None
        return page, (
            encode_cursor(kind, [last.created_at.isoformat(), last.id])
            if last
            else None
        )


def is_officer(caller: AccessToken) -> bool:
    """An officer of the municipality (assesses or approves), not a partner."""
    return bool(caller.scopes & {"disclosures:assess", "disclosures:approve"})


def _list_key(kind: str, cursor: str | None) -> tuple[datetime, str] | None:
    """The (created_at, id) a list cursor continues after; 422 if it is not ours."""
    if cursor is None:
        return None
    try:
        at, disclosure_id = decode_cursor(kind, cursor, 2)
        return decode_timestamp(at), disclosure_id
    except InvalidCursor as error:
        raise invalid_cursor(error) from None
