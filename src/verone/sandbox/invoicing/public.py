"""Public pages of the simulated Qonto (no auth): ``invoice_url`` with "Payer", ``quote_url``
with approve/decline. Paying books an incoming transfer whose reference is the invoice number.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from verone.money import format_money_fr
from verone.sandbox.deps import StateDep
from verone.sandbox.invoicing.invoices import INVOICE_EVENT, pay_online
from verone.sandbox.invoicing.quotes import decide_quote
from verone.sandbox.invoicing.records import InvoiceRecord, QuoteRecord
from verone.sandbox.invoicing.rules import InvoiceStatus, QuoteStatus, totals
from verone.sandbox.invoicing.wire import invoice_wire
from verone.sandbox.state import SandboxState
from verone.sandbox.wire import dump

router = APIRouter()

INVOICE_STATUS_FR = {
    InvoiceStatus.DRAFT: "Brouillon",
    InvoiceStatus.UNPAID: "À payer",
    InvoiceStatus.PAID: "Payée",
    InvoiceStatus.CANCELED: "Annulée",
}
QUOTE_STATUS_FR = {
    QuoteStatus.PENDING_APPROVAL: "En attente de validation",
    QuoteStatus.APPROVED: "Accepté",
    QuoteStatus.CANCELED: "Refusé",
}


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    html = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><main>{body}</main>"
        "<footer><small>Qonto (simulateur local)</small></footer></body></html>"
    )
    return HTMLResponse(html, status_code=status_code)


def _not_found() -> HTMLResponse:
    return _page("Page introuvable", "<h1>Page introuvable</h1>", status_code=404)


def _document_table(document: InvoiceRecord | QuoteRecord) -> str:
    doc = totals(document.items, document.discount)
    rows = "".join(
        f"<tr><td>{escape(item.title)}</td><td>{item.quantity}</td>"
        f"<td>{format_money_fr(line.total, document.currency)}</td></tr>"
        for item, line in zip(document.items, doc.lines, strict=True)
    )
    cur = document.currency
    return (
        "<table><thead><tr><th>Désignation</th><th>Quantité</th><th>Total TTC</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        f"<p>Total HT : {format_money_fr(doc.subtotal, cur)}<br>"
        f"TVA : {format_money_fr(doc.vat, cur)}<br>"
        f'<strong>Total TTC : <span class="total">{format_money_fr(doc.total, cur)}</span>'
        "</strong></p>"
    )


def _invoice_page(state: SandboxState, invoice: InvoiceRecord, token: str) -> HTMLResponse:
    org = state.banking.organization
    status = INVOICE_STATUS_FR[InvoiceStatus(invoice.status)]
    action = ""
    if invoice.status == InvoiceStatus.UNPAID:
        action = (
            f'<form method="post" action="/public/invoices/{escape(token)}/pay">'
            '<button type="submit">Payer</button></form>'
        )
    body = (
        f"<h1>Facture {escape(invoice.number or 'brouillon')}</h1>"
        f"<p>Émise par {escape(org.legal_name)} pour {escape(invoice.client.display_name())}</p>"
        f"<p>Échéance : {invoice.due_date.strftime('%d/%m/%Y')}</p>"
        f'<p>Statut : <span class="status">{status}</span></p>'
        f"{_document_table(invoice)}{action}"
    )
    return _page(f"Facture {invoice.number or ''}", body)


def _quote_page(quote: QuoteRecord, token: str) -> HTMLResponse:
    status = QUOTE_STATUS_FR[QuoteStatus(quote.status)]
    actions = ""
    if quote.status == QuoteStatus.PENDING_APPROVAL:
        base = f"/public/quotes/{escape(token)}"
        actions = (
            f'<form method="post" action="{base}/approve"><button type="submit">Accepter le devis'
            f'</button></form><form method="post" action="{base}/decline">'
            '<button type="submit">Refuser le devis</button></form>'
        )
    body = (
        f"<h1>Devis {escape(quote.number)}</h1>"
        f"<p>Pour {escape(quote.client.display_name())}</p>"
        f"<p>Valable jusqu'au {quote.expiry_date.strftime('%d/%m/%Y')}</p>"
        f'<p>Statut : <span class="status">{status}</span></p>'
        f"{_document_table(quote)}{actions}"
    )
    return _page(f"Devis {quote.number}", body)


@router.get("/public/invoices/{token}", response_class=HTMLResponse)
def invoice_page(token: str, state: StateDep) -> HTMLResponse:
    with state.lock:
        invoice = state.invoicing.invoice_by_token(token)
        return _not_found() if invoice is None else _invoice_page(state, invoice, token)


@router.post("/public/invoices/{token}/pay", response_model=None)
def pay_invoice(token: str, state: StateDep) -> HTMLResponse | RedirectResponse:
    with state.lock:
        invoice = state.invoicing.invoice_by_token(token)
        if invoice is None:
            return _not_found()
        if invoice.status != InvoiceStatus.UNPAID:
            return _page(
                "Paiement impossible", "<h1>Cette facture ne peut pas être payée</h1>", 409
            )
        pay_online(state, invoice, totals(invoice.items, invoice.discount).total)
        state.webhooks.emit(INVOICE_EVENT, dump(invoice_wire(state, invoice)))
    return RedirectResponse(f"/public/invoices/{token}", status_code=303)


@router.get("/public/quotes/{token}", response_class=HTMLResponse)
def quote_page(token: str, state: StateDep) -> HTMLResponse:
    with state.lock:
        quote = state.invoicing.quote_by_token(token)
        return _not_found() if quote is None else _quote_page(quote, token)


@router.post("/public/quotes/{token}/{decision}", response_model=None)
def decide(token: str, decision: str, state: StateDep) -> HTMLResponse | RedirectResponse:
    with state.lock:
        quote = state.invoicing.quote_by_token(token)
        if quote is None or decision not in {"approve", "decline"}:
            return _not_found()
        if quote.status != QuoteStatus.PENDING_APPROVAL:
            return _page("Devis déjà traité", "<h1>Ce devis a déjà reçu une réponse</h1>", 409)
        decide_quote(state, quote, decision)
    return RedirectResponse(f"/public/quotes/{token}", status_code=303)
