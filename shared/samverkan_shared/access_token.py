"""The validated caller behind an RFC 9068 access token, as endpoints see it."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CERTIFICATE_CONFIRMATION", "AccessToken"]

# RFC 8705 §3.1: the cnf member naming the TLS client certificate a token is bound to.
CERTIFICATE_CONFIRMATION = "x5t#S256"


@dataclass(frozen=True)
class AccessToken:
    """The validated caller, as the endpoint sees it."""

    client_id: str
    subject: str
    scopes: frozenset[str]
    jti: str
    expires_at: int
    kind: str | None = None
    org_number: str | None = None
    recipient: str | None = None
    name: str | None = None
    municipality_code: str | None = None
    claims: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_person(self) -> bool:
        """Whether a person signed in for this token (OpenID Connect): its subject is
        the person, not the client, as in a client credentials token."""
        return self.subject != self.client_id

    @property
    def jkt(self) -> str | None:
        """The thumbprint of the DPoP key the token is bound to (RFC 9449 §6.1)."""
        return self._confirmation("jkt")

    @property
    def x5t_s256(self) -> str | None:
        """The thumbprint of the TLS client certificate the token is bound to
        (RFC 8705 §3.1)."""
        return self._confirmation(CERTIFICATE_CONFIRMATION)

    def _confirmation(self, method: str) -> str | None:
        confirmation = self.claims.get("cnf")
        if isinstance(confirmation, Mapping):
            value = confirmation.get(method)
            return value if isinstance(value, str) else None
        return None

    @property
    def person_name(self) -> str | None:
        return self.claims.get("name") if self.is_person else None

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> "AccessToken":
        return cls(
            client_id=str(claims["client_id"]),
            subject=str(claims["sub"]),
            scopes=frozenset(str(claims.get("scope", "")).split()),
            jti=str(claims["jti"]),
            expires_at=int(claims["exp"]),
            kind=claims.get("client_kind"),
            org_number=claims.get("org_number"),
            recipient=claims.get("recipient"),
            name=claims.get("client_name"),
            municipality_code=claims.get("municipality_code"),
            claims=dict(claims),
        )
