"""All SQL of the sign-in flow."""

from datetime import datetime

from sqlmodel import select

from samverkan_shared.sessions import Repository
from samverkan_sharing.signin.models import AuthorizationCodeRecord, RefreshTokenRecord

__all__ = ["AuthorizationCodeRepository", "RefreshTokenRepository"]


class AuthorizationCodeRepository(Repository):
    def add(self, code: AuthorizationCodeRecord) -> None:
        self._session.add(code)

    def for_redemption(self, code_hash: str) -> AuthorizationCodeRecord | None:
        """The code locked until commit: two redemptions cannot both succeed."""
        statement = (
            select(AuthorizationCodeRecord)
            .where(AuthorizationCodeRecord.code_hash == code_hash)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self._session.exec(statement).first()


class RefreshTokenRepository(Repository):
    def add(self, token: RefreshTokenRecord) -> None:
        self._session.add(token)

    def for_use(self, token_hash: str) -> RefreshTokenRecord | None:
        """The token locked until commit: two refreshes cannot both rotate it."""
        statement = (
            select(RefreshTokenRecord)
            .where(RefreshTokenRecord.token_hash == token_hash)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self._session.exec(statement).first()

    def revoke_family(self, family_id: str, now: datetime) -> list[RefreshTokenRecord]:
        """Mark every live token of the family revoked; the family's tokens."""
        statement = select(RefreshTokenRecord).where(
            RefreshTokenRecord.family_id == family_id
        )
        family = list(self._session.exec(statement))
        for token in family:
            if token.revoked_at is None:
                token.revoked_at = now
        self._session.flush()
        return family
