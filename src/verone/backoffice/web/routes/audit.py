"""« Journal d'audit »: the entries with their filters in the URL (who, what, which document,
when), server-side pagination, and the verification of the hash chain."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verone.backoffice.domain.queries import AuditFilter, PageRequest
from verone.backoffice.services import audit
from verone.backoffice.web import formatting
from verone.backoffice.web.context import ViewerPage
from verone.backoffice.web.listing import _date, _invalid
from verone.backoffice.web.templating import render

router = APIRouter(include_in_schema=False)
PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class AuditQuery:
    actor: str = ""
    action: str = ""
    document: str = ""
    since: str = ""
    until: str = ""
    page: int = 1

    @classmethod
    def from_request(cls, request: Request) -> AuditQuery:
        q = request.query_params
        actor = q.get("acteur", "").strip()
        if actor:
            try:
                uuid.UUID(actor)
            except ValueError:
                raise _invalid("acteur", "Utilisateur inconnu.") from None
        since, until = _date(request, "du"), _date(request, "au")
        try:
            page = max(1, int(q.get("page", "1") or "1"))
        except ValueError:
            raise _invalid("page", "Page invalide.") from None
        return cls(
            actor=actor,
            action=q.get("action", "").strip()[:100],
            document=q.get("document", "").strip()[:100],
            since=since.isoformat() if since else "",
            until=until.isoformat() if until else "",
            page=min(page, 100_000),
        )

    def params(self, **changes: object) -> dict[str, str]:
        values = {
            "acteur": self.actor,
            "action": self.action,
            "document": self.document,
            "du": self.since,
            "au": self.until,
            "page": str(self.page),
            **{k: str(v) for k, v in changes.items()},
        }
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}

    def url(self, **changes: object) -> str:
        query = urlencode(self.params(**changes))
        return f"/audit?{query}" if query else "/audit"


def _day_start(value: str) -> datetime:
    """Midnight in Paris: the journal's dates are the French team's days."""
    return datetime.combine(datetime.fromisoformat(value).date(), time(0), formatting.PARIS)


def _criteria(query: AuditQuery, ctx: ViewerPage) -> AuditFilter:
    entity: str | None = None
    if query.document:
        entity = audit.document_entity(ctx.uow, query.document)
        if entity is None:
            raise _invalid("document", "Document introuvable : indiquez son numéro ou son id.")
    return AuditFilter(
        actor_id=uuid.UUID(query.actor) if query.actor else None,
        action=query.action or None,
        entity_id=entity,
        at_from=_day_start(query.since) if query.since else None,
        at_to=_day_start(query.until) + timedelta(days=1) if query.until else None,
    )


@router.get("/audit")
def journal(request: Request, ctx: ViewerPage) -> Response:
    query = AuditQuery.from_request(request)
    criteria = _criteria(query, ctx)
    found = audit.search_audit_log(ctx.uow, criteria, PageRequest(query.page, PER_PAGE))
    context = {
        "title": "Journal d'audit",
        "section": "audit",
        "query": query,
        "found": found,
        "people": audit.people(ctx.uow),
        "actions": audit.audit_actions(ctx.uow),
    }
    return render(request, ctx, "audit/journal.html", context, partial="audit/_entries.html")


@router.get("/audit/verification")
def verify(request: Request, ctx: ViewerPage) -> Response:
    """Walk the whole hash chain (like ``verone audit verify``) and say where it breaks."""
    result = audit.verify_audit_log(ctx.uow)
    context = {
        "title": "Journal d'audit",
        "section": "audit",
        "result": result,
        "checked_at": ctx.clock.now(),
    }
    return render(
        request, ctx, "audit/verification.html", context, partial="audit/_verification.html"
    )
