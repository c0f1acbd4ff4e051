"""RFC 9457 problem details: the one error format of the suite, rendered from one place."""

from collections.abc import Mapping, Sequence
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "Conflict",
    "Forbidden",
    "NotFound",
    "Problem",
    "ServiceUnavailable",
    "Unauthenticated",
    "UnprocessableContent",
    "install_problem_handlers",
    "problem_response",
    "problem_responses",
    "problem_schema",
]

PROBLEM_MEDIA_TYPE = "application/problem+json"
_log = structlog.get_logger("samverkan.problems")

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class Problem(Exception):
    """An error the client can act on; rendered as application/problem+json."""

    status = 500
    title = "Internal Server Error"
    type = "about:blank"

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        title: str | None = None,
        type_: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status
            self.title = _TITLES.get(status, self.title)
        if title is not None:
            self.title = title
        if type_ is not None:
            self.type = type_
        self.headers = dict(headers or {})
        self.extensions = extensions

    def body(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            **self.extensions,
        }


class Unauthenticated(Problem):
    status, title = 401, "Unauthorized"


class Forbidden(Problem):
    status, title = 403, "Forbidden"


class NotFound(Problem):
    status, title = 404, "Not Found"


class Conflict(Problem):
    status, title = 409, "Conflict"


class UnprocessableContent(Problem):
    status, title = 422, "Unprocessable Content"


class ServiceUnavailable(Problem):
    status, title = 503, "Service Unavailable"


def problem_response(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    """Render a problem body; every error response of the suite goes through here."""
    body = {
        "type": "about:blank",
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **extensions,
    }
    return JSONResponse(
        body,
        status_code=status,
        headers=dict(headers or {}),
        media_type=PROBLEM_MEDIA_TYPE,
    )


def _pointer(loc: Sequence[int | str]) -> dict[str, str]:
    """RFC 9457 §3 example style: a JSON pointer into the body, or the parameter's name."""
    where, *path = loc or ("body",)
    if where == "body":
        escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in path)
        return {"pointer": "#/" + "/".join(escaped)}
    return {"parameter": ".".join(str(p) for p in path) or str(where), "in": str(where)}


# pydantic's prefixes for an error raised in a validator: the message is the validator's.
_VALIDATOR_PREFIXES = ("Value error, ", "Assertion failed, ")


def _message(err: Mapping[str, Any]) -> str:
    message = str(err.get("msg", "is invalid"))
    for prefix in _VALIDATOR_PREFIXES:
        message = message.removeprefix(prefix)
    return message


def _malformed_json(err: Mapping[str, Any], body: Any) -> dict[str, str]:
    """Where the JSON breaks, as line and column: its character offset means nothing
    as a pointer. Only the parser's reason is quoted, never the body."""
    offset = err.get("loc", ("body", 0))[-1]
    before = body[:offset] if isinstance(body, str) and isinstance(offset, int) else ""
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    reason = str((err.get("ctx") or {}).get("error", "invalid JSON"))
    return {
        "pointer": "#",
        "detail": f"The body is not valid JSON: {reason} at line {line}, "
        f"column {column}.",
    }


def _validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    # The error's "input" and "ctx" are left out on purpose: they may hold a personal number.
    return [
        _malformed_json(err, exc.body)
        if err.get("type") == "json_invalid"
        else {**_pointer(err.get("loc", ())), "detail": _message(err)}
        for err in exc.errors()
    ]


def _summary(errors: list[dict[str, str]]) -> str:
    first = errors[0] if errors else {"detail": "the request is invalid"}
    where = first.get("pointer") or first.get("parameter", "")
    where = "" if where == "#" else where  # the whole body: the detail says where
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['detail']}{more}".lstrip(": ")


def _allowed_methods(request: Request) -> str:
    """RFC 9110 §15.5.6: every method the path has. Starlette names only those of the
    first route that matched the path, and a path may have a route per method."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


async def _problem(request: Request, exc: Problem) -> JSONResponse:
    """A `Problem` raised by our own code: it already knows its body and headers."""
    return JSONResponse(
        exc.body(),
        status_code=exc.status,
        headers=exc.headers,
        media_type=PROBLEM_MEDIA_TYPE,
    )


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Starlette's own errors (no route, wrong method), with a detail that helps."""
    detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code)
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"There is no resource at {request.url.path}."
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        if detail == "Method Not Allowed":
            detail = f"{request.method} is not allowed on this resource."
        headers["Allow"] = _allowed_methods(request)
    return problem_response(exc.status_code, str(detail), headers=headers)


async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A request that fails validation: 422 with one entry per error."""
    errors = _validation_errors(exc)
    return problem_response(422, _summary(errors), errors=errors)


async def _database(request: Request, exc: OperationalError) -> JSONResponse:
    # The database went away, restarts or is overloaded: transient, so say when to
    # retry. The error's text may quote SQL parameters, so only its class is logged.
    _log.warning("database_unavailable", error=type(exc.orig).__name__)
    return problem_response(
        503,
        "The service's database cannot be reached right now; try again shortly.",
        headers={"Retry-After": "5"},
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """Any other exception: logged in full, answered without internals."""
    request_id = getattr(request.state, "request_id", None)
    _log.error("unhandled_exception", exc_info=exc)
    return problem_response(
        500,
        "The server failed to handle this request. Quote the request id when "
        "reporting it.",
        request_id=request_id,
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Route every error path of the app to problem+json."""
    # Through the decorator (not add_exception_handler), which accepts handlers
    # typed for their own exception class.
    app.exception_handler(Problem)(_problem)
    app.exception_handler(StarletteHTTPException)(_http)
    app.exception_handler(RequestValidationError)(_invalid)
    app.exception_handler(OperationalError)(_database)
    app.exception_handler(Exception)(_unexpected)


def problem_schema() -> dict[str, Any]:
    """The JSON Schema of a problem body, for the OpenAPI document."""
    return {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object"}},
        },
        "additionalProperties": True,
    }


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status documented as problem+json."""
    return {
        status: {
            "description": _TITLES.get(status, "Error"),
            "content": {
                PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
        for status in statuses
    }
