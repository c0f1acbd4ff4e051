"""The proofs' wire contract."""

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ProofHashes"]


class ProofHashes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hashes: list[str] = Field(description="base64 hashes, RFC 9162 §2.1.3 / §2.1.4")
