"""The sandbox's PDFs: real documents whose text shows the number and totals, and whose
finalized invoices and credit notes carry a Factur-X XML with the same totals.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from pypdf import PdfReader

from verone.money import format_money_fr
from verone.qonto import types as qt
from verone.sandbox.invoicing.pdf import (
    render_credit_note_pdf,
    render_invoice_pdf,
    render_quote_pdf,
)

FIXTURES = Path(__file__).parents[2] / "contract" / "fixtures"
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
UDT = "{urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100}"
RSM = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}"
SUMMARY = "SpecifiedTradeSettlementHeaderMonetarySummation/"


def _invoice(name: str) -> qt.ClientInvoice:
    text = (FIXTURES / f"{name}.json").read_text(encoding="utf-8")
    return qt.from_wire_json(qt.ClientInvoiceEnvelope, text).client_invoice


def _paid_invoice() -> qt.ClientInvoice:
    text = (FIXTURES / "client_invoices_list_page.json").read_text(encoding="utf-8")
    paid = qt.from_wire_json(qt.ClientInvoiceList, text).client_invoices[1]
    assert paid.status is qt.InvoiceStatus.PAID
    return paid


def _quote() -> qt.Quote:
    text = (FIXTURES / "quote.json").read_text(encoding="utf-8")
    return qt.from_wire_json(qt.QuoteEnvelope, text).quote


def _credit_note() -> qt.CreditNote:
    text = (FIXTURES / "credit_note.json").read_text(encoding="utf-8")
    return qt.from_wire_json(qt.CreditNoteEnvelope, text).credit_note


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    return _squash("\n".join(page.extract_text() for page in reader.pages))


def _money(amount: str) -> str:
    return _squash(format_money_fr(Decimal(amount)))


def _facturx(pdf: bytes) -> ET.Element:
    attachments = PdfReader(io.BytesIO(pdf)).attachments
    assert list(attachments) == ["factur-x.xml"]
    (xml,) = attachments["factur-x.xml"]
    return ET.fromstring(xml)  # noqa: S314  (XML we just generated, not untrusted input)


def _find(root: ET.Element, path: str) -> str:
    element = root.find(".//" + "/".join(f"{RAM}{part}" for part in path.split("/")))
    assert element is not None, path
    return element.text or ""


def _document(root: ET.Element, path: str) -> str:
    """A field of ``rsm:ExchangedDocument`` (number, type code, issue date)."""
    element = root.find(f"{RSM}ExchangedDocument/" + "/".join(f"{RAM}{p}" for p in path.split("/")))
    assert element is not None, path
    return element.text or ""


@pytest.fixture(scope="module")
def unpaid_pdf() -> bytes:
    return render_invoice_pdf(_invoice("client_invoice_unpaid"))


def test_finalized_invoice_shows_number_totals_and_iban(unpaid_pdf: bytes) -> None:
    text = _text(unpaid_pdf)
    assert "FACTURE F-2026-001" in text
    assert f"Total TTC : {_money('2607.83')}" in text
    assert f"Total HT : {_money('2187.36')}" in text
    assert f"TVA : {_money('420.47')}" in text
    assert "IBAN : FR7616958000016234567890123" in text
    assert "Boulangerie Martin SARL" in text
    assert "Atelier Verone SAS" in text
    assert f"Hébergement mensuel Remise : {_money('-7.49')} 1,5 mois" in text
    assert "BROUILLON" not in text


def test_finalized_invoice_embeds_facturx_with_its_totals(unpaid_pdf: bytes) -> None:
    root = _facturx(unpaid_pdf)
    assert root.tag.endswith("CrossIndustryInvoice")
    assert _find(root, "GuidelineSpecifiedDocumentContextParameter/ID") == (
        "urn:factur-x.eu:1p0:basicwl"
    )
    assert _document(root, "ID") == "F-2026-001"
    assert _document(root, "TypeCode") == "380"
    issued = root.find(f"{RSM}ExchangedDocument/{RAM}IssueDateTime/{UDT}DateTimeString")
    assert issued is not None
    assert issued.text == "20260302"
    assert issued.get("format") == "102"
    assert _find(root, "SellerTradeParty/Name") == "Atelier Verone SAS"
    assert _find(root, "SellerTradeParty/SpecifiedTaxRegistration/ID") == "FR12912345678"
    assert _find(root, "BuyerTradeParty/Name") == "Boulangerie Martin SARL"
    assert _find(root, "InvoiceCurrencyCode") == "EUR"
    assert _find(root, "IBANID") == "FR7616958000016234567890123"
    assert _find(root, SUMMARY + "LineTotalAmount") == "2187.36"
    assert _find(root, SUMMARY + "TaxBasisTotalAmount") == "2187.36"
    assert _find(root, SUMMARY + "TaxTotalAmount") == "420.47"
    assert _find(root, SUMMARY + "GrandTotalAmount") == "2607.83"
    assert _find(root, SUMMARY + "DuePayableAmount") == "2607.83"


def test_facturx_breaks_vat_down_per_rate(unpaid_pdf: bytes) -> None:
    root = _facturx(unpaid_pdf)
    taxes = {
        tax.findtext(f"{RAM}RateApplicablePercent"): (
            tax.findtext(f"{RAM}BasisAmount"),
            tax.findtext(f"{RAM}CalculatedAmount"),
        )
        for tax in root.iter(f"{RAM}ApplicableTradeTax")
    }
    assert taxes == {"20.00": ("2017.36", "403.47"), "10.00": ("170.00", "17.00")}


def test_paid_invoice_has_nothing_left_to_pay() -> None:
    root = _facturx(render_invoice_pdf(_paid_invoice()))
    assert _find(root, SUMMARY + "GrandTotalAmount") == "2607.83"
    assert _find(root, SUMMARY + "DuePayableAmount") == "0.00"


def test_canceled_invoice_keeps_its_facturx() -> None:
    canceled = _invoice("client_invoice_unpaid").model_copy(
        update={"status": qt.InvoiceStatus.CANCELED}
    )
    assert _document(_facturx(render_invoice_pdf(canceled)), "TypeCode") == "380"


@pytest.mark.parametrize("number", [None, "F-2026-00X-PROFORMA"])
def test_draft_is_marked_and_has_no_facturx(number: str | None) -> None:
    draft = _invoice("client_invoice_draft").model_copy(update={"number": number})
    pdf = render_invoice_pdf(draft)
    text = _text(pdf)
    assert "FACTURE BROUILLON" in text
    assert "F-2026" not in text
    assert f"Total TTC : {_money('2607.83')}" in text
    assert PdfReader(io.BytesIO(pdf)).attachments == {}


def test_quote_shows_number_discount_and_totals_without_facturx() -> None:
    pdf = render_quote_pdf(_quote())
    text = _text(pdf)
    assert "DEVIS D-2026-001" in text
    assert f"Remise : {_money('-109.37')}" in text
    assert f"3 j {_money('650.00')} 20 % {_money('1950.00')}" in text
    assert f"Total HT : {_money('2077.99')}" in text
    assert f"Total TTC : {_money('2477.44')}" in text
    assert "Valable jusqu'au : 12/03/2026" in text
    assert "IBAN" not in text
    assert PdfReader(io.BytesIO(pdf)).attachments == {}


def test_credit_note_has_facturx_381_with_positive_amounts() -> None:
    invoice = _invoice("client_invoice_unpaid")
    pdf = render_credit_note_pdf(_credit_note(), invoice.organization)
    text = _text(pdf)
    assert "AVOIR AV-2026-001" in text
    assert f"Total TTC : {_money('-80.83')}" in text
    assert "Motif : Hébergement de février non consommé" in text
    assert "Atelier Verone SAS" in text
    root = _facturx(pdf)
    assert _document(root, "TypeCode") == "381"
    assert _document(root, "ID") == "AV-2026-001"
    assert _find(root, SUMMARY + "GrandTotalAmount") == "80.83"
    assert _find(root, SUMMARY + "TaxTotalAmount") == "13.47"


def test_rendering_is_deterministic(unpaid_pdf: bytes) -> None:
    assert render_invoice_pdf(_invoice("client_invoice_unpaid")) == unpaid_pdf


def test_a_sparse_document_still_renders() -> None:
    text = _text(render_quote_pdf(qt.Quote(id="q")))
    assert "DEVIS BROUILLON" in text
    assert f"Total TTC : {_money('0')}" in text
