"""Server-side sessions: the browser holds only a random id; the tokens stay here.

In memory, in the one console process: a restart signs everyone out, which is the
safe failure. The console therefore runs with one worker (README "Deploy"). Pages run
on worker threads, so every change to the maps holds one lock.
"""

import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

__all__ = ["ConsoleSession", "PendingSignIn", "Person", "SessionStore", "Tokens"]

# Pending sign-ins are few and short: more than this at once is a flood, not people.
_MAX_PENDING = 10_000
PENDING_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True)
class Person:
    """The signed-in person, as the provider's ID token names them."""

    subject: str
    name: str
    username: str
    org_number: str | None
    roles: tuple[str, ...]
    # The municipality they file tips for (kommunkod), if the provider names one.
    municipality_code: str | None = None


@dataclass(frozen=True)
class Tokens:
    access_token: str
    expires_at: datetime
    scopes: frozenset[str]
    refresh_token: str | None = None
    id_token: str | None = None


@dataclass
class ConsoleSession:
    """One signed-in browser: the person, their tokens and the form token (CSRF)."""

    id: str
    person: Person
    tokens: Tokens
    started: datetime
    last_seen: datetime
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    # One refresh at a time: a refresh token is used once (rotation), so two
    # concurrent refreshes would look like theft to the provider.
    refreshing: threading.Lock = field(default_factory=threading.Lock)

    def may(self, scope: str) -> bool:
        return scope in self.tokens.scopes


@dataclass(frozen=True)
class PendingSignIn:
    """Between the redirect to the provider and its answer (PKCE, state, nonce)."""

    state: str
    nonce: str
    verifier: str
    next_page: str
    expires: datetime


class SessionStore:
    """Sessions by id, with an idle timeout and a longest lifetime."""

    def __init__(self, *, idle: timedelta, lifetime: timedelta) -> None:
        self.idle = idle
        self.lifetime = lifetime
        self._sessions: dict[str, ConsoleSession] = {}
        self._pending: dict[str, PendingSignIn] = {}
        self._lock = threading.Lock()

    def start(self, person: Person, tokens: Tokens, now: datetime) -> ConsoleSession:
        session = ConsoleSession(
            id=secrets.token_urlsafe(32),
            person=person,
            tokens=tokens,
            started=now,
            last_seen=now,
        )
        with self._lock:
            self._forget_stale(now)
            self._sessions[session.id] = session
        return session

    def find(self, session_id: str | None, now: datetime) -> ConsoleSession | None:
        """The live session with this id, its idle clock restarted; else None."""
        with self._lock:
            session = self._sessions.get(session_id or "")
            if session is None:
                return None
            if self._expired(session, now):
                del self._sessions[session.id]
                return None
            session.last_seen = now
            return session

    def end(self, session_id: str) -> ConsoleSession | None:
        with self._lock:
            return self._sessions.pop(session_id, None)

    def begin_sign_in(self, next_page: str, now: datetime) -> tuple[str, PendingSignIn]:
        """A pending sign-in and the id its (short-lived) cookie carries."""
        pending = PendingSignIn(
            state=secrets.token_urlsafe(24),
            nonce=secrets.token_urlsafe(24),
            verifier=secrets.token_urlsafe(48),
            next_page=next_page,
            expires=now + PENDING_LIFETIME,
        )
        key = secrets.token_urlsafe(24)
        with self._lock:
            self._forget_stale(now)
            if len(self._pending) >= _MAX_PENDING:
                raise OverflowError("too many sign-ins at once")
            self._pending[key] = pending
        return key, pending

    def finish_sign_in(self, key: str | None, now: datetime) -> PendingSignIn | None:
        """The pending sign-in, removed (each is answered once); None if unknown."""
        with self._lock:
            pending = self._pending.pop(key or "", None)
        return pending if pending is not None and pending.expires > now else None

    def _expired(self, session: ConsoleSession, now: datetime) -> bool:
        return (
            now - session.last_seen > self.idle or now - session.started > self.lifetime
        )

    def _forget_stale(self, now: datetime) -> None:
        for key in [k for k, s in self._sessions.items() if self._expired(s, now)]:
            del self._sessions[key]
        for key in [k for k, p in self._pending.items() if p.expires <= now]:
            del self._pending[key]
