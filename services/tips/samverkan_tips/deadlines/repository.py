"""The deadlines feature's SQL: policies by organisation, and by agreement via its
owner; no commits."""

from collections.abc import Iterable

from sqlalchemy import select as sa_select

from samverkan_shared.db_types import table_of
from samverkan_shared.sessions import Repository
from samverkan_tips.agreements.models import AgreementRecord
from samverkan_tips.deadlines.models import DeadlinePolicyRecord
from samverkan_tips.deadlines.policy import DeadlinePolicy

__all__ = ["DeadlinePolicyRepository"]

_AGREEMENTS = table_of(AgreementRecord)
_POLICIES = table_of(DeadlinePolicyRecord)


class DeadlinePolicyRepository(Repository):
    def get(self, org_number: str) -> DeadlinePolicyRecord | None:
        return self._session.get(DeadlinePolicyRecord, org_number)

    def save(self, record: DeadlinePolicyRecord) -> None:
        self._session.merge(record)

    def for_agreements(
        self, agreement_ids: Iterable[str]
    ) -> dict[str, DeadlinePolicy | None]:
        """Each existing agreement's owner's policy, None where the owner has none
        (or the agreement has no owner), in one query; unknown agreements are absent."""
        wanted = set(agreement_ids)
        if not wanted:
            return {}
        agreements, policies = _AGREEMENTS.c, _POLICIES.c
        statement = (
            sa_select(
                agreements.id,
                policies.acknowledge_working_days,
                policies.decide_working_days,
            )
            .outerjoin(_POLICIES, policies.org_number == agreements.owner_org_number)
            .where(agreements.id.in_(wanted))
        )
        rows = self._session.connection().execute(statement)
        return {
            agreement_id: None if ack is None else DeadlinePolicy(ack, decide)
            for agreement_id, ack, decide in rows
        }
