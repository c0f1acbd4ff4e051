"""What a page can end in besides itself: a new sign-in, an error page, a refusal."""

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["PageError", "Refused", "SignInNeeded"]


class SignInNeeded(Exception):
    """The person must sign in (again); the message says why, in Swedish."""


class PageError(Exception):
    """An error page with this status, title and explanation (Swedish)."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail


class Refused(Exception):
    """A service refused what the person sent (409, 422): the form says why.

    ``errors`` are the problem's own (RFC 9457 extension member): each names a
    ``pointer`` into the body or a ``parameter``, and its ``detail``."""

    def __init__(
        self, detail: str, errors: Sequence[Mapping[str, Any]] = (), status: int = 422
    ) -> None:
        super().__init__(detail)
        self.errors = tuple(errors)
        self.status = status
