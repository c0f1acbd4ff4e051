"""DPoP proofs (RFC 9449): the checks of §4.3 on one proof, key thumbprints (RFC 7638)
and the access token hash ``ath``.

Pure: no web, database or network. The caller reads the ``DPoP`` header, gives the
request's method and URI, the time and (where it asks for nonces) a nonce check, and
records the proof's ``jti`` where every process sees it (`samverkan_shared.proof_replay`).
"""

import base64
import binascii
import hashlib
import json
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from authlib.jose import JsonWebKey, JsonWebSignature
from authlib.jose.errors import JoseError

__all__ = [
    "PROOF_ALGORITHMS",
    "PROOF_CLOCK_SKEW_SECONDS",
    "PROOF_MAX_AGE_SECONDS",
    "InvalidProof",
    "NonceNeeded",
    "Proof",
    "ProofSigner",
    "access_token_hash",
    "check_proof",
    "jwk_thumbprint",
    "normalized_uri",
]

# Asymmetric only, and only those FAPI 2.0 (§5.4) allows: never "none", never HMAC.
PROOF_ALGORITHMS = ("ES256", "PS256", "EdDSA")
# A proof is accepted this long after its iat; its jti is remembered as long.
PROOF_MAX_AGE_SECONDS = 60
# ... and this far ahead of the server's clock (the client's clock may run fast).
PROOF_CLOCK_SKEW_SECONDS = 10
# RFC 7518 §6.2-6.3, RFC 8037 §2: members that only a private key has.
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
# RFC 7638 §3.2: the required members of each key type, the thumbprint's input.
_THUMBPRINT_MEMBERS: Mapping[str, tuple[str, ...]] = {
    "EC": ("crv", "kty", "x", "y"),
    "OKP": ("crv", "kty", "x"),
    "RSA": ("e", "kty", "n"),
}
# The key type and curves each algorithm signs with.
_KEY_TYPES: Mapping[str, tuple[str, frozenset[str] | None]] = {
    "ES256": ("EC", frozenset({"P-256"})),
    "EdDSA": ("OKP", frozenset({"Ed25519"})),
    "PS256": ("RSA", None),
}
_MIN_RSA_BYTES = 256  # 2048 bits (FAPI 2.0 §5.4.1)
_DEFAULT_PORTS = {"http": 80, "https": 443}


class InvalidProof(ValueError):
    """The proof fails one check of RFC 9449 §4.3; the message says which."""


class NonceNeeded(InvalidProof):
    """The proof lacks the server's current nonce (``use_dpop_nonce``, §8)."""


@dataclass(frozen=True)
class Proof:
    """A proof that passed every check but the replay check, which is the caller's."""

    jkt: str  # RFC 7638 thumbprint of the key that signed it
    jti: str
    iat: int
    nonce: str | None

    @property
    def remember_until(self) -> int:
        """Until when its jti must be remembered: the last moment it is accepted."""
        return self.iat + PROOF_MAX_AGE_SECONDS


def check_proof(
    proof: str,
    *,
    method: str,
    uri: str,
    now: float,
    access_token: str | None = None,
    nonce_valid: Callable[[str], bool] | None = None,
    algorithms: tuple[str, ...] = PROOF_ALGORITHMS,
    behind_tls_proxy: bool = False,
) -> Proof:
    """The checked proof for a request with ``method`` to ``uri``, else `InvalidProof`.

    ``access_token``: the token presented with it at a resource server (the proof
    must carry its ``ath``). ``nonce_valid``: where the server gives nonces, whether a
    nonce is one of its own and current (`NonceNeeded` if not). ``behind_tls_proxy``:
    an http ``uri`` may have been https for the client (a proxy ended TLS), so
    ``htu`` may name either scheme for the same host, port and path.
    """
    header, claims = _parts(proof)
    algorithm = header.get("alg")
    if header.get("typ") != "dpop+jwt":
        raise InvalidProof("the proof's typ must be dpop+jwt")
    if not isinstance(algorithm, str) or algorithm not in algorithms:
        raise InvalidProof(f"the proof's alg must be one of {' '.join(algorithms)}")
    jwk = _public_jwk(header.get("jwk"), algorithm)
    _verify_signature(proof, jwk, algorithm)
    _check_claims(claims, method=method, uri=uri, now=now, tls=behind_tls_proxy)
    if access_token is not None and claims.get("ath") != access_token_hash(
        access_token
    ):
        raise InvalidProof("the proof's ath is not the hash of the access token")
    nonce = claims.get("nonce")
    if nonce_valid is not None and not (isinstance(nonce, str) and nonce_valid(nonce)):
        raise NonceNeeded("the proof must carry the server's current DPoP-Nonce")
    return Proof(
        jkt=jwk_thumbprint(jwk),
        jti=claims["jti"],
        iat=int(claims["iat"]),
        nonce=nonce if isinstance(nonce, str) else None,
    )


def _parts(proof: str) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """Header and claims, not yet trusted."""
    pieces = proof.split(".")
    if len(pieces) != 3:
        raise InvalidProof("the proof is not a compact JWS")
    try:
        header = json.loads(_b64decode(pieces[0]))
        claims = json.loads(_b64decode(pieces[1]))
    except (ValueError, binascii.Error, RecursionError):  # RecursionError: nesting
        raise InvalidProof("the proof is not a JWT") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise InvalidProof("the proof is not a JWT")
    return header, claims


