"""Real PDFs of invoices, quotes and credit notes, French layout, from the wire models.

Finalized invoices and credit notes embed a Factur-X (UN/CEFACT CII, BASIC WL) ``factur-x.xml``;
drafts and quotes are plain PDFs. Pure functions: a response model in, PDF bytes out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from fpdf import FPDF

from verone.money import ZERO, format_money_fr, quantize
from verone.qonto.types import (
    ClientInvoice,
    ClientSnapshot,
    CreditNote,
    DiscountDetails,
    InvoiceItem,
    InvoiceStatus,
    OrganizationSnapshot,
    Quote,
)
from verone.sandbox.invoicing.facturx import (
    CREDIT_NOTE_TYPE_CODE,
    FACTURX_FILENAME,
    INVOICE_TYPE_CODE,
    DocumentSheet,
    facturx_xml,
    read_amount,
)

DRAFT_LABEL = "BROUILLON"
UNICODE_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)
_UNITS_FR = {
    "unit": "unité",
    "hour": "h",
    "day": "j",
    "week": "semaine",
    "month": "mois",
    "year": "an",
    "meter": "m",
    "kilometer": "km",
    "square_meter": "m²",
    "kilogram": "kg",
    "liter": "l",
}
_STATUS_FR = {
    InvoiceStatus.DRAFT: "Brouillon",
    InvoiceStatus.UNPAID: "À payer",
    InvoiceStatus.PAID: "Payée",
    InvoiceStatus.CANCELED: "Annulée",
}


def _date_fr(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def _number_fr(value: Decimal | None) -> str:
    """``1.50`` → ``1,5``: a quantity or a percentage without useless zeros."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def _line_base(item: InvoiceItem, spread: bool) -> Decimal:
    """A line's HT before the document discount (Qonto's ``subtotal`` already has it spread)."""
    subtotal = read_amount(item.subtotal, item.subtotal_cents)
    if not spread or item.quantity is None or item.unit_price is None:
        return subtotal
    gross = quantize(item.quantity * read_amount(item.unit_price, item.unit_price_cents))
    off = ZERO
    if item.discount and item.discount.amount:
        off = abs(read_amount(item.discount.amount, item.discount.amount_cents))
    return gross - off if gross >= 0 else gross + off


def _totals(
    items: Sequence[InvoiceItem], total: Decimal, vat: Decimal, discount: DiscountDetails | None
) -> tuple[list[Decimal], Decimal, Decimal]:
    """(line HT before the document discount, HT total after it, document discount)."""
    spread = discount is not None and bool(discount.amount_cents or discount.amount)
    bases = [_line_base(item, spread) for item in items]
    subtotal = total - vat
    return bases, subtotal, sum(bases, ZERO) - subtotal


def _read_back(
    document: ClientInvoice | Quote | CreditNote,
    dates: list[tuple[str, str]],
    paid: Decimal | None = None,
) -> dict[str, Any]:
    """The part of a sheet every document fills alike: its amounts read back, the issue date
    first among ``dates``; ``paid`` (an invoice) lowers what is still due."""
    items = document.items or []
    total = read_amount(document.total_amount, document.total_amount_cents)
    vat = read_amount(document.vat_amount, document.vat_amount_cents)
    bases, subtotal, discount = _totals(items, total, vat, document.discount)
    return {
        "currency": document.currency or "EUR",
        "dates": [("Date d'émission", _date_fr(document.issue_date)), *dates],
        "client": document.client,
        "items": items,
        "subtotal": subtotal,
        "vat": vat,
        "total": total,
        "discount": discount,
        "line_bases": bases,
        "due_payable": total if paid is None else max(total - paid, ZERO),
    }


def _invoice_sheet(invoice: ClientInvoice) -> DocumentSheet:
    method = invoice.payment_methods[0] if invoice.payment_methods else None
    status = _STATUS_FR.get(InvoiceStatus(invoice.status)) if invoice.status in _STATUS_FR else None
    notes = [n for n in (invoice.terms_and_conditions, invoice.late_payment_penalties) if n]
    notes += [n for n in (invoice.legal_fixed_compensation, invoice.discount_conditions) if n]
    dates = [("Date d'échéance", _date_fr(invoice.due_date))]
    if invoice.purchase_order:
        dates.append(("Bon de commande", invoice.purchase_order))
    if status:
        dates.append(("Statut", status))
    return DocumentSheet(
        **_read_back(invoice, dates, read_amount(invoice.amount_paid, None)),
        title="FACTURE",
        number=invoice.number if invoice.is_finalized else None,
        type_code=INVOICE_TYPE_CODE,
        organization=invoice.organization,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        iban=method.iban if method else None,
        bic=method.bic if method else None,
        notes=notes,
        timestamp=invoice.finalized_at or invoice.created_at,
    )


