"""« Factures Qonto » in Chromium: the totals bar of a set too large to sum while the page
renders is loaded once the page is shown, with the sums the inline bar gives."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Ui
from verone.backoffice.services import document_views


def test_the_totals_of_a_large_set_arrive_after_the_page(
    ui: Ui, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        orders = api.get("/api/orders", params={"invoicingStatus": "not_invoiced"}).json()
        answer = api.post("/api/qonto/invoices", json={"salesOrderId": orders["items"][-2]["id"]})
        assert answer.status_code == 201, answer.text
    ui.login(ui.stack.users.accountant.email)
    page = ui.goto("/factures?statut=brouillons")
    bar = page.get_by_label("Totaux de la sélection")
    expect(bar).to_contain_text("Total TTC : ")
    inline = bar.inner_text()

    monkeypatch.setattr(document_views, "INLINE_TOTALS", 0)  # every set is « large »
    with page.expect_response(lambda answer: "/factures/totaux" in answer.url) as loaded:
        page.reload()
    assert loaded.value.status == 200
    expect(bar).to_have_text(inline)
    expect(bar).not_to_have_attribute("aria-busy", "true")
    ui.check_page("documents-totals-loaded")
