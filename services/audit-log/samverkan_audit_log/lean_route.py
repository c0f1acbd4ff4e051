"""A FastAPI route for a hot endpoint: documented as usual, served without the
dependency machinery.

FastAPI solves a route's dependencies anew on every request, inspecting every
dependency callable (is it a coroutine, a generator, ...) each time; for a small
endpoint such as the audit log's append that was a quarter of the request's CPU.
A ``LeanRoute`` keeps the endpoint's signature for the OpenAPI document (body model,
security requirement, responses) and serves requests with a handler that does the
same steps by hand, in FastAPI's order and with FastAPI's errors:

1. the body is read and parsed as FastAPI does (JSON when the content type is JSON
   or absent; a JSON syntax error is a 422 ``json_invalid``);
2. the access token is checked (401/403 before any body validation error);
3. the body is validated by the route's own body field (the same 422 errors).

The endpoint gets the validated body model, the caller and the request.
"""

import email.message
import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from samverkan_shared.auth import access_token, authorize

__all__ = ["LeanRoute"]


class LeanRoute(APIRoute):
    """Serves ``endpoint(body, caller, request)`` for an endpoint declared as
    ``async def endpoint(body: Model, caller: Annotated[AccessToken,
    Security(access_token, scopes=[...])], request: Request) -> Response``.

    Register it with ``router.add_api_route(..., route_class_override=LeanRoute)``.
    The scopes are read from the declared ``Security`` dependency, so the document
    and the check cannot drift apart; any other dependency is refused at start-up.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        dependant = self.dependant
        dependencies = dependant.dependencies
        if [dependency.call for dependency in dependencies] != [access_token]:
            raise TypeError(
                f"{path}: a lean route's only dependency is access_token (via Security)"
            )
        others = [
            *dependant.path_params,
            *dependant.query_params,
            *dependant.header_params,
            *dependant.cookie_params,
        ]
        if (
            others
            or len(dependant.body_params) != 1
            or not dependant.request_param_name
        ):
            raise TypeError(
                f"{path}: a lean route takes one body model, the caller and the request"
            )
        self.lean_scopes = tuple(dependencies[0].security_scopes or ())
        self._names = (
            dependant.body_params[0].name,
            str(dependencies[0].name),
            dependant.request_param_name,
        )

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        # Called by APIRoute.__init__, before this class's __init__ has read the
        # dependant: the handler reads the scopes and names when it serves.
        endpoint = self.endpoint

        async def serve(request: Request) -> Response:
            body = await _json_body(request)
            caller = await authorize(
                request, request.headers.get("authorization"), self.lean_scopes
            )
            values = (self._validated(body), caller, request)
            response: Response = await endpoint(
                **dict(zip(self._names, values, strict=True))
            )
            return response

        return serve

    def _validated(self, body: Any) -> BaseModel:
        field = self.body_field
        if field is None:
            raise TypeError(f"{self.path}: a lean route needs a body model")
        if body is None:
            raise RequestValidationError([_missing_body()], body=body)
        value, errors = field.validate(body, {}, loc=("body",))
        if errors:
            raise RequestValidationError(errors, body=body)
        if not isinstance(value, BaseModel):
            raise TypeError(f"{self.path}: the body must be a pydantic model")
        return value


async def _json_body(request: Request) -> Any:
    """The body as FastAPI 0.118's request handler reads it for a JSON body model."""
    raw = await request.body()
    if not raw:
        return None
    content_type = request.headers.get("content-type")
    if content_type:
        message = email.message.Message()
        message["content-type"] = content_type
        subtype = message.get_content_subtype()
        is_json = message.get_content_maintype() == "application" and (
            subtype == "json" or subtype.endswith("+json")
        )
        if not is_json:
            return raw  # validated as it is: the model refuses bytes
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise RequestValidationError(
            [
                {
                    "type": "json_invalid",
                    "loc": ("body", error.pos),
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": error.msg},
                }
            ],
            body=error.doc,
        ) from error
    except Exception as error:  # not UTF-8, nested too deep: FastAPI's 400
        raise HTTPException(400, "There was an error parsing the body") from error


def _missing_body() -> dict[str, Any]:
    error = ValidationError.from_exception_data(
        "Field required", [{"type": "missing", "loc": ("body",), "input": {}}]
    ).errors(include_url=False)[0]
    return {**error, "input": None}