def _quote_sheet(quote: Quote) -> DocumentSheet:
    return DocumentSheet(
        **_read_back(quote, [("Valable jusqu'au", _date_fr(quote.expiry_date))]),
        title="DEVIS",
        number=quote.number,
        type_code="",
        organization=quote.organization,
        notes=[quote.terms_and_conditions] if quote.terms_and_conditions else [],
        timestamp=quote.created_at,
    )


def _credit_note_sheet(
    note: CreditNote, organization: OrganizationSnapshot | None
) -> DocumentSheet:
    notes = [f"Motif : {note.reason}"] if note.reason else []
    if note.terms_and_conditions:
        notes.append(note.terms_and_conditions)
    return DocumentSheet(
        **_read_back(note, [("Facture d'origine du", _date_fr(note.invoice_issue_date))]),
        title="AVOIR",
        number=note.number,
        type_code=CREDIT_NOTE_TYPE_CODE,
        organization=organization,
        issue_date=note.issue_date,
        notes=notes,
        timestamp=note.finalized_at or note.created_at,
    )


# --------------------------------------------------------------------------- layout


class _Writer:
    """An FPDF page with a Unicode font when the system has one (Latin-1 fallback otherwise)."""

    def __init__(self) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.family = "helvetica"
        self.unicode = False
        for folder in UNICODE_FONT_DIRS:
            regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
            if regular.is_file() and bold.is_file():
                self.pdf.add_font("dejavu", "", str(regular))
                self.pdf.add_font("dejavu", "B", str(bold))
                self.family, self.unicode = "dejavu", True
                break

    def clean(self, text: str) -> str:
        if self.unicode:
            return text
        text = text.replace("\u202f", " ").replace("€", "EUR").replace("—", "-")
        return text.encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)

    def line(self, text: str, height: float = 5, align: str = "L") -> None:
        self.pdf.cell(0, height, self.clean(text), align=align, new_x="LMARGIN", new_y="NEXT")


def _party_lines(org: OrganizationSnapshot | None) -> list[str]:
    if org is None:
        return []
    city = " ".join(p for p in (org.address_zipcode, org.address_city) if p)
    lines = [org.address_line_1, org.address_line_2, city]
    lines += [f"SIREN : {org.legal_number}" if org.legal_number else None]
    lines += [f"TVA intracommunautaire : {org.vat_number}" if org.vat_number else None]
    return [line for line in lines if line]


def _client_lines(client: ClientSnapshot | None) -> list[str]:
    if client is None:
        return []
    address = client.billing_address
    street = (address.street_address if address else None) or client.address
    zip_code = (address.zip_code if address else None) or client.zip_code
    city = (address.city if address else None) or client.city
    lines = [client.display_name(), street, " ".join(p for p in (zip_code, city) if p)]
    lines.append(f"TVA : {client.vat_number}" if client.vat_number else None)
    return [line for line in lines if line]


def _header(writer: _Writer, sheet: DocumentSheet) -> None:
    org = sheet.organization
    writer.font(15, bold=True)
    writer.line((org.legal_name if org else None) or "", height=8)
    writer.font(9)
    for text in _party_lines(org):
        writer.line(text, height=4.5)
    writer.pdf.ln(4)
    writer.font(18, bold=True)
    writer.line(f"{sheet.title} {sheet.number or DRAFT_LABEL}", height=10, align="R")
    writer.font(9)
    for label, value in sheet.dates:
        writer.line(f"{label} : {value}", height=4.5, align="R")
    writer.pdf.ln(3)
    writer.font(10, bold=True)
    writer.line("Client")
    writer.font(9)
    for text in _client_lines(sheet.client):
        writer.line(text, height=4.5)
    writer.pdf.ln(5)


