"""The other workflows in a real browser: a viewer sees no write control; a quote is issued
then converted into an invoice; a partial payment is matched by hand, then undone; a preview
made stale by an edit is refused and shown again; a suggestion is rejected, then restored;
one transfer is split across two invoices (« Répartir »), with an invoice it finds by a
search; a split suggestion is accepted whole."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Ui
from verone.backoffice.services import banking_views

#: every write control of the pages: htmx writes and the dialogs that lead to one
WRITE_CONTROLS = "[hx-post]:not([hx-post='/deconnexion']), [hx-target='#dialog']"


def _draft_from_order(api: httpx.Client) -> dict[str, Any]:
    orders = api.get("/api/orders", params={"invoicingStatus": "not_invoiced"}).json()["items"]
    answer = api.post("/api/qonto/invoices", json={"salesOrderId": orders[0]["id"]})
    assert answer.status_code == 201, answer.text
    document: dict[str, Any] = answer.json()["document"]
    return document


def _issued_invoice(api: httpx.Client) -> dict[str, Any]:
    draft = _draft_from_order(api)
    preview = api.get(f"/api/qonto/invoices/{draft['id']}/finalize-preview").json()
    answer = api.post(
        f"/api/qonto/invoices/{draft['id']}/finalize",
        json={"confirmationToken": preview["confirmationToken"]},
    )
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()["document"]
    return document


def _confirm_finalize(ui: Ui) -> None:
    dialog = ui.page.locator("dialog[open]")
    dialog.get_by_label("Pour confirmer, tapez FINALISER").fill("FINALISER")
    dialog.get_by_role("button", name=re.compile("^Finaliser")).click()


def test_a_viewer_sees_no_write_control_anywhere(ui: Ui) -> None:
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        issued = _issued_invoice(api)
        draft = _draft_from_order(api)
    ui.login(ui.stack.users.viewer.email)
    pages = {
        "09-factures-lecture-seule": "/factures",
        "10-facture-lecture-seule": f"/factures/{issued['id']}",
        "11-brouillon-lecture-seule": f"/factures/{draft['id']}",
        "12-commandes-lecture-seule": "/commandes",
        "13-clients": "/clients",
        "14-transactions": "/transactions",
        "15-rapprochement-lecture-seule": "/rapprochement",
        "16-commande": f"/commandes/{draft['salesOrderId']}",
        "17-client": f"/clients/{draft['customerId']}",
    }
    for name, path in pages.items():
        ui.goto(path)
        expect(ui.page.get_by_role("heading", level=1)).to_be_visible()
        assert ui.page.locator(WRITE_CONTROLS).count() == 0, path
        ui.check_page(name)
    expect(ui.page.get_by_role("link", name="Administration")).to_have_count(0)


def test_a_quote_is_issued_then_converted_into_an_invoice(ui: Ui) -> None:
    page = ui.page
    ui.login(ui.stack.users.accountant.email)
    ui.goto("/factures?type=devis")
    page.get_by_role("button", name="Nouveau devis de prestation").click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Client").select_option(index=1)
    dialog.get_by_label("Désignation").fill("Conseil aménagement")
    dialog.get_by_label("Quantité").fill("2")
    dialog.get_by_label("Prix unitaire HT").fill("150")
    expect(dialog.locator("[data-total-ttc]")).to_have_text("360,00\u00a0€")
    ui.check_page("18-dialogue-devis-prestation")
    dialog.get_by_role("button", name="Créer le brouillon").click()
    expect(page.locator(".flash")).to_have_text("Brouillon de devis créé.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Devis")
    page.get_by_role("button", name="Finaliser le devis").click()
    _confirm_finalize(ui)
    expect(page.locator("#issued-number")).to_have_text(re.compile(r"^D-"))
    page.get_by_role("link", name="Voir le document").click()
    expect(page.locator(".page-head .badge")).to_have_text("Envoyé")
    page.get_by_role("button", name="Convertir en facture").click()
    expect(page.locator(".flash")).to_contain_text("Devis converti")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Facture")
    expect(page.locator("#lies")).to_contain_text("Devis d'origine")


def test_a_partial_payment_then_undo(ui: Ui) -> None:
    page = ui.page
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        issued = _issued_invoice(api)
        api.post("/api/qonto/sync", json={"full": False})
    ui.login(ui.stack.users.accountant.email)
    ui.goto("/rapprochement")
    form = page.locator("form[data-manual-match]").first
    form.get_by_label("Facture").select_option(issued["id"])
    form.get_by_label("Montant").fill("10.00")
    form.get_by_role("button", name="Rapprocher").click()
    expect(page.locator(".flash")).to_have_text("Paiement rapproché.")
    ui.goto(f"/factures/{issued['id']}")
    expect(page.locator(".page-head .badge")).to_have_text("Partiellement payée")
    page.once("dialog", lambda confirm: confirm.accept())
    page.locator("#paiements").get_by_role("button", name="Annuler le rapprochement").click()
    expect(page.locator(".flash")).to_contain_text("Rapprochement annulé")
    expect(page.locator(".page-head .badge")).to_have_text("À payer")
    expect(page.locator("#paiements")).to_contain_text("Aucun paiement rapproché.")


def test_a_stale_preview_is_refused_and_shown_again(ui: Ui) -> None:
    page = ui.page
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        draft = _draft_from_order(api)
        ui.login(ui.stack.users.accountant.email)
        ui.goto(f"/factures/{draft['id']}")
        page.get_by_role("button", name="Finaliser la facture").click()
        expect(page.locator("dialog[open]")).to_contain_text("Total TTC")
        edited = api.patch(
            f"/api/qonto/invoices/{draft['id']}",
            json={
                "items": [
                    {"title": "Conseil", "quantity": "1", "unitPrice": "99.99", "vatRate": "0.2"}
                ]
            },
        )
        assert edited.status_code == 200, edited.text
    _confirm_finalize(ui)
    dialog = page.locator("dialog[open]")
    expect(dialog.get_by_role("alert")).to_contain_text("a changé depuis l'aperçu")
    expect(dialog.locator("tbody")).to_contain_text("Conseil")  # the fresh preview: the edit
    expect(dialog.locator("tbody")).to_contain_text("99,99")
    _confirm_finalize(ui)
    expect(page.locator("#issued-number")).to_have_text(re.compile(r"^F-"))


def test_the_reconcile_run_shows_its_result_on_the_page(ui: Ui) -> None:
    page = ui.page
    ui.login(ui.stack.users.accountant.email)
    ui.goto("/rapprochement")
    page.get_by_role("button", name="Lancer le rapprochement").click()
    expect(page.locator("#run-result")).to_contain_text("suggestion(s) à examiner")
    ui.check_page("16-rapprochement-lance")


def test_a_suggestion_is_rejected_then_restored(ui: Ui) -> None:
    page = ui.page
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        issued = _issued_invoice(api)
        with ui.stack.sandbox() as sandbox:
            paid = sandbox.post(
                "/_sandbox/incoming-transfer",
                json={
                    "amount": issued["totalAmount"],
                    "reference": issued["number"],
                    "counterparty_name": issued["customerName"],
                },
            )
            assert paid.status_code in {200, 201}, paid.text
        assert api.post("/api/qonto/sync", json={"full": False}).status_code == 200
    ui.login(ui.stack.users.accountant.email)
    ui.goto("/rapprochement")
    suggestions = page.locator("section[aria-labelledby='suggestions-title']")
    rejected = page.locator("#suggestions-rejetees")
    mine = suggestions.locator("tr", has=page.get_by_role("link", name=issued["number"]))
    expect(mine.first).to_contain_text("Montant identique au reste dû")
    count = mine.count()
    ui.check_page("19-rapprochement-suggestion")
    mine.first.get_by_role("button", name="Rejeter").click()
    expect(page.locator(".flash")).to_have_text(
        f"Suggestion rejetée : ce virement ne paie pas {issued['number']}."
    )
    expect(mine).to_have_count(count - 1)
    row = rejected.locator("tr", has=page.get_by_role("link", name=issued["number"]))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"par {ui.stack.users.accountant.display_name}")
    ui.check_page("20-rapprochement-suggestion-rejetee")
    row.get_by_role("button", name="Rétablir").click()
    expect(page.locator(".flash")).to_have_text("Suggestion rétablie.")
    expect(mine).to_have_count(count)
    expect(mine.first).to_contain_text("Montant identique au reste dû")
    expect(
        rejected.locator("tr", has=page.get_by_role("link", name=issued["number"]))
    ).to_have_count(0)


def test_one_transfer_is_split_across_two_invoices(ui: Ui) -> None:
    page = ui.page
    reference = f"VIR-REPARTI-{uuid.uuid4().hex[:6]}"
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        first, second = _issued_invoice(api), _issued_invoice(api)
        amount = Decimal(first["totalAmount"]) + Decimal("10.00")
        with ui.stack.sandbox() as sandbox:
            paid = sandbox.post(
                "/_sandbox/incoming-transfer",
                json={
                    "amount": str(amount),
                    "reference": reference,
                    "counterparty_name": first["customerName"],
                },
            )
            assert paid.status_code in {200, 201}, paid.text
        assert api.post("/api/qonto/sync", json={"full": False}).status_code == 200
        unmatched = api.get("/api/reconciliation/unmatched", params={"perPage": 200}).json()
        [credit] = [t for t in unmatched["items"] if t["reference"] == reference]
    ui.login(ui.stack.users.accountant.email)
    ui.goto("/rapprochement")
    page.locator(f"button[hx-get='/rapprochement/transactions/{credit['id']}/repartir']").click()
    dialog = page.locator("dialog[open]")
    expect(dialog.get_by_role("heading", level=2)).to_contain_text("Répartir le virement")
    expect(dialog.locator("#split-left")).to_have_attribute("data-split-left", f"{amount:.2f}")
    rows = dialog.locator("tbody tr")
    expect(rows.first).to_contain_text(first["customerName"])  # the payer's invoices first
    dialog.get_by_label(f"Montant pour {first['number']}").fill(first["totalAmount"])
    dialog.get_by_label(f"Montant pour {second['number']}").fill("20.00")
    expect(dialog.locator("[data-split-rest]")).to_have_text("-10,00\u00a0€")
    dialog.get_by_role("button", name="Répartir", exact=True).click()
    expect(dialog.locator("form [data-errors]")).to_contain_text("dépasse ce qui reste du virement")
    page.screenshot(path=str(ui.screenshots / "21-rapprochement-repartir-refus.png"))
    assert [e for e in ui.console_errors if "409" not in e] == []  # the refusal, expected
    ui.console_errors.clear()
    dialog.get_by_label(f"Montant pour {second['number']}").fill("10.00")
    expect(dialog.locator("[data-split-rest]")).to_have_text("0,00\u00a0€")
    ui.check_page("22-rapprochement-repartir")
    dialog.get_by_role("button", name="Répartir", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Virement réparti sur 2 facture(s)")
    expect(page.locator(".flash")).to_contain_text("1 facture(s) payée(s)")
    ui.goto(f"/factures/{first['id']}")
    expect(page.locator(".page-head .badge")).to_have_text("Payée")
    ui.goto(f"/factures/{second['id']}")
    expect(page.locator(".page-head .badge")).to_have_text("Partiellement payée")


def _incoming(ui: Ui, api: httpx.Client, amount: Decimal, reference: str, payer: str) -> str:
    """A transfer received in the sandbox, synced: its id in the back office."""
    with ui.stack.sandbox() as sandbox:
        paid = sandbox.post(
            "/_sandbox/incoming-transfer",
            json={"amount": str(amount), "reference": reference, "counterparty_name": payer},
        )
        assert paid.status_code in {200, 201}, paid.text
    assert api.post("/api/qonto/sync", json={"full": False}).status_code == 200
    unmatched = api.get("/api/reconciliation/unmatched", params={"perPage": 200}).json()
    [credit] = [t for t in unmatched["items"] if t["reference"] == reference]
    return str(credit["id"])


def test_the_split_dialog_finds_an_invoice_it_does_not_list(
    ui: Ui, monkeypatch: pytest.MonkeyPatch
) -> None:
    """« Chercher une facture » appends the invoices found to the table (the server runs in
    this process: the dialog lists one invoice only here); their amounts count in the live
    totals and in the split; a search finding nothing says so in one row."""
    monkeypatch.setattr(banking_views, "SPLIT_INVOICES", 1)
    page = ui.page
    reference = f"VIR-CHERCHE-{uuid.uuid4().hex[:6]}"
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        first, second = _issued_invoice(api), _issued_invoice(api)
        credit = _incoming(ui, api, Decimal("30.00"), reference, first["customerName"])
    ui.login(ui.stack.users.accountant.email)
    ui.goto("/rapprochement")
    page.locator(f"button[hx-get='/rapprochement/transactions/{credit}/repartir']").click()
    dialog = page.locator("dialog[open]")
    rows = dialog.locator("#split-rows tr")
    expect(rows).to_have_count(1)
    expect(dialog.get_by_label(f"Montant pour {second['number']}")).to_have_count(0)
    search = dialog.get_by_label("Chercher une facture (numéro ou client)")
    search.fill(second["number"])
    dialog.get_by_role("button", name="Chercher").click()
    expect(rows).to_have_count(2)
    appended = dialog.get_by_label(f"Montant pour {second['number']}")
    expect(appended).to_have_attribute("name", "parts-1-amount")
    appended.fill("12,50")
    expect(dialog.locator("[data-split-total]")).to_have_text("12,50\u00a0€")
    expect(dialog.locator("[data-split-rest]")).to_have_text("17,50\u00a0€")
    ui.check_page("23-rapprochement-repartir-recherche")
    search.fill(second["number"])  # listed now: found no more
    dialog.get_by_role("button", name="Chercher").click()
    expect(dialog.locator("[data-split-none]")).to_have_text(
        "Aucune facture ouverte ne correspond."
    )
    search.fill(f"nulle-part-{uuid.uuid4().hex[:6]}")
    dialog.get_by_role("button", name="Chercher").click()
    expect(dialog.locator("[data-split-none]")).to_have_count(1)
    expect(rows).to_have_count(3)
    dialog.get_by_role("button", name="Répartir", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Virement réparti sur 1 facture(s)")
    expect(page.locator(".flash")).to_contain_text("Reste du virement : 17,50")
    ui.goto(f"/factures/{second['id']}")
    expect(page.locator(".page-head .badge")).to_have_text("Partiellement payée")


def test_a_split_suggestion_is_accepted_whole(ui: Ui, browser: Browser) -> None:
    """A transfer quoting two invoices whose dues add up to it: its parts are shown together
    with one « Accepter la répartition » (a viewer sees them, without any button)."""
    page = ui.page
    with ui.stack.login(ui.stack.users.accountant.email) as api:
        first, second = _issued_invoice(api), _issued_invoice(api)
        total = Decimal(first["totalAmount"]) + Decimal(second["totalAmount"])
        reference = f"{first['number']} {second['number']}"
        _incoming(ui, api, total, reference, "Payeur de deux factures")
    group = page.locator("tr.split-suggestion", has_text=first["number"])

    context = browser.new_context(locale="fr-FR", viewport={"width": 1360, "height": 900})
    try:
        viewer = Ui(context.new_page(), ui.stack, ui.screenshots)
        viewer.login(ui.stack.users.viewer.email)
        viewer.goto("/rapprochement")
        expect(viewer.page.get_by_text("Répartition sur 2 factures")).to_have_count(1)
        assert viewer.page.locator(WRITE_CONTROLS).count() == 0
    finally:
        context.close()

    ui.login(ui.stack.users.accountant.email)
    ui.goto("/rapprochement")
    expect(group).to_have_count(2)  # its part, and the row of « Accepter la répartition »
    accept = page.get_by_role(
        "button", name=f"Accepter la répartition sur {reference.replace(' ', ', ')}"
    )
    expect(accept).to_have_count(1)
    for invoice in (first, second):
        expect(
            page.get_by_role(
                "button", name=f"Rejeter : ce virement ne paie pas {invoice['number']}"
            )
        ).to_have_count(1)
    accept.scroll_into_view_if_needed()
    ui.check_page("24-rapprochement-suggestion-repartie")
    accept.click()
    expect(page.locator(".flash")).to_contain_text("Virement réparti sur 2 facture(s)")
    expect(page.locator(".flash")).to_contain_text("2 facture(s) payée(s)")
    for invoice in (first, second):
        ui.goto(f"/factures/{invoice['id']}")
        expect(page.locator(".page-head .badge")).to_have_text("Payée")
