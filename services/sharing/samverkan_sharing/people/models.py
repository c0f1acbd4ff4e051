"""The person accounts table."""

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field

from samverkan_shared.db_types import UTCDateTime
from samverkan_sharing.oauth.models import SharingTable

__all__ = ["PersonRecord"]


class PersonRecord(SharingTable, table=True):
    """An official who signs in as a person: an assessor, an approver, a compliance
    officer. The password is kept only as an argon2id hash, the TOTP secret sealed
    with the service's keyring."""

    __tablename__ = "people"

    person_id: str = Field(primary_key=True, max_length=36)
    username: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    org_number: str = Field(max_length=11)
    roles: list[str] = Field(sa_column=Column(JSON, nullable=False))
    password_hash: str = Field(max_length=300)
    totp_secret: str | None = Field(default=None, max_length=300)
    # The last time step a code was accepted for: no code is accepted twice.
    totp_last_step: int | None = None
    failed_attempts: int = 0
    locked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    active: bool = True
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
