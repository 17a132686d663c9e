"""« Tableau de bord »: the root URL of the back office."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verone.backoffice.services import dashboard
from verone.backoffice.web import formatting
from verone.backoffice.web.context import ViewerPage
from verone.backoffice.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, ctx: ViewerPage) -> Response:
    figures = dashboard.dashboard(ctx.uow, ctx.clock)
    ageing = {
        "type": "bar",
        "label": "Reste à encaisser",
        "labels": [label for label, _ in figures.ageing],
        "values": [float(amount) for _, amount in figures.ageing],  # chart drawing only
        "colors": ["#3b6fd8", "#e0a020", "#d9731a", "#c0392b"],
    }
    cash_in = {
        "type": "bar",
        "label": "Encaissements",
        "labels": [formatting.month(month) for month, _ in figures.cash_in],
        "values": [float(amount) for _, amount in figures.cash_in],  # chart drawing only
    }
    context = {
        "title": "Tableau de bord",
        "section": "dashboard",
        "figures": figures,
        "now": ctx.clock.now(),
        "ageing_json": json.dumps(ageing),
        "cash_in_json": json.dumps(cash_in),
    }
    return render(request, ctx, "dashboard.html", context)
