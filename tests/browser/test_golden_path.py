"""The golden path in a real browser, against the real server and the real sandbox:
log in → invoice from an order → finalize through the dialog → number, then PDF → pay on the
sandbox's ``invoice_url`` page → sync → accept the suggestion → paid, payment in its tab.
Then a credit note from that invoice, and the main pages' screenshots and axe-core checks."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import Ui
from verone.backoffice.services import queries


def _pay_on_the_sandbox_page(ui: Ui, document_id: str) -> None:
    """Open the invoice's public page (as the customer would) and press « Payer »."""
    import uuid

    document = queries.get_document(ui.stack.container.unit_of_work(), uuid.UUID(document_id))
    assert document.qonto_id is not None
    invoice = ui.stack.container.qonto_client.client_invoices.get(document.qonto_id)
    assert invoice.invoice_url is not None
    # the sandbox writes its configured public address; in tests it listens on another port
    public = ui.stack.sandbox_url + urlsplit(invoice.invoice_url).path
    customer = ui.page.context.new_page()
    customer.goto(public)
    customer.get_by_role("button", name="Payer").click()
    expect(customer.locator(".status")).to_have_text(re.compile("Payée", re.IGNORECASE))
    customer.close()


def test_golden_path(ui: Ui) -> None:
    page = ui.page
    ui.goto("/")
    expect(page.get_by_text("Qonto simulé — aucune donnée bancaire réelle")).to_be_visible()
    ui.check_page("01-connexion")
    ui.login(ui.stack.users.accountant.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    ui.check_page("02-tableau-de-bord")

    # an invoice from an order, through the dialog
    ui.goto("/commandes?facturation=not_invoiced")
    ui.check_page("03-commandes")
    page.get_by_role("button", name="Créer la facture").first.click()
    dialog = page.locator("dialog[open]")
    expect(dialog.get_by_role("heading", level=2)).to_contain_text("Créer la facture")
    ui.check_page("04-dialogue-facture-depuis-commande")
    dialog.get_by_role("button", name="Créer le brouillon de facture").click()
    expect(page.locator(".flash")).to_have_text("Brouillon créé dans Qonto.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Brouillon")
    document_id = ui.document_id()

    # finalize: the button waits for FINALISER; the number, then the PDF, appear
    page.get_by_role("button", name="Finaliser la facture").click()
    dialog = page.locator("dialog[open]")
    expect(dialog.get_by_text("La finalisation est irréversible")).to_be_visible()
    confirm = dialog.get_by_role("button", name="Finaliser la facture")
    expect(confirm).to_be_disabled()
    ui.check_page("05-dialogue-finalisation")
    dialog.get_by_label("Pour confirmer, tapez FINALISER").fill("finaliser")
    expect(confirm).to_be_disabled()
    dialog.get_by_label("Pour confirmer, tapez FINALISER").fill("FINALISER")
    expect(confirm).to_be_enabled()
    confirm.click()
    number = dialog.locator("#issued-number")
    expect(number).to_have_text(re.compile(r"^F-\d{4}-\d+$"))
    expect(dialog.get_by_text("PDF en cours de génération par Qonto…")).to_be_visible()
    expect(dialog.get_by_role("link", name="Télécharger le PDF")).to_be_visible(timeout=45_000)
    issued = number.inner_text()
    dialog.get_by_role("link", name="Voir le document").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(issued)
    expect(page.locator("iframe.pdf")).to_be_visible()
    ui.check_page("06-facture-emise")

    # the customer pays on Qonto's page; the bank sync brings the transfer; we accept it
    _pay_on_the_sandbox_page(ui, document_id)
    ui.goto("/rapprochement")
    page.get_by_role("button", name="Synchroniser maintenant").click()
    expect(page.locator("#sync-progress")).to_contain_text("Réussie", timeout=30_000)
    ui.goto("/rapprochement")
    row = page.locator("tr", has=page.get_by_role("link", name=issued))
    expect(row.first).to_contain_text("Montant identique au reste dû")
    ui.check_page("07-rapprochement")
    row.first.get_by_role("button", name="Accepter").click()
    expect(page.locator(".flash")).to_contain_text("La facture est payée.")

    ui.goto(f"/factures/{document_id}")
    expect(page.locator(".page-head .badge")).to_have_text("Payée")
    payments = page.locator("#paiements")
    expect(payments.get_by_role("button", name="Annuler le rapprochement")).to_be_visible()
    expect(payments).to_contain_text("Reste à payer : 0,00")

    # a credit note from that invoice: lines pre-filled, what can still be credited shown
    page.get_by_role("button", name="Créer un avoir").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_contain_text("Montant encore créditable")
    dialog.get_by_label("Motif").fill("Retour client")
    dialog.get_by_role("button", name="Créer le brouillon d'avoir").click()
    expect(page.locator(".flash")).to_have_text("Brouillon d'avoir créé.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Avoir")
    expect(page.locator("#lies")).to_contain_text(issued)

    ui.goto("/factures")
    ui.check_page("08-factures-qonto")

    # the dashboard now shows the synced account and the payment of this month
    ui.goto("/")
    expect(page.locator("#soldes + .cards article header").first).not_to_be_empty()
    paid = page.locator("article", has=page.get_by_text("Payé ce mois-ci")).locator(".figure")
    expect(paid).not_to_have_text("0,00 €")
    expect(page.get_by_text("Transactions : Réussie")).to_be_visible()
    ui.check_page("09-tableau-de-bord-apres-paiement")
