"""All SQL of person accounts."""

from sqlmodel import col, select

from samverkan_shared.sessions import Repository
from samverkan_sharing.people.models import PersonRecord

__all__ = ["PersonRepository"]


class PersonRepository(Repository):
    def add(self, person: PersonRecord) -> None:
        self._session.add(person)

    def get(self, person_id: str) -> PersonRecord | None:
        return self._session.get(PersonRecord, person_id)

    def by_username(self, username: str) -> PersonRecord | None:
        statement = select(PersonRecord).where(PersonRecord.username == username)
        return self._session.exec(statement).first()

    def all(self) -> list[PersonRecord]:
        statement = select(PersonRecord).order_by(col(PersonRecord.username))
        return list(self._session.exec(statement))

    def by_username_for_update(self, username: str) -> PersonRecord | None:
        """The person locked until commit: two sign-ins cannot both use one code."""
        statement = (
            select(PersonRecord)
            .where(PersonRecord.username == username)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self._session.exec(statement).first()
