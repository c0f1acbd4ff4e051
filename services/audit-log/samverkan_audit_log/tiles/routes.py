"""C2SP tlog-tiles at the service's root: ``/checkpoint``, ``/tile/<L>/<N>[.p/<W>]``
and ``/tile/entries/<N>[.p/<W>]``, so that monitors, witnesses and mirrors written
for tiled logs (Tessera, sumdb) can follow the log without this suite's own API.

The checkpoint and the hash tiles are public: they hold the tree size and hashes,
no personal data. Entry bundles hold the leaves (audit entries with pseudonymised
subjects) and need ``audit:read`` like every other view of the entries.
"""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from samverkan_audit_log.dependencies import AuditReader, EngineDep, LogDep
from samverkan_audit_log.tiles import service
from samverkan_audit_log.tiles.layout import (
    BadTilePath,
    Tile,
    parse_bundle_path,
    parse_tile_path,
)
from samverkan_audit_log.witnessing.routes import WITNESSED_HEADER
from samverkan_audit_log.witnessing.service import cosigned_checkpoint
from samverkan_shared.problems import Problem, problem_responses
from samverkan_shared.sessions import read_on_thread

__all__ = ["router"]

router = APIRouter(tags=["tiles"])

_OCTETS = "application/octet-stream"
# A full tile never changes; a partial one is superseded by the full tile.
_IMMUTABLE = "public, max-age=31536000, immutable"
_SHORT = "public, max-age=60"
# Bundles hold (pseudonymised) personal data: no cache should keep them.
_PERSONAL = "private, no-store"


def _binary(*problems: int) -> dict[int | str, dict[str, Any]]:
    octets = {_OCTETS: {"schema": {"type": "string", "format": "binary"}}}
    return {200: {"content": octets}, **problem_responses(*problems)}


@router.get(
    "/checkpoint",
    summary="The current C2SP signed checkpoint (public, tlog-tiles)",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def checkpoint(engine: EngineDep, log: LogDep) -> Response:
    """With the witnesses' cosignatures, as witnesses and monitors expect it."""
    cosigned = await read_on_thread(
        engine,
        lambda session: cosigned_checkpoint(session, log.signer, log.witnessing),
    )
    return Response(
        cosigned.note,
        media_type="text/plain; charset=utf-8",
        headers={
            "Cache-Control": "no-cache",
            WITNESSED_HEADER: "true" if cosigned.witnessed else "false",
        },
    )


# Declared before the hash tiles: their {level} would match "entries" too.
@router.get(
    "/tile/entries/{path:path}",
    summary="An entry bundle: the leaves of a level-0 tile (tlog-tiles)",
    response_class=Response,
    responses=_binary(400, 404),
)
async def entry_bundle(path: str, caller: AuditReader, engine: EngineDep) -> Response:
    tile = _parsed(lambda: parse_bundle_path(path))
    bundle = await read_on_thread(
        engine, lambda session: service.entry_bundle(session, tile)
    )
    return Response(bundle, media_type=_OCTETS, headers={"Cache-Control": _PERSONAL})


@router.get(
    "/tile/{level}/{path:path}",
    summary="A hash tile of the Merkle tree (public, tlog-tiles)",
    response_class=Response,
    responses=_binary(400, 404),
)
async def hash_tile(level: str, path: str, engine: EngineDep) -> Response:
    tile = _parsed(lambda: parse_tile_path(level, path))
    hashes = await read_on_thread(
        engine, lambda session: service.hash_tile(session, tile)
    )
    cache = _SHORT if tile.partial else _IMMUTABLE
    return Response(hashes, media_type=_OCTETS, headers={"Cache-Control": cache})


def _parsed(parse: Callable[[], Tile]) -> Tile:
    try:
        return parse()
    except BadTilePath as error:
        raise Problem(f"{error}.", status=400, headers=service.NOT_CACHED) from None
