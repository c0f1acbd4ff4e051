"""Routes of this part of the console (see the package docstring)."""

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
