"""The API's documentation pages, `/docs` (Swagger UI) and `/redoc` (ReDoc), served offline.

Their JavaScript and CSS are vendored under `static/vendor` (`make vendor`,
pinned versions, with their licences) and served by the app itself, so the
pages work on a server without internet access: nothing is loaded from a CDN.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
MOUNT = "/api/static"
VENDOR = f"{MOUNT}/vendor"


def install(app: FastAPI) -> None:
    """Serve the vendored files and the two documentation pages on `app`."""
    app.mount(MOUNT, StaticFiles(directory=STATIC), name="api-static")
    app.add_api_route("/docs", _swagger_ui, include_in_schema=False)
    app.add_api_route("/redoc", _redoc, include_in_schema=False)


def _root(request: Request) -> str:
    """The path the app is served under (`--root-path` behind a proxy), else empty."""
    return str(request.scope.get("root_path", "")).rstrip("/")


async def _swagger_ui(request: Request) -> HTMLResponse:
    root = _root(request)
    return get_swagger_ui_html(
        openapi_url=root + str(request.app.openapi_url),
        title=f"{request.app.title} — API",
        swagger_js_url=f"{root}{VENDOR}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{VENDOR}/swagger-ui.css",
        swagger_favicon_url=f"{root}{VENDOR}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None},
    )


async def _redoc(request: Request) -> HTMLResponse:
    root = _root(request)
    return get_redoc_html(
        openapi_url=root + str(request.app.openapi_url),
        title=f"{request.app.title} — API",
        redoc_js_url=f"{root}{VENDOR}/redoc.standalone.js",
        redoc_favicon_url=f"{root}{VENDOR}/favicon-32x32.png",
        with_google_fonts=False,
    )
