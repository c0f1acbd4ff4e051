"""Tips filed through the console's form by a signed-in reporter, as the casework
tests file them."""

import re

import httpx

from tests.support.console import ConsoleUser, hidden_inputs, tip_fields

__all__ = ["file_in_console", "post_tip_form", "tip_form_inputs"]

_FILED = re.compile(r"^/arenden/([0-9a-f-]{36})\?inlamnat=1$")


def post_tip_form(
    user: ConsoleUser, hidden: dict[str, str], fields: dict[str, str]
) -> httpx.Response:
    return user.http.post("/tips/nytt", data={**hidden, **fields})


def tip_form_inputs(user: ConsoleUser) -> dict[str, str]:
    """The hidden inputs of a fresh rendering of the tip form."""
    page = user.get("/tips/nytt")
    assert page.status_code == 200, page.text
    return hidden_inputs(page.text)


def file_in_console(user: ConsoleUser, description: str, **changes: str) -> str:
    """File a tip through the form; its id."""
    answer = post_tip_form(
        user, tip_form_inputs(user), tip_fields(description, **changes)
    )
    assert answer.status_code == 303, answer.text
    filed = _FILED.match(answer.headers["location"])
    assert filed is not None, answer.headers["location"]
    return filed.group(1)
