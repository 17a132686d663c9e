"""Factur-X: the UN/CEFACT CII XML (BASIC WL fields) embedded in finalized invoices and credit
notes, built from the same sheet the PDF layout prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from xml.etree import ElementTree as ET

from verone.money import ZERO, from_cents, quantize
from verone.qonto.types import Amount, ClientSnapshot, InvoiceItem, OrganizationSnapshot

FACTURX_FILENAME = "factur-x.xml"
INVOICE_TYPE_CODE = "380"
CREDIT_NOTE_TYPE_CODE = "381"
_NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


@dataclass(frozen=True, slots=True)
class DocumentSheet:
    """Everything the layout prints, whatever the kind of document."""

    title: str
    number: str | None
    type_code: str
    currency: str
    dates: list[tuple[str, str]]
    organization: OrganizationSnapshot | None
    client: ClientSnapshot | None
    items: Sequence[InvoiceItem]
    subtotal: Decimal
    vat: Decimal
    total: Decimal
    discount: Decimal
    due_payable: Decimal
    line_bases: Sequence[Decimal] = ()
    issue_date: date | None = None
    due_date: date | None = None
    iban: str | None = None
    bic: str | None = None
    notes: list[str] = field(default_factory=list)
    timestamp: datetime | None = None


def read_amount(amount: Amount | None, cents: int | None) -> Decimal:
    """An amount read from ``*_cents`` when present, else from the decimal string."""
    if cents is not None:
        return from_cents(cents)
    return quantize(amount.value) if amount is not None else ZERO


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    prefix, name = tag.split(":")
    element = ET.SubElement(parent, f"{{{_NS[prefix]}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def _cii_date(parent: ET.Element, tag: str, value: date) -> None:
    holder = _sub(parent, tag)
    _sub(holder, "udt:DateTimeString", value.strftime("%Y%m%d"), format="102")


def _money_text(value: Decimal, credit_note: bool) -> str:
    """CII amounts: two decimals, positive on a credit note (its type code says the sign)."""
    return format(quantize(abs(value) if credit_note else value), "f")


def _tax_breakdown(items: Iterable[InvoiceItem]) -> dict[Decimal, tuple[Decimal, Decimal]]:
    """VAT rate → (tax basis, tax amount), summed over the lines."""
    groups: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for item in items:
        rate = item.vat_rate if item.vat_rate is not None else ZERO
        basis, tax = groups.get(rate, (ZERO, ZERO))
        groups[rate] = (
            basis + read_amount(item.subtotal, item.subtotal_cents),
            tax + read_amount(item.total_vat, item.total_vat_cents),
        )
    return groups


def _seller(agreement: ET.Element, org: OrganizationSnapshot | None) -> None:
    seller = _sub(agreement, "ram:SellerTradeParty")
    _sub(seller, "ram:Name", (org.legal_name if org else None) or "")
    if org and org.legal_number:
        legal = _sub(seller, "ram:SpecifiedLegalOrganization")
        _sub(legal, "ram:ID", org.legal_number, schemeID="0002")
    address = _sub(seller, "ram:PostalTradeAddress")
    _sub(
        address,
        "ram:CountryID",
        ((org.address_country or org.legal_country) if org else None) or "FR",
    )
    if org and org.vat_number:
        registration = _sub(seller, "ram:SpecifiedTaxRegistration")
        _sub(registration, "ram:ID", org.vat_number, schemeID="VA")


def _settlement(root: ET.Element, sheet: DocumentSheet, credit: bool) -> None:
    settlement = _sub(root, "ram:ApplicableHeaderTradeSettlement")
    _sub(settlement, "ram:InvoiceCurrencyCode", sheet.currency)
    if sheet.iban:
        means = _sub(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _sub(means, "ram:TypeCode", "58")
        account = _sub(means, "ram:PayeePartyCreditorFinancialAccount")
        _sub(account, "ram:IBANID", sheet.iban.replace(" ", ""))
    for rate, (basis, tax) in sorted(_tax_breakdown(sheet.items).items()):
        trade_tax = _sub(settlement, "ram:ApplicableTradeTax")
        _sub(trade_tax, "ram:CalculatedAmount", _money_text(tax, credit))
        _sub(trade_tax, "ram:TypeCode", "VAT")
        _sub(trade_tax, "ram:BasisAmount", _money_text(basis, credit))
        _sub(trade_tax, "ram:CategoryCode", "S" if rate > 0 else "E")
        _sub(trade_tax, "ram:RateApplicablePercent", format(quantize(rate * 100), "f"))
    if sheet.due_date:
        terms = _sub(settlement, "ram:SpecifiedTradePaymentTerms")
        _cii_date(terms, "ram:DueDateDateTime", sheet.due_date)
    summary = _sub(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _sub(summary, "ram:LineTotalAmount", _money_text(sheet.subtotal + sheet.discount, credit))
    if sheet.discount:
        _sub(summary, "ram:AllowanceTotalAmount", _money_text(sheet.discount, credit))
    _sub(summary, "ram:TaxBasisTotalAmount", _money_text(sheet.subtotal, credit))
    _sub(summary, "ram:TaxTotalAmount", _money_text(sheet.vat, credit), currencyID=sheet.currency)
    _sub(summary, "ram:GrandTotalAmount", _money_text(sheet.total, credit))
    _sub(summary, "ram:DuePayableAmount", _money_text(sheet.due_payable, credit))


def facturx_xml(sheet: DocumentSheet) -> bytes:
    """The CII XML (Factur-X BASIC WL fields) of a finalized invoice or credit note."""
    credit = sheet.type_code == CREDIT_NOTE_TYPE_CODE
    root = ET.Element(f"{{{_NS['rsm']}}}CrossIndustryInvoice")
    context = _sub(root, "rsm:ExchangedDocumentContext")
    guideline = _sub(context, "ram:GuidelineSpecifiedDocumentContextParameter")
    _sub(guideline, "ram:ID", "urn:factur-x.eu:1p0:basicwl")
    document = _sub(root, "rsm:ExchangedDocument")
    _sub(document, "ram:ID", sheet.number or "")
    _sub(document, "ram:TypeCode", sheet.type_code)
    _cii_date(document, "ram:IssueDateTime", sheet.issue_date or date(1970, 1, 1))
    transaction = _sub(root, "rsm:SupplyChainTradeTransaction")
    agreement = _sub(transaction, "ram:ApplicableHeaderTradeAgreement")
    _seller(agreement, sheet.organization)
    buyer = _sub(agreement, "ram:BuyerTradeParty")
    _sub(buyer, "ram:Name", sheet.client.display_name() if sheet.client else "")
    _sub(transaction, "ram:ApplicableHeaderTradeDelivery")
    _settlement(transaction, sheet, credit)
    for prefix, uri in _NS.items():
        ET.register_namespace(prefix, uri)
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml
