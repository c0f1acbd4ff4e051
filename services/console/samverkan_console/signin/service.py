"""The console as an OpenID Connect relying party of any provider (Core 1.0 §3.1).

Authorization code flow with PKCE S256 (RFC 7636), ``state`` and ``nonce``, the
answer's ``iss`` checked (RFC 9207), the code redeemed with the client's secret
(client_secret_basic), the ID token's signature and claims verified (Core §3.1.3.7);
refresh tokens used once each (rotation), and revoked at sign-out (RFC 7009). With the
console's DPoP key every token request carries a proof and the access tokens must come
back bound to it (RFC 9449, ``token_type: DPoP``).
"""

import hmac
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.jose import JsonWebKey, JsonWebToken
from authlib.jose.errors import JoseError

from samverkan_console.dpop import ConsoleKey
from samverkan_console.sessions.store import PendingSignIn, Person, Tokens
from samverkan_console.settings import MissingClient
from samverkan_shared.oauth_client import (
    ASSERTION_TYPE,
    client_assertion,
    pkce_challenge,
)

__all__ = ["DPoPUnsupported", "OpenIdProvider", "ProviderUnreachable", "SignInFailed"]

# Asymmetric only, as the suite's own validator: never "none", never HMAC.
_ALGORITHMS = ["ES256", "EdDSA", "RS256", "PS256"]
_LEEWAY = 30
_METADATA_TTL = 3600.0


class SignInFailed(Exception):
    """The provider's answer cannot sign anyone in; the message says why (Swedish)."""


class ProviderUnreachable(Exception):
    """The provider did not answer (an outage: the page says to try again)."""


class DPoPUnsupported(Exception):
    """The console binds tokens (CONSOLE_DPOP=required) and the provider does not
    say it can: no sign-in starts (the message is for whoever runs the console)."""


@dataclass(frozen=True)
class Client:
    """The console's registration: a secret (client_secret_basic) or a private key
    (private_key_jwt, RFC 7523 §2.2)."""

    client_id: str
    secret: str | None
    redirect_uri: str
    scopes: str
    key: Any = None  # an authlib key; when set, no secret is ever sent


class OpenIdProvider:
    """One provider, its metadata and keys fetched when first needed and cached."""

    def __init__(
        self,
        issuer: str,
        client: Client | MissingClient,
        http: httpx.Client,
        dpop: ConsoleKey | None = None,
    ) -> None:
        self.issuer = issuer
        self._client = client
        self._http = http
        self.dpop = dpop  # None: Bearer tokens (CONSOLE_DPOP=off)
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._fetched = 0.0

    @property
    def client(self) -> Client:
        """The console's registration; raises MissingClient when it has none, so a
        console started before its registration says so instead of failing to start."""
        if isinstance(self._client, MissingClient):
            raise self._client
        return self._client

    # -- the redirect to the provider ------------------------------------------

    def authorization_url(self, pending: PendingSignIn) -> str:
        """Where the browser signs in; raises DPoPUnsupported before sending anyone
        to a provider whose tokens the console could not accept."""
        metadata = self.metadata()
        client = self.client  # a missing registration is said first
        self._check_dpop_support(metadata)
        query = {
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": client.redirect_uri,
            "scope": client.scopes,
            "state": pending.state,
            "nonce": pending.nonce,
            "code_challenge": pkce_challenge(pending.verifier),
            "code_challenge_method": "S256",
        }
        if self.dpop is not None:
            # RFC 9449 §10: the code too is the key's; a provider that does not bind
            # codes ignores the parameter (RFC 6749 §3.1).
            query["dpop_jkt"] = self.dpop.jkt
        endpoint = metadata.get("pushed_authorization_request_endpoint")
        if endpoint:
            # RFC 9126: the request goes to the provider from here, authenticated, and
            # the browser carries only its reference (FAPI 2.0 requires it).
            query = {
                "client_id": client.client_id,
                "request_uri": self._push(str(endpoint), query),
            }
        return f"{metadata['authorization_endpoint']}?{urlencode(query)}"

    def _push(self, endpoint: str, query: dict[str, str]) -> str:
        """The ``request_uri`` the provider gives for the pushed request."""
        response = self._post(endpoint, query)
        try:
            request_uri = response.json()["request_uri"] if response.is_success else ""
        except (ValueError, KeyError, TypeError):
            request_uri = ""
        if not isinstance(request_uri, str) or not request_uri:
            raise ProviderUnreachable(
                f"{endpoint} did not take the sign-in request ({_oauth_error(response)})"
            )
        return request_uri

    # -- the answer ------------------------------------------------------------

    def redeem(
        self, pending: PendingSignIn, answer: Mapping[str, str], now: datetime
    ) -> tuple[Person, Tokens]:
        """Check the provider's answer and exchange its code; raises SignInFailed."""
        self._check_answer(pending, answer)
        body = self._token_request(
            {
                "grant_type": "authorization_code",
                "code": answer["code"],
                "redirect_uri": self.client.redirect_uri,
                "code_verifier": pending.verifier,
            }
        )
        claims = self._id_token_claims(str(body.get("id_token", "")), pending.nonce)
        return _person(claims), _tokens(body, now)

    def refresh(self, tokens: Tokens, now: datetime) -> Tokens | None:
        """New tokens for an expiring access token; None when the provider says no."""
        if tokens.refresh_token is None:
            return None
        try:
            body = self._token_request(
                {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token}
            )
        except SignInFailed:
            return None
        fresh = _tokens(body, now)
        return Tokens(
            access_token=fresh.access_token,
            expires_at=fresh.expires_at,
            scopes=fresh.scopes or tokens.scopes,
            refresh_token=fresh.refresh_token or tokens.refresh_token,
            id_token=tokens.id_token,
        )

    def revoke(self, tokens: Tokens) -> None:
        """Revoke what the session held (RFC 7009); a provider without the endpoint,
        or one that does not answer, leaves the tokens to expire."""
        endpoint = self.metadata().get("revocation_endpoint")
        if not endpoint:
            return
        for token, hint in (
            (tokens.refresh_token, "refresh_token"),
            (tokens.access_token, "access_token"),
        ):
            if token:
                try:
                    form, auth = self._authenticated(
                        {"token": token, "token_type_hint": hint}
                    )
                    self._http.post(endpoint, data=form, auth=auth)
                except httpx.HTTPError:
                    return

    # -- the provider's documents ----------------------------------------------

    def metadata(self) -> dict[str, Any]:
        """The discovery document (OpenID Connect Discovery 1.0 §4), cached an hour."""
        with self._lock:
            if self._metadata and time.monotonic() - self._fetched < _METADATA_TTL:
                return self._metadata
            document = self._get_json(f"{self.issuer}/.well-known/openid-configuration")
            if document.get("issuer", "").rstrip("/") != self.issuer:
                raise ProviderUnreachable(
                    "the provider's metadata names another issuer"
                )
            self._metadata, self._fetched = document, time.monotonic()
            return document

    def _keys(self) -> Any:
        return JsonWebKey.import_key_set(self._get_json(self.metadata()["jwks_uri"]))

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = self._http.get(url)
            response.raise_for_status()
            document: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ProviderUnreachable(f"{url}: {error!r}") from None
        return document

    # -- checks ------------------------------------------------------------------

    def _check_answer(self, pending: PendingSignIn, answer: Mapping[str, str]) -> None:
        if not hmac.compare_digest(answer.get("state", ""), pending.state):
            raise SignInFailed("Svaret hör inte till den här inloggningen.")
        issuer = answer.get("iss")
        required = self.metadata().get("authorization_response_iss_parameter_supported")
        if (issuer is not None or required) and (issuer or "").rstrip(
            "/"
        ) != self.issuer:
            raise SignInFailed("Svaret kommer från en annan utfärdare.")
        if "error" in answer:
            raise SignInFailed(_provider_error(answer))
        if not answer.get("code"):
            raise SignInFailed("Svaret saknar kod.")

    def _check_dpop_support(self, metadata: Mapping[str, Any]) -> None:
        if self.dpop is None:
            return
        algorithms = metadata.get("dpop_signing_alg_values_supported")
        if not isinstance(algorithms, list) or self.dpop.algorithm not in algorithms:
            raise DPoPUnsupported(
                f"The provider {self.issuer} does not offer DPoP with "
                f"{self.dpop.algorithm} (dpop_signing_alg_values_supported in its "
                "metadata), and the console accepts only tokens bound to its key. Use "
                "a provider that binds tokens (RFC 9449), or set CONSOLE_DPOP=off."
            )

    def _token_request(self, form: dict[str, str]) -> dict[str, Any]:
        """The token endpoint's answer to ``form`` (see `_post`)."""
        response = self._post(self.metadata()["token_endpoint"], form)
        if response.status_code != 200:
            raise SignInFailed(
                "Inloggningstjänsten godtog inte inloggningen "
                f"({_oauth_error(response)})."
            )
        body: dict[str, Any] = response.json()
        self._check_token_type(str(body.get("token_type", "")).lower())
        return body

    def _post(self, endpoint: str, form: dict[str, str]) -> httpx.Response:
        """``form`` to one of the provider's endpoints that authenticate the client
        (token, pushed request), with a DPoP proof when the console binds its tokens:
        once more with the endpoint's nonce if it asks (RFC 9449 §8). Each attempt
        is authenticated anew (an assertion is used once)."""
        for _attempt in range(2):
            headers = {}
            if self.dpop is not None:
                headers["DPoP"] = self.dpop.token_request_proof(endpoint)
            try:
                sent, auth = self._authenticated(form)
                response = self._http.post(
                    endpoint, data=sent, auth=auth, headers=headers
                )
            except httpx.HTTPError as error:
                raise ProviderUnreachable(f"{endpoint}: {error!r}") from None
            if self.dpop is None or not self.dpop.answered(endpoint, response):
                break
        return response

    def _check_token_type(self, kind: str) -> None:
        """The kind of token asked for, and no other. The access token itself is the
        services' to read (its ``cnf.jkt``): to a client it is opaque (RFC 9449 §6)."""
        if self.dpop is not None and kind == "bearer":
            raise SignInFailed(
                "Inloggningstjänsten gav en obunden token (Bearer) fast konsolen bad "
                "om en token bunden till sin nyckel (DPoP). Konsolen tar inte emot "
                "obundna token; den som driftar konsolen behöver åtgärda det."
            )
        if kind != ("dpop" if self.dpop is not None else "bearer"):
            raise SignInFailed("Inloggningstjänsten gav en okänd sorts token.")

    def _authenticated(self, form: dict[str, str]) -> tuple[dict[str, str], httpx.Auth]:
        """The form and the authentication of a request to the provider: the secret in
        the Authorization header, or a fresh signed assertion in the form."""
        client = self.client
        if client.key is None:
            return form, httpx.BasicAuth(client.client_id, client.secret or "")
        return {
            **form,
            "client_id": client.client_id,
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": client_assertion(
                client.key, client.client_id, self.issuer
            ),
        }, httpx.Auth()  # the base class sends the request as it is

    def _id_token_claims(self, id_token: str, nonce: str) -> dict[str, Any]:
        """Core 1.0 §3.1.3.7: signature, iss, aud, azp, exp, iat and the nonce."""
        if not id_token:
            raise SignInFailed("Inloggningstjänsten gav ingen ID-token.")
        options = {
            "iss": {"essential": True, "value": self.issuer},
            "aud": {"essential": True, "value": self.client.client_id},
            "exp": {"essential": True},
            "iat": {"essential": True},
            "sub": {"essential": True},
            "nonce": {"essential": True, "value": nonce},
        }
        try:
            claims = JsonWebToken(_ALGORITHMS).decode(
                id_token, self._keys(), claims_options=options
            )
            claims.validate(leeway=_LEEWAY)
        except (JoseError, ValueError) as error:
            raise SignInFailed(f"ID-token kunde inte verifieras ({error}).") from None
        audience = claims["aud"]
        several = isinstance(audience, list) and len(audience) > 1
        if several and claims.get("azp") != self.client.client_id:
            raise SignInFailed("ID-token är utfärdad till en annan klient.")
        return dict(claims)


