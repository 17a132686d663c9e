"""``/api/docs``: Swagger UI from the vendored assets (no CDN), on the app's OpenAPI."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verone.backoffice.web.templating import templates

router = APIRouter(include_in_schema=False)
OPENAPI_URL = "/api/openapi.json"


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    return templates.TemplateResponse(request, "swagger.html", {"openapi_url": OPENAPI_URL})
