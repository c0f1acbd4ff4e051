"""The release protocol: log first, then hand out (fail closed).

A release seals the payload and stores the audit entry with the record
(``pending_audit``), appends the entry to the audit log, then stores the receipt and
marks the record ``released``. Every status change goes through the workflow's
transition table.
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from samverkan_shared.canonical_json import canonicalize
from samverkan_shared.crypto import Keyring
from samverkan_shared.problems import NotFound
from samverkan_sharing.disclosures.audit_entry import audit_entry
from samverkan_sharing.disclosures.labelling import (
    Part,
    payload_digest,
    released_payload,
)
from samverkan_sharing.disclosures.models import DisclosureRecord
from samverkan_sharing.disclosures.records import (
    history_event,
    names_with,
    payload_aad,
    withheld_fields,
)
from samverkan_sharing.disclosures.repository import DisclosureRepository
from samverkan_sharing.disclosures.workflow import DisclosureStatus, transition
from samverkan_sharing.rules import Catalogue
from samverkan_sharing.tip_reports.report import reports_of_release
from samverkan_sharing.upstream import Upstream

__all__ = ["ReleaseProtocol"]


@dataclass
class ReleaseProtocol:
    """Everything a disclosure use case needs, injected, and the release it ends in."""

    session: Session
    upstream: Upstream
    keyring: Keyring
    catalogue: Catalogue
    pseudonym_key: bytes
    today: Callable[[], date] = lambda: datetime.now(UTC).date()
    observe: Callable[[DisclosureRecord], None] = lambda record: None

    def _release(
        self,
        record: DisclosureRecord,
        parts: Sequence[Part],
        *,
        actor: str,
        released: set[str] | None = None,
    ) -> DisclosureRecord:
        # Under the row lock: a concurrent retry may have stored the entry meanwhile.
        record = self._locked(record.id)
        if record.status is DisclosureStatus.PENDING_AUDIT:
            return self._complete(record)
        if record.status not in (DisclosureStatus.DECIDED, DisclosureStatus.ASSESSED):
            return record
        names = (
            released if released is not None else names_with(record.decision, "release")
        )
        if not self._prepare_release(record, parts, names, actor):
            return self._close(record, DisclosureStatus.DENIED, actor)
        self._save(record)
        return self._complete(record)

    def _prepare_release(
        self,
        record: DisclosureRecord,
        parts: Sequence[Part],
        names: set[str],
        actor: str,
    ) -> bool:
        """Seal the payload and write the audit entry into ``record`` (pending_audit).

        False, and ``record`` unchanged, if nothing of ``names`` is in the parts.
        """
        payload = released_payload(parts, names, prefixed=record.tip_id is None)
        if not payload:
            return False
        record.payload_ciphertext = self.keyring.encrypt(
            canonicalize(payload), associated_data=payload_aad(record.id)
        )
        record.payload_sha256 = payload_digest(payload)
        record.audit_entry = audit_entry(
            record, parts, names, actor, self.pseudonym_key
        )
        record.withheld = withheld_fields(
            record.decision, released=names, assessment=record.assessment
        )
        record.status = transition(record.status, DisclosureStatus.PENDING_AUDIT)
        record.history = [*record.history, history_event("audit_pending", actor)]
        return True

    def _complete(self, record: DisclosureRecord) -> DisclosureRecord:
        """Append the stored entry (again, if a first try failed) and mark released,
        with a report to tips for each tip the release was about (the outbox:
        ``tip_reports``; sent later, so the answer never waits on tips)."""
        self._end_transaction()
        entry = record.audit_entry or {}
        receipt = self.upstream.audit_log.append(
            entry, idempotency_key=f"{record.id}:{entry.get('event')}"
        )
        reports = reports_of_release(
            record.id, entry, receipt.index, released_at=datetime.now(UTC)
        )
        DisclosureRepository(self.session).release(
            record,
            reports,
            receipt=receipt.model_dump(),
            status=transition(record.status, DisclosureStatus.RELEASED),
            history=[
                *record.history,
                history_event("released", str(entry.get("actor")), index=receipt.index),
            ],
        )
        self.observe(record)
        return record

    def _close(
        self,
        record: DisclosureRecord,
        status: DisclosureStatus,
        actor: str,
        **data: Any,
    ) -> DisclosureRecord:
        record.status = transition(record.status, status)
        record.history = [*record.history, history_event(status.value, actor, **data)]
        self._save(record)
        self.observe(record)
        return record

    def _save(self, record: DisclosureRecord) -> None:
        record.updated_at = datetime.now(UTC)
        self.session.add(record)
        self.session.commit()

    def _end_transaction(self) -> None:
        """No transaction (or SQLite write lock) is held across a call to another service."""
        self.session.commit()

    def released_data(self, record: DisclosureRecord) -> dict[str, Any]:
        """The payload handed out (decrypted), or nothing before the release."""
        if (
            record.status is not DisclosureStatus.RELEASED
            or record.payload_ciphertext is None
        ):
            return {}
        plain = self.keyring.decrypt(
            record.payload_ciphertext, associated_data=payload_aad(record.id)
        )
        data: dict[str, Any] = json.loads(plain)
        return data

    def _locked(self, disclosure_id: str) -> DisclosureRecord:
        record = DisclosureRepository(self.session).get_for_update(disclosure_id)
        if record is None:
            raise NotFound(f"There is no disclosure {disclosure_id}.")
        return record