def _person(claims: Mapping[str, Any]) -> Person:
    roles = claims.get("roles") or []
    return Person(
        subject=str(claims["sub"]),
        name=str(claims.get("name") or claims.get("preferred_username") or "okänd"),
        username=str(claims.get("preferred_username") or claims["sub"]),
        org_number=claims.get("org_number"),
        roles=tuple(str(role) for role in roles if isinstance(role, str)),
        municipality_code=_text(claims.get("municipality_code")),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _tokens(body: Mapping[str, Any], now: datetime) -> Tokens:
    if not body.get("access_token"):
        raise SignInFailed("Inloggningstjänsten gav ingen åtkomsttoken.")
    lifetime = int(body.get("expires_in") or 300)
    return Tokens(
        access_token=str(body["access_token"]),
        expires_at=now + timedelta(seconds=lifetime),
        scopes=frozenset(str(body.get("scope", "")).split()),
        refresh_token=body.get("refresh_token"),
        id_token=body.get("id_token"),
    )


def _provider_error(answer: Mapping[str, str]) -> str:
    if answer.get("error") == "access_denied":
        return "Inloggningen avbröts."
    return f"Inloggningstjänsten svarade med ett fel ({answer.get('error', '')[:100]})."


def _oauth_error(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error", response.status_code))[:100]
    except ValueError:
        return str(response.status_code)


def utc_now() -> datetime:
    return datetime.now(UTC)
