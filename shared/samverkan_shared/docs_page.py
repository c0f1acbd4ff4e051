"""The interactive API docs (/docs) with Swagger UI served by the service itself.

FastAPI's own /docs loads Swagger UI from a public CDN, which a closed municipal
network cannot reach. Here the page and its files come from the service: the files
ship in the ``fastapi-offline`` package (Swagger UI 5, which reads OpenAPI 3.1).
"""

from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from samverkan_shared.problems import NotFound

__all__ = ["DOCS_ASSETS_PATH", "DOCS_PATH", "install_docs_page"]

DOCS_PATH = "/docs"
DOCS_ASSETS_PATH = "/docs/assets"

# The only files served, with their media types: nothing else under the folder is.
_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon.png": "image/png",
}
_STATIC = files("fastapi_offline") / "static"
# The files change only with the package version; a browser may keep them a day.
_CACHE_CONTROL = "public, max-age=86400"
_SWAGGER_UI_PARAMETERS: dict[str, Any] = {
    # No online validator badge: it would send the document to validator.swagger.io.
    "validatorUrl": None,
    # Scopes picked in "Authorize" are asked for, and a token is not kept in storage.
    "persistAuthorization": False,
}


def install_docs_page(app: FastAPI) -> None:
    """Add /docs and its assets; neither needs a token."""

    @app.get(DOCS_PATH, include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{DOCS_ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS_PATH}/favicon.png",
            oauth2_redirect_url=None,  # client credentials: no redirect comes back
            swagger_ui_parameters=_SWAGGER_UI_PARAMETERS,
        )

    @app.get(DOCS_ASSETS_PATH + "/{name}", include_in_schema=False)
    async def docs_asset(name: str) -> FileResponse:
        media_type = _ASSETS.get(name)
        if media_type is None:
            raise NotFound("The docs have no such file.")
        return FileResponse(
            str(_STATIC / name),
            media_type=media_type,
            headers={"Cache-Control": _CACHE_CONTROL},
        )
