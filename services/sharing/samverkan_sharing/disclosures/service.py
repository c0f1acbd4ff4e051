"""Use cases: request, notify, assess, approve, read. Fail closed: nothing is released
unless its audit entry is stored first (the release itself: ``release.py``).

The protocol, with its commits: store the decision (status `pending_audit` or
`awaiting_assessment`) → append the audit entry (idempotent per decision) → store the
receipt and mark `released` → answer. A crash or a 503 anywhere before the last commit
leaves a record that releases nothing; the retry (same Idempotency-Key, or the same
approval) appends the very same entry, which the audit log recognises. The statuses
and their moves are ``workflow.py``'s table.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from samverkan_shared.auth import AccessToken
from samverkan_shared.problems import (
    Conflict,
    Forbidden,
    NotFound,
    UnprocessableContent,
)
from samverkan_sharing.disclosures.labelling import (
    Part,
    UnknownFields,
    build_parts,
    check_query,
    decide,
    stored_part,
)
from samverkan_sharing.disclosures.models import DisclosureRecord
from samverkan_sharing.disclosures.reading import DisclosureReading
from samverkan_sharing.disclosures.records import (
    ASSESSMENT_DAYS,
    Recipient,
    body_fingerprint,
    history_event,
    names_with,
    new_record,
)
from samverkan_sharing.disclosures.release import ReleaseProtocol
from samverkan_sharing.disclosures.repository import (
    DisclosureRepository,
)
from samverkan_sharing.disclosures.schemas import (
    ApprovalDecision,
    DisclosureRequest,
    NotificationCreate,
    Proposal,
)
from samverkan_sharing.disclosures.workflow import (
    DisclosureStatus,
    IllegalTransition,
    transition,
)
from samverkan_sharing.rules import InvalidQuery
from samverkan_sharing.rules.problems import invalid_query

__all__ = ["ASSESSMENT_DAYS", "Disclosures", "Recipient"]


@dataclass
class Disclosures(ReleaseProtocol, DisclosureReading):
    """The use cases: request, notify, read, assess, approve."""

    # -- requests and notices -------------------------------------------------------------

    def request(
        self, caller: AccessToken, body: DisclosureRequest, key: str | None
    ) -> DisclosureRecord:
        if not caller.recipient or not caller.org_number:
            raise Forbidden(
                "This client has no registered recipient; it cannot ask for data."
            )
        recipient = Recipient(
            caller.recipient, caller.org_number, caller.name or caller.client_id
        )
        return self._open(caller, body, key, recipient, kind="request")

    def notify(
        self, caller: AccessToken, body: NotificationCreate, key: str | None
    ) -> DisclosureRecord:
        with DisclosureRepository(self.session).reading() as reads:
            client = reads.recipient_client(body.recipient.value)
        if client is None:
            raise UnprocessableContent(
                f"No active client is registered for {body.recipient.value}; the notice "
                "could not be delivered. Register one with 'samverkan clients add'.",
                errors=[{"pointer": "#/recipient", "detail": "no registered client"}],
            )
        recipient = Recipient(body.recipient.value, client.org_number, client.name)
        return self._open(caller, body, key, recipient, kind="notification")

    def _open(
        self,
        caller: AccessToken,
        body: DisclosureRequest | NotificationCreate,
        key: str | None,
        recipient: Recipient,
        *,
        kind: str,
    ) -> DisclosureRecord:
        fingerprint = body_fingerprint(body)
        earlier = None
        if key is not None:
            with DisclosureRepository(self.session).reading() as reads:
                earlier = reads.by_idempotency_key(caller.client_id, key)
            if earlier is not None:
                record = self._replay(earlier, fingerprint)
                if record.status is not DisclosureStatus.DECIDED:
                    return record
        parts = self._parts(body, recipient.code, kind)
        if earlier is None:
            record = self._store_decision(
                caller, body, key, fingerprint, recipient, parts, kind
            )
        if record.status is DisclosureStatus.PENDING_AUDIT and earlier is None:
            return self._complete(record)
        if record.status is DisclosureStatus.DECIDED:
            return self._release(record, parts, actor=caller.client_id)
        return record

    def _replay(self, record: DisclosureRecord, fingerprint: str) -> DisclosureRecord:
        if record.fingerprint != fingerprint:
            raise UnprocessableContent(
                "This Idempotency-Key was used with another request body; use a new key.",
                errors=[
                    {
                        "parameter": "Idempotency-Key",
                        "detail": "reused with another body",
                    }
                ],
            )
        if record.status is DisclosureStatus.PENDING_AUDIT:
            return self._complete(record)
        return record

    def _parts(
        self, body: DisclosureRequest | NotificationCreate, recipient: str, kind: str
    ) -> list[Part]:
        base = {
            "as_of": self.today().isoformat(),
            "recipient": recipient,
            "recipient_activity": None,
            "initiative": "request" if kind == "request" else "own_initiative",
            "purpose": body.purpose.model_dump(mode="json", exclude_none=True),
            "victim_under_18": body.victim_under_18,
            "subject_age": body.subject_age,
            "requested_basis": body.requested_basis,
        }
        try:
            check_query(base)  # a query the engine cannot read: 422, no tip fetched
        except InvalidQuery as error:
            raise invalid_query(error) from None
        self._end_transaction()
        if body.tip_id is not None:
            tips = [self.upstream.tips.tip(str(body.tip_id))]
        else:
            tips = self.upstream.tips.supplier_tips(body.supplier_org_number or "")
            if not tips:
                raise NotFound(f"There are no tips about {body.supplier_org_number}.")
        try:
            return build_parts(
                tips, wanted=body.fields, base_query=base, prefixed=body.tip_id is None
            )
        except UnknownFields as error:
            raise UnprocessableContent(
                f"{error}.", errors=[{"pointer": "#/fields", "detail": str(error)}]
            ) from None

    def _store_decision(
        self,
        caller: AccessToken,
        body: DisclosureRequest | NotificationCreate,
        key: str | None,
        fingerprint: str,
        recipient: Recipient,
        parts: Sequence[Part],
        kind: str,
    ) -> DisclosureRecord:
        try:
            decision = decide(parts, self.catalogue, self.today())
        except InvalidQuery as error:  # nothing stored, nothing sent
            raise invalid_query(error) from None
        record = new_record(
            body,
            kind=kind,
            requester=caller.client_id,
            key=key,
            fingerprint=fingerprint,
            recipient=recipient,
            parts=parts,
            decision=decision,
        )
        if record.status is DisclosureStatus.DECIDED:
            # Released at once: the entry is stored with the decision, in one
            # transaction (pending_audit), instead of a second one under a row lock.
            names = names_with(decision, "release")
            self._prepare_release(record, parts, names, caller.client_id)
        try:
            DisclosureRepository(self.session).insert(record)
        except IntegrityError:
            # A concurrent retry with the same key won; answer as it does.
            with DisclosureRepository(self.session).reading() as reads:
                earlier = reads.by_idempotency_key(caller.client_id, key or "")
            if earlier is None:
                raise
            return self._replay(earlier, fingerprint)
        return record

    # -- four eyes -------------------------------------------------------------------------

    def assess(
        self,
        caller: AccessToken,
        disclosure_id: str,
        text: str,
        proposals: Sequence[Proposal],
    ) -> DisclosureRecord:
        record = self._locked(disclosure_id)
        try:
            assessed = transition(record.status, DisclosureStatus.ASSESSED)
        except IllegalTransition:
            raise Conflict(
                f"The disclosure is {record.status}; only one awaiting assessment can be assessed.",
                status_now=record.status.value,
            ) from None
        held = names_with(record.decision, "needs_assessment")
        proposed = {p.field for p in proposals}
        stray = sorted(proposed - held)
        if stray:
            raise UnprocessableContent(
                f"Proposals name fields that do not need an assessment: {', '.join(stray)}; "
                f"held fields: {', '.join(sorted(held))}.",
                errors=[
                    {"pointer": "#/proposals", "detail": "unknown or not held fields"}
                ],
            )
        record.assessment = {
            "assessor": caller.subject,
            "assessor_name": caller.person_name,
            "assessment": text,
            "proposals": [p.model_dump() for p in proposals],
            "at": datetime.now(UTC).isoformat(),
        }
        record.status = assessed
        record.history = [
            *record.history,
            history_event("assessed", caller.subject, **_person(caller)),
        ]
        self._save(record)
        return record

    def approve(
        self,
        caller: AccessToken,
        disclosure_id: str,
        decision: ApprovalDecision,
        reason: str,
    ) -> DisclosureRecord:
        # The data is fetched before the row is locked: no lock waits on another service.
        parts = self._parts_for_approval(disclosure_id) if decision == "approve" else []
        record = self._locked(disclosure_id)
        if (
            record.status is DisclosureStatus.PENDING_AUDIT
            and record.approval is not None
        ):
            return self._complete(record)  # a retried approval after a 503
        assessment = _decidable_by(record, caller)
        record.approval = {
            "approver": caller.subject,
            "approver_name": caller.person_name,
            "decision": decision,
            "reason": reason,
            "at": datetime.now(UTC).isoformat(),
        }
        if decision == "deny":
            return self._close(
                record,
                DisclosureStatus.DENIED,
                caller.subject,
                reason=reason,
                **_person(caller),
            )
        released = names_with(record.decision, "release") | {
            p["field"]
            for p in assessment.get("proposals", [])
            if p["decision"] == "release"
        }
        record.history = [
            *record.history,
            history_event("approved", caller.subject, reason=reason, **_person(caller)),
        ]
        return self._release(record, parts, actor=caller.subject, released=released)

    def _parts_for_approval(self, disclosure_id: str) -> list[Part]:
        record = DisclosureRepository(self.session).get(disclosure_id)
        if record is None or record.status is not DisclosureStatus.ASSESSED:
            return []
        return self._parts_again(record)

    def _parts_again(self, record: DisclosureRecord) -> list[Part]:
        """The approved fields, fetched again from tips: nothing unreleased is kept here."""
        self._end_transaction()
        return [
            stored_part(stored, self.upstream.tips.tip(stored["tip_id"]))
            for stored in record.query["parts"]
        ]


def _person(caller: AccessToken) -> dict[str, str | None]:
    """Who decided, for the history: the person's name, their organisation (the
    holder's, checked before) and the client (a console, a case system) they signed
    in through; the person's id is the event's actor."""
    return {
        "name": caller.person_name,
        "org_number": caller.org_number,
        "client_id": caller.client_id,
    }


def _decidable_by(record: DisclosureRecord, caller: AccessToken) -> dict[str, Any]:
    """The record's assessment, if ``caller`` may decide on it: the disclosure is
    assessed, and the caller is not the person who assessed it (four eyes)."""
    if record.status is not DisclosureStatus.ASSESSED:
        raise Conflict(
            f"The disclosure is {record.status}; only an assessed one can be decided.",
            status_now=record.status.value,
        )
    assessment = record.assessment or {}
    if assessment.get("assessor") == caller.subject:
        raise Forbidden(
            "The officer who wrote the assessment cannot approve it: a different "
            "officer must decide (four eyes)."
        )
    return assessment
