"""Bounded work per request: every list a request body may hold has a documented cap."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.suite import InProcessSuite


def _arrays(
    schema: Any, components: dict[str, Any], where: str, seen: frozenset[str]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every array schema reachable from `schema`, with where it is."""
    if not isinstance(schema, dict):
        return
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _arrays(components[name], components, where, seen | {name})
        return
    if schema.get("type") == "array":
        yield where, schema
        yield from _arrays(schema.get("items"), components, f"{where}/0", seen)
    for name, member in schema.get("properties", {}).items():
        yield from _arrays(member, components, f"{where}/{name}", seen)
    for key in ("anyOf", "oneOf", "allOf"):
        for member in schema.get(key, []):
            yield from _arrays(member, components, where, seen)


@pytest.mark.parametrize("service", ["tips", "sharing", "audit"])
def test_every_list_in_a_request_body_has_a_max_items(
    in_process_suite: InProcessSuite, service: str
) -> None:
    document = getattr(in_process_suite, service).get("/openapi.json").json()
    components = document.get("components", {}).get("schemas", {})
    uncapped = [
        f"{method.upper()} {path} #{where}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for media in operation.get("requestBody", {}).get("content", {}).values()
        for where, array in _arrays(media.get("schema"), components, "", frozenset())
        if "maxItems" not in array
    ]
    assert uncapped == []
