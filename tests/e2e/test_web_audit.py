"""« Journal d'audit » over HTTP against the running stack: filters in the URL (who, what,
which document, when), server-side pagination, and the hash chain's verification."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import httpx
from sqlalchemy import select, text, update

from tests.e2e.conftest import Stack
from verone.backoffice.db.tables_ops import audit_log
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.audit import record_audit
from verone.backoffice.web import formatting

HX = {"HX-Request": "true"}


def seqs(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', html)]


def test_the_journal_filters_by_action_and_user_and_pages_on_the_server(
    stack: Stack, viewer: httpx.Client
) -> None:
    action = f"test.ping{uuid.uuid4().hex[:6]}"
    admin = Actor.interactive(stack.users.admin.id)
    uow = stack.container.unit_of_work
    written = [
        record_audit(uow(), stack.clock, admin, action, "user", str(i)).seq for i in range(55)
    ]
    page = viewer.get("/audit", params={"action": action})
    assert page.status_code == 200
    assert "<h1>Journal d'audit</h1>" in page.text
    assert "55 entrées — page 1 sur 2" in page.text
    assert seqs(page.text) == sorted(written, reverse=True)[:50]
    second = viewer.get("/audit", params={"action": action, "page": "2"}, headers=HX)
    assert "<h1>" not in second.text  # the table and its pager only
    assert seqs(second.text) == sorted(written, reverse=True)[50:]
    by_viewer = viewer.get(
        "/audit", params={"action": action, "acteur": str(stack.users.viewer.id)}
    )
    assert "Aucune entrée pour ces critères" in by_viewer.text
    by_admin = viewer.get("/audit", params={"action": action, "acteur": str(stack.users.admin.id)})
    assert "55 entrées" in by_admin.text


def test_the_journal_filters_by_document_number_and_dates(
    stack: Stack, viewer: httpx.Client, accountant: httpx.Client
) -> None:
    orders = accountant.get("/api/orders", params={"invoicingStatus": "not_invoiced"}).json()
    created = accountant.post(
        "/api/qonto/invoices", json={"salesOrderId": orders["items"][0]["id"]}
    )
    assert created.status_code == 201, created.text
    document_id = created.json()["document"]["id"]
    page = viewer.get("/audit", params={"document": document_id})
    assert "Brouillon créé dans Qonto" in page.text
    assert f"/factures/{document_id}" in page.text
    assert len(seqs(page.text)) >= 1
    today = stack.clock.now().astimezone(formatting.PARIS).date()
    tomorrow = (today + timedelta(days=1)).isoformat()
    later = viewer.get("/audit", params={"document": document_id, "du": tomorrow})
    assert "Aucune entrée pour ces critères" in later.text
    same_day = viewer.get(
        "/audit", params={"document": document_id, "du": today.isoformat(), "au": today.isoformat()}
    )
    assert seqs(same_day.text) == seqs(page.text)
    unknown = viewer.get("/audit", params={"document": "F-1999-999"})
    assert unknown.status_code == 422
    assert "Document introuvable" in unknown.text
    bad_date = viewer.get("/audit", params={"du": "32/13/2026"})
    assert bad_date.status_code == 422


def test_verifying_the_chain_says_intact_then_where_it_breaks(
    stack: Stack, viewer: httpx.Client
) -> None:
    intact = viewer.get("/audit/verification", headers=HX)
    assert intact.status_code == 200
    assert "Chaîne intègre" in intact.text
    engine = stack.container.engine
    trigger = "SELECT sql FROM sqlite_master WHERE name = 'audit_log_no_update'"
    with engine.begin() as connection:
        guard = connection.execute(text(trigger)).scalar_one()
        seq, action = connection.execute(
            select(audit_log.c.seq, audit_log.c.action).order_by(audit_log.c.seq).limit(1)
        ).one()
        # altered below the code, as someone with database access could
        connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(
            update(audit_log).where(audit_log.c.seq == seq).values(action="tampered")
        )
    try:
        broken = viewer.get("/audit/verification", headers=HX)
        assert f"Chaîne rompue à l'entrée n° {seq}" in broken.text
        assert "le contenu de l&#39;entrée a été modifié" in broken.text
        full = viewer.get("/audit/verification")
        assert "<h1>Journal d'audit</h1>" in full.text
    finally:
        with engine.begin() as connection:
            connection.execute(
                update(audit_log).where(audit_log.c.seq == seq).values(action=action)
            )
            connection.execute(text(guard))
    assert "Chaîne intègre" in viewer.get("/audit/verification", headers=HX).text
