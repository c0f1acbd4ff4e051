"""`Location` of a created resource: the header of every 201 and its OpenAPI entry."""

from typing import Any

__all__ = ["created_responses", "location_header"]


def location_header(path: str) -> dict[str, str]:
    """The headers of a 201 whose new resource is read at ``path`` (RFC 9110 §10.2.2).

    A path without scheme and host: a relative reference, resolved against the
    request's URL, so it stays right behind a proxy that rewrites the host.
    """
    return {"Location": path}


def created_responses(template: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` entry documenting the 201's `Location` (e.g. ``/v1/tips/{id}``)."""
    return {
        201: {
            "description": f"Created; `Location` is {template}",
            "headers": {
                "Location": {
                    "description": f"where the created resource is read: {template}",
                    "required": True,
                    "schema": {"type": "string", "format": "uri-reference"},
                }
            },
        }
    }
