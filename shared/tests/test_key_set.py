"""A flood of tokens with unknown key ids costs one key-set fetch per interval and
never holds up a request whose key is known."""

import asyncio
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from authlib.jose import JsonWebKey, JsonWebToken
from fastapi import Security

from samverkan_shared.auth import (
    AccessToken,
    KeyFetchNeeded,
    TokenValidator,
    access_token,
)
from samverkan_shared.problems import Unauthenticated
from tests.support.apps import bare_app

ISSUER = "http://issuer.test"
KEY = JsonWebKey.generate_key("EC", "P-256", is_private=True)
KID = "the-real-kid"
DEADLINE = 5.0


class FakeClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


class BlockingKeySource:
    """The issuer's JWKS; once `block()` is called, each fetch waits for `release`."""

    def __init__(self) -> None:
        self.fetches = 0
        self.entered = threading.Event()
        self.release = threading.Event()
        self.release.set()
        self._lock = threading.Lock()

    def block(self) -> None:
        self.entered.clear()
        self.release.clear()

    def __call__(self) -> Mapping[str, Any]:
        with self._lock:
            self.fetches += 1
        self.entered.set()
        assert self.release.wait(3 * DEADLINE), "the test never released the fetch"
        public = KEY.as_dict(is_private=False)
        return {"keys": [{**public, "kid": KID, "alg": "ES256", "use": "sig"}]}


def _token(kid: str, jti: str = "j") -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "c",
        "client_id": "c",
        "aud": ["test"],
        "scope": "",
        "iat": now,
        "exp": now + 300,
        "jti": jti,
    }
    header = {"alg": "ES256", "kid": kid, "typ": "at+jwt"}
    token: bytes = JsonWebToken(["ES256"]).encode(header, claims, KEY)
    return token.decode()


def _validator(source: BlockingKeySource, clock: FakeClock) -> TokenValidator:
    return TokenValidator(issuer=ISSUER, audience="test", keys=source, clock=clock)


def _in_thread(target: Any) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


class TestRefetch:
    def test_many_unknown_kids_cause_one_fetch_in_the_interval(self) -> None:
        source, clock = BlockingKeySource(), FakeClock()
        validator = _validator(source, clock)
        assert validator.validate(_token(KID)).client_id == "c"
        assert source.fetches == 1
        clock.now += 2  # past the interval: the next miss may fetch again
        source.block()
        outcomes: list[str] = []

        def forged(number: int) -> None:
            try:
                validator.validate(_token(f"forged-{number}"))
            except Unauthenticated as refused:
                outcomes.append(refused.detail)

        threads = [_in_thread(lambda n=n: forged(n)) for n in range(30)]
        assert source.entered.wait(DEADLINE)
        source.release.set()
        for thread in threads:
            thread.join(DEADLINE)
        assert source.fetches == 2  # one refetch shared by all thirty misses
        assert len(outcomes) == 30
        assert all("signing key is unknown" in detail for detail in outcomes)
        # Within the interval a miss is refused in place: no I/O, no thread hop.
        for number in range(100):
            with pytest.raises(Unauthenticated, match="signing key is unknown"):
                validator.validate(_token(f"more-{number}"), io=False)
        assert source.fetches == 2
        clock.now += 2
        with pytest.raises(Unauthenticated):
            validator.validate(_token("after-the-interval"))
        assert source.fetches == 3

    def test_a_known_kid_is_not_held_up_by_a_slow_fetch(self) -> None:
        source, clock = BlockingKeySource(), FakeClock()
        validator = _validator(source, clock)
        validator.validate(_token(KID, jti="first"))
        clock.now += 2
        source.block()
        _in_thread(
            lambda: pytest.raises(Unauthenticated, validator.validate, _token("x"))
        )
        assert source.entered.wait(DEADLINE)
        # A miss while the fetch runs is told to wait for it, without blocking.
        with pytest.raises(KeyFetchNeeded):
            validator.validate(_token("y"), io=False)
        done = threading.Event()

        def known() -> None:
            validator.validate(_token(KID, jti="second"))  # a new token: its signature
            done.set()

        _in_thread(known)
        try:
            assert done.wait(DEADLINE), "a known kid waited for the key-set fetch"
        finally:
            source.release.set()


def test_a_flood_of_unknown_kids_leaves_the_worker_threads_to_known_ones(
    tmp_path: Path,
) -> None:
    """More waiting misses (50) than the thread pool has threads (40), and a sync endpoint
    (which needs a worker thread) still answers a known token at once."""
    source, clock = BlockingKeySource(), FakeClock()
    validator = _validator(source, clock)
    validator.validate(_token(KID, jti="warm"))
    clock.now += 2
    app = bare_app(tmp_path, token_validator=validator)

    @app.get("/whoami")
    def whoami(
        caller: Annotated[AccessToken, Security(access_token)],
    ) -> dict[str, str]:
        return {"client_id": caller.client_id}

    async def scenario(client: httpx.AsyncClient) -> None:
        def get(token: str) -> Any:
            return client.get("/whoami", headers={"Authorization": f"Bearer {token}"})

        source.block()
        flood = [asyncio.create_task(get(_token(f"forged-{n}"))) for n in range(50)]
        while not source.entered.is_set():
            await asyncio.sleep(0.001)
        try:
            known = await asyncio.wait_for(get(_token(KID, jti="live")), DEADLINE)
        finally:
            source.release.set()
        assert known.status_code == 200
        assert known.json() == {"client_id": "c"}
        statuses = {response.status_code for response in await asyncio.gather(*flood)}
        assert statuses == {401}
        assert source.fetches == 2

    async def main() -> None:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        # ASGITransport sends no lifespan events: the app is started here.
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://t") as client,
        ):
            await asyncio.wait_for(scenario(client), timeout=4 * DEADLINE)

    asyncio.run(main())