def _lines_table(writer: _Writer, sheet: DocumentSheet) -> None:
    writer.font(9)
    headings = ("Titre", "Qté", "PU HT", "TVA", "Total HT")
    with writer.pdf.table(
        col_widths=(76, 24, 30, 16, 34), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")
    ) as table:
        row = table.row()
        for heading in headings:
            row.cell(writer.clean(heading))
        for item, base in zip(sheet.items, sheet.line_bases, strict=True):
            unit_price = read_amount(item.unit_price, item.unit_price_cents)
            rate = item.vat_rate * 100 if item.vat_rate is not None else None
            title = item.title or ""
            unit = item.unit or ""
            if item.description:
                title = f"{title}\n{item.description}"
            if item.discount and item.discount.amount:
                off = read_amount(item.discount.amount, item.discount.amount_cents)
                title = f"{title}\nRemise : {format_money_fr(-off, sheet.currency)}"
            cells = (
                title,
                " ".join(p for p in (_number_fr(item.quantity), _UNITS_FR.get(unit, unit)) if p),
                format_money_fr(unit_price, sheet.currency),
                f"{_number_fr(rate)} %" if rate is not None else "",
                format_money_fr(base, sheet.currency),
            )
            row = table.row()
            for text in cells:
                row.cell(writer.clean(text))
    writer.pdf.ln(4)


def _totals_block(writer: _Writer, sheet: DocumentSheet) -> None:
    rows: list[tuple[str, str, bool]] = []
    if sheet.discount:
        rows.append(("Remise", format_money_fr(-sheet.discount, sheet.currency), False))
    rows += [
        ("Total HT", format_money_fr(sheet.subtotal, sheet.currency), False),
        ("TVA", format_money_fr(sheet.vat, sheet.currency), False),
        ("Total TTC", format_money_fr(sheet.total, sheet.currency), True),
    ]
    for label, value, bold in rows:
        writer.font(11 if bold else 10, bold=bold)
        writer.line(f"{label} : {value}", height=6, align="R")
    writer.pdf.ln(4)


def _footer(writer: _Writer, sheet: DocumentSheet) -> None:
    if sheet.iban:
        writer.font(10, bold=True)
        writer.line("Règlement par virement")
        writer.font(9)
        writer.line(f"IBAN : {sheet.iban}", height=4.5)
        if sheet.bic:
            writer.line(f"BIC : {sheet.bic}", height=4.5)
        writer.pdf.ln(3)
    writer.font(8)
    for note in sheet.notes:
        writer.pdf.multi_cell(0, 4, writer.clean(note), new_x="LMARGIN", new_y="NEXT")


def _render(sheet: DocumentSheet, xml: bytes | None) -> bytes:
    writer = _Writer()
    pdf = writer.pdf
    title = f"{sheet.title.capitalize()} {sheet.number or DRAFT_LABEL}"
    pdf.set_title(writer.clean(title))
    if sheet.organization and sheet.organization.legal_name:
        pdf.set_author(writer.clean(sheet.organization.legal_name))
    stamp = sheet.timestamp or datetime.combine(sheet.issue_date or date(2000, 1, 1), time())
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    pdf.set_creation_date(stamp)
    pdf.add_page()
    _header(writer, sheet)
    _lines_table(writer, sheet)
    _totals_block(writer, sheet)
    _footer(writer, sheet)
    if xml is not None:
        pdf.embed_file(
            bytes=xml,
            basename=FACTURX_FILENAME,
            modification_date=stamp,
            mime_type="text/xml",
            associated_file_relationship="Data",
            desc="Factur-X",
        )
    return bytes(pdf.output())


def render_invoice_pdf(invoice: ClientInvoice) -> bytes:
    """The PDF of a client invoice; finalized ones (unpaid, paid, canceled) carry Factur-X."""
    sheet = _invoice_sheet(invoice)
    return _render(sheet, facturx_xml(sheet) if invoice.is_finalized else None)


def render_quote_pdf(quote: Quote) -> bytes:
    """The PDF of a quote (no Factur-X: a quote is not an invoice)."""
    return _render(_quote_sheet(quote), None)


def render_credit_note_pdf(
    credit_note: CreditNote, organization: OrganizationSnapshot | None = None
) -> bytes:
    """The PDF of a credit note (final at creation, so it carries Factur-X, type code 381).

    Qonto's credit note embeds no organization snapshot: pass the issuer for the header.
    """
    sheet = _credit_note_sheet(credit_note, organization)
    return _render(sheet, facturx_xml(sheet))
