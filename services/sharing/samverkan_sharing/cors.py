"""Cross-origin access to the token endpoint, for the suite's own docs pages.

Swagger UI's "Authorize" on the tips or audit-log docs page posts to sharing's
/oauth/token from another origin, and the browser first asks with a preflight
(OPTIONS; the request carries an Authorization header). Only the token endpoint
answers it, only for the configured origins, and never with credentials: the
browser sends the client's secret itself, no cookie is involved.
"""

from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "CROSS_ORIGIN_PATH",
    "TokenEndpointCors",
    "origin_of",
    "parse_origins",
    "suite_origins",
]

# The token endpoint: the one path answered across origins.
CROSS_ORIGIN_PATH = "/oauth/token"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_LOOPBACK = ("127.0.0.1", "localhost")
# What Swagger UI's client-credentials request sends besides the CORS-safe headers.
_ALLOWED_HEADERS = ("Authorization", "Content-Type", "Accept", "X-Requested-With")


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` as a browser writes it; ValueError if none."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError as error:
        raise ValueError(f"{url!r} has no valid port") from error
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) origin such as http://host:8001")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"{url!r} must not hold a user name or password")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if port is None or port == _DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


def parse_origins(value: str) -> tuple[str, ...]:
    """Origins separated by commas or spaces; each must be exactly an origin.

    ``*`` is refused: the token endpoint answers only pages of the suite's own.
    """
    origins: list[str] = []
    for item in value.replace(",", " ").split():
        if item == "*":
            raise ValueError("'*' is not allowed: list the docs pages' origins")
        parts = urlsplit(item)
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError(f"{item!r} is not an origin: give scheme://host[:port]")
        origins.append(origin_of(item))
    return tuple(dict.fromkeys(origins))


def suite_origins(urls: Iterable[str]) -> tuple[str, ...]:
    """The origins of the services' URLs; a loopback host under both of its names,
    since a browser may open http://localhost:8001/docs as well as 127.0.0.1."""
    origins: list[str] = []
    for url in urls:
        try:
            origin = origin_of(url)
        except ValueError:  # not a web address: no page can come from there
            continue
        origins.append(origin)
        host = urlsplit(origin).hostname
        if host in _LOOPBACK:
            origins += [origin.replace(host, other, 1) for other in _LOOPBACK]
    return tuple(dict.fromkeys(origins))


class TokenEndpointCors:
    """CORS on the token endpoint only; every other path passes through untouched.

    A preflight from an allowed origin gets 200 with the Access-Control-Allow-*
    headers; one from any other origin gets 400 without them, and the browser then
    sends nothing. An actual answer (a token or an OAuth error) carries
    Access-Control-Allow-Origin for an allowed origin, so the page can read it.
    """

    def __init__(self, app: ASGIApp, *, origins: Sequence[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=list(origins),
            allow_methods=["POST"],
            allow_headers=list(_ALLOWED_HEADERS),
            allow_credentials=False,
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == CROSS_ORIGIN_PATH:
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
