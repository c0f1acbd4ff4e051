"""HTTP access to a log's C2SP tlog-tiles, for `samverkan audit verify --via tiles`."""

import base64
import binascii
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import httpx

from samverkan_audit_log.tiles.layout import Tile
from samverkan_audit_log.verification.log_client import FetchFailed

__all__ = ["TileReader"]

T = TypeVar("T")
R = TypeVar("R")
# Requests in flight at once: a bundle is one short database read on the server,
# so a few in parallel keep the verifier busy instead of waiting on round trips.
_WORKERS = 4


class TileReader:
    """Reads the tiles (public) and entry bundles (with a bearer token) of one log."""

    def __init__(self, client: httpx.Client, token: str) -> None:
        self._client = client
        self._headers = {"Authorization": f"Bearer {token}"}

    def checkpoint(self) -> str:
        return _checked(self._client.get("/checkpoint"), "checkpoint").text

    def tile(self, tile: Tile) -> bytes:
        """A hash tile; no token, as any monitor would fetch it."""
        response = self._client.get("/" + tile.path())
        return _checked(response, tile.path()).content

    def bundle(self, tile: Tile) -> bytes | list[bytes]:
        """The entry bundle; or, where the log cannot bundle an entry longer than a
        uint16 announces (404), the tile's leaves one by one from ``/v1/entries``.

        Either way the leaves must hash to the tile, so a log hides nothing so.
        """
        response = self._client.get("/" + tile.bundle_path(), headers=self._headers)
        if response.status_code == 404:
            end = tile.first + tile.width
            return [self._leaf(index) for index in range(tile.first, end)]
        return _checked(response, tile.bundle_path()).content

    def _leaf(self, index: int) -> bytes:
        response = self._client.get(f"/v1/entries/{index}", headers=self._headers)
        item = _checked(response, f"entry {index}")
        try:
            return base64.b64decode(item.json()["leaf"], validate=True)
        except (ValueError, TypeError, KeyError, binascii.Error):
            raise FetchFailed(f"entry {index}: the answer has no base64 leaf") from None

    def bundles(
        self, tiles: Iterable[Tile]
    ) -> Generator[tuple[Tile, bytes | list[bytes], bytes], None, None]:
        """Each level-0 tile with its entry bundle and its hashes, in order, fetched
        a few at a time ahead of the caller."""

        def fetch(tile: Tile) -> tuple[Tile, bytes | list[bytes], bytes]:
            return tile, self.bundle(tile), self.tile(tile)

        return _in_order(fetch, tiles, _WORKERS)


def _in_order(
    fetch: Callable[[T], R], items: Iterable[T], workers: int
) -> Generator[R, None, None]:
    """``fetch`` of each item, in order, up to ``2 * workers`` fetched ahead.

    Leaving early cancels what has not started and waits for what has, so the
    HTTP client is not closed under a request in flight.
    """
    source = iter(items)
    with ThreadPoolExecutor(workers, thread_name_prefix="tile-fetch") as pool:
        ahead: deque[Future[R]] = deque(
            pool.submit(fetch, item)
            for _, item in zip(range(2 * workers), source, strict=False)
        )
        try:
            while ahead:
                result = ahead.popleft().result()
                following = next(source, None)
                if following is not None:
                    ahead.append(pool.submit(fetch, following))
                yield result
        finally:
            for future in ahead:
                future.cancel()


def _checked(response: httpx.Response, what: str) -> httpx.Response:
    if response.is_error:
        detail = response.text[:300].replace("\n", " ")
        raise FetchFailed(f"{what}: HTTP {response.status_code} {detail}")
    return response