def _public_jwk(jwk: object, algorithm: str) -> Mapping[str, Any]:
    if not isinstance(jwk, dict):
        raise InvalidProof("the proof's header must carry the public key as jwk")
    if _PRIVATE_MEMBERS & jwk.keys():
        raise InvalidProof("the proof's jwk must be a public key, not a private one")
    kty, curves = _KEY_TYPES[algorithm]
    if jwk.get("kty") != kty or (curves is not None and jwk.get("crv") not in curves):
        raise InvalidProof(f"the proof's jwk is not a key for {algorithm}")
    members = _THUMBPRINT_MEMBERS[kty]
    if not all(isinstance(jwk.get(name), str) for name in members):
        raise InvalidProof(f"the proof's jwk lacks one of {', '.join(members)}")
    if kty == "RSA" and _rsa_bytes(jwk["n"]) < _MIN_RSA_BYTES:
        raise InvalidProof("the proof's RSA key is shorter than 2048 bits")
    return jwk


def _rsa_bytes(modulus: str) -> int:
    try:
        return len(_b64decode(modulus).lstrip(b"\x00"))
    except (ValueError, binascii.Error):
        return 0


def _verify_signature(proof: str, jwk: Mapping[str, Any], algorithm: str) -> None:
    try:
        key = JsonWebKey.import_key(dict(jwk))
        JsonWebSignature([algorithm]).deserialize_compact(proof, key)
    except (JoseError, ValueError, TypeError, binascii.Error):
        raise InvalidProof("the proof's signature does not verify") from None
    except Exception:
        # Fail closed: a key the JOSE library chokes on is a bad proof, not a 500.
        raise InvalidProof("the proof's signature does not verify") from None


def _check_claims(
    claims: Mapping[str, Any], *, method: str, uri: str, now: float, tls: bool
) -> None:
    jti, htm, htu, iat = (claims.get(n) for n in ("jti", "htm", "htu", "iat"))
    if not isinstance(jti, str) or not jti or len(jti) > 256:
        raise InvalidProof("the proof needs a jti (at most 256 characters)")
    if htm != method.upper():
        raise InvalidProof(f"the proof's htm is not {method.upper()}")
    if not isinstance(htu, str) or not _same_uri(htu, uri, tls):
        raise InvalidProof(f"the proof's htu is not {normalized_uri(uri)}")
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        raise InvalidProof("the proof needs an iat")
    if iat < now - PROOF_MAX_AGE_SECONDS:
        raise InvalidProof(
            f"the proof was made more than {PROOF_MAX_AGE_SECONDS} seconds ago"
        )
    if iat > now + PROOF_CLOCK_SKEW_SECONDS:
        raise InvalidProof("the proof's iat lies in the future")


def _same_uri(htu: str, uri: str, tls: bool) -> bool:
    try:
        expected = normalized_uri(uri)
        given = normalized_uri(htu)
    except ValueError:
        return False
    if tls and expected.startswith("http://") and given.startswith("https://"):
        # The default port is the scheme's: compare host, explicit port and path.
        return urlsplit(given)._replace(scheme="http").geturl() == expected
    return given == expected


def normalized_uri(uri: str) -> str:
    """``uri`` without query and fragment, scheme and host in lower case and the
    default port left out (RFC 9449 §4.3 point 9, RFC 3986 §6.2.2-6.2.3)."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    authority = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    return f"{scheme}://{authority}{parts.path or '/'}"


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """The RFC 7638 SHA-256 thumbprint of a public key, base64url (``cnf.jkt``)."""
    members = _THUMBPRINT_MEMBERS.get(str(jwk.get("kty")))
    if members is None:
        raise InvalidProof(f"no thumbprint for key type {jwk.get('kty')!r}")
    document = json.dumps(
        {name: jwk[name] for name in members}, separators=(",", ":"), sort_keys=True
    )
    return _b64encode(hashlib.sha256(document.encode()).digest())


def access_token_hash(access_token: str) -> str:
    """``ath``: base64url of the SHA-256 of the token's ASCII bytes (RFC 9449 §4.2)."""
    return _b64encode(hashlib.sha256(access_token.encode("ascii", "replace")).digest())


class ProofSigner:
    """A client's DPoP key: makes proofs for its requests (RFC 9449 §4.2).

    Made with `generate` the private key lives only in this object's memory: a key
    that was never written anywhere cannot be copied with a token.
    """

    def __init__(self, private_key: Any, algorithm: str = "ES256") -> None:
        self._key = private_key
        self.algorithm = algorithm
        public = private_key.as_dict(is_private=False)
        self.public_jwk: Mapping[str, Any] = {
            name: public[name] for name in _THUMBPRINT_MEMBERS[public["kty"]]
        }
        self.jkt = jwk_thumbprint(self.public_jwk)

    @classmethod
    def generate(cls) -> "ProofSigner":
        """A signer with a fresh P-256 key (ES256)."""
        return cls(JsonWebKey.generate_key("EC", "P-256", is_private=True))

    def proof(
        self,
        method: str,
        uri: str,
        *,
        access_token: str | None = None,
        nonce: str | None = None,
        now: float | None = None,
    ) -> str:
        """A proof for one request: ``htu`` without query and fragment, a fresh jti."""
        claims: dict[str, Any] = {
            "jti": secrets.token_urlsafe(16),
            "htm": method.upper(),
            "htu": normalized_uri(uri),
            "iat": int(time.time() if now is None else now),
        }
        if access_token is not None:
            claims["ath"] = access_token_hash(access_token)
        if nonce is not None:
            claims["nonce"] = nonce
        header = {
            "typ": "dpop+jwt",
            "alg": self.algorithm,
            "jwk": dict(self.public_jwk),
        }
        signed: bytes = JsonWebSignature([self.algorithm]).serialize_compact(
            header, json.dumps(claims, separators=(",", ":")).encode(), self._key
        )
        return signed.decode()


def _b64decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _b64encode(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).rstrip(b"=").decode()
