"""Pure-ASGI middleware refusing request bodies over a limit with 413 problem+json."""

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from samverkan_shared.problems import problem_response

__all__ = ["MAX_BODY_BYTES", "BodyLimitMiddleware"]

MAX_BODY_BYTES = 1024 * 1024


class _TooLarge(HTTPException):
    """An HTTPException, so FastAPI's body reader re-raises it instead of turning it into 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _detail(limit))


def _detail(limit: int) -> str:
    return f"The request body is larger than the limit of {limit} bytes."


class BodyLimitMiddleware:
    """Checks Content-Length up front and counts streamed bytes for chunked bodies."""

    def __init__(self, app: ASGIApp, *, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    def _declared_length(self, scope: Scope) -> int | None:
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return None
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = self._declared_length(scope)
        if declared is not None and declared > self.limit:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(413, _detail(self.limit))
        await response(scope, receive, send)
