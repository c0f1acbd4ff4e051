"""All SQL of the authorization server."""

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from samverkan_shared.sessions import Repository
from samverkan_sharing.oauth.models import (
    ClientRecord,
    RevokedTokenRecord,
    UsedAssertionRecord,
)

__all__ = ["ClientRepository", "RevocationRepository"]


class ClientRepository(Repository):
    def get(self, client_id: str) -> ClientRecord | None:
        return self._session.get(ClientRecord, client_id)

    def all(self) -> list[ClientRecord]:
        statement = select(ClientRecord).order_by(col(ClientRecord.created_at))
        return list(self._session.exec(statement))

    def add(self, client: ClientRecord) -> None:
        self._session.add(client)
        self._session.flush()


class RevocationRepository(Repository):
    def use_assertion(self, client_id: str, jti: str, expires_at: datetime) -> bool:
        """Record an assertion id; False if it was seen before (a replay)."""
        try:
            with self._session.begin_nested():
                self._session.add(
                    UsedAssertionRecord(
                        client_id=client_id, jti=jti, expires_at=expires_at
                    )
                )
        except IntegrityError:
            return False
        return True

    def revoke_token(self, jti: str, client_id: str, expires_at: datetime) -> None:
        if self._session.get(RevokedTokenRecord, jti) is None:
            self._session.add(
                RevokedTokenRecord(jti=jti, client_id=client_id, expires_at=expires_at)
            )

    def revoked_token_ids(self, now: datetime) -> list[str]:
        statement = select(RevokedTokenRecord.jti).where(
            col(RevokedTokenRecord.expires_at) > now
        )
        return list(self._session.exec(statement))

    def revoked_client_ids(self) -> list[str]:
        statement = select(ClientRecord.client_id).where(
            col(ClientRecord.active).is_(False)
        )
        return list(self._session.exec(statement))

    def is_token_revoked(self, jti: str) -> bool:
        return self._session.get(RevokedTokenRecord, jti) is not None
