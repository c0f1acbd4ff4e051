"""All SQL of the sign-in flow."""

from sqlmodel import select

from samverkan_shared.sessions import Repository
from samverkan_sharing.signin.models import AuthorizationCodeRecord

__all__ = ["AuthorizationCodeRepository"]


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
