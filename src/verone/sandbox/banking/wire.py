"""Banking answers as the client's wire models: organization, accounts, transactions, files.

Every answer is built with ``verone.sandbox.wire.build`` (or ``assemble`` on the transaction
hot path) and written with ``dump``; see docs/sandbox.md, "How answers are built".
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from verone.money import from_cents
from verone.qonto.types.attachments import Attachment as AttachmentWire
from verone.qonto.types.clients import Address
from verone.qonto.types.organization import BankAccount as BankAccountWire
from verone.qonto.types.organization import Organization, OrganizationEnvelope
from verone.qonto.types.transactions import Transaction as TransactionWire
from verone.qonto.types.transactions import TransactionLabel, TransferDetails
from verone.sandbox.banking.attachments import Attachment, AttachmentStore
from verone.sandbox.banking.store import BankAccount, BankingStore, Transaction
from verone.sandbox.wire import assemble, attributes, build, dumps

INCLUDES = frozenset({"labels", "attachments", "vat_details"})
"""Values of ``includes[]`` on the transaction endpoints (``vat_details`` is not simulated)."""


def from_millis(millis: int) -> datetime:
    """The UTC datetime of a stored epoch-milliseconds value."""
    return datetime.fromtimestamp(millis / 1000, UTC)


class OrganizationAnswer(Organization):
    """``GET /v2/organization`` as the sandbox answers it: Qonto's fields plus ``vat_number``
    (the client's model does not read it; docs/sandbox.md, Banking)."""

    vat_number: str | None = None


class OrganizationEnvelopeAnswer(OrganizationEnvelope):
    organization: OrganizationAnswer


def account_wire(banking: BankingStore, account: BankAccount) -> BankAccountWire:
    authorized = banking.authorized_balance_cents(account)
    return build(
        BankAccountWire,
        **attributes(account, "id slug name iban bic currency status main"),
        balance=from_cents(account.balance_cents),
        balance_cents=account.balance_cents,
        authorized_balance=from_cents(authorized),
        authorized_balance_cents=authorized,
        organization_id=banking.organization.id,
        is_external_account=False,
        account_number=None,
        updated_at=from_millis(account.updated_ms),
    )


def organization_wire(banking: BankingStore) -> OrganizationAnswer:
    org = banking.organization
    address = org.address
    return build(
        OrganizationAnswer,
        **attributes(org, "id name slug legal_name locale legal_country legal_form legal_sector"),
        legal_share_capital=Decimal(org.legal_share_capital),
        legal_registration_date=date.fromisoformat(org.legal_registration_date),
        legal_address=f"{address.street_address}, {address.zip_code} {address.city}",
        address=build(
            Address,
            **attributes(address, "street_address city zip_code"),
            country_code=address.country,
        ),
        legal_number=org.legal_number,
        contract_signed_at=from_millis(org.contract_signed_at_ms),
        bank_accounts=[account_wire(banking, a) for a in org.bank_accounts],
        vat_number=org.vat_number,
    )


def attachment_wire(
    store: AttachmentStore, attachment: Attachment, base_url: str
) -> AttachmentWire:
    return build(
        AttachmentWire,
        id=attachment.id,
        created_at=from_millis(attachment.created_ms),
        file_name=attachment.file_name,
        file_size=str(attachment.size),
        file_content_type=attachment.content_type,
        url=store.signed_url(attachment.id, base_url),
        probative_attachment=None,
    )


def attachment_created(attachment_id: str) -> AttachmentWire:
    """The answer of an upload: only the new attachment's ``id``."""
    return build(AttachmentWire, id=attachment_id)


_TRANSACTION_COPIED = (
    "id bank_account_id amount_cents side operation_type label reference note status"
    " card_last_digits category attachment_required"
)
"""The fields of a transaction row written as they are stored."""


def transaction_wire(
    txn: Transaction,
    *,
    labels: list[TransactionLabel] | None = None,
    attachments: list[AttachmentWire] | None = None,
) -> TransactionWire:
    """The wire model of a stored row, built from already-typed values (no re-validation).

    Every value has its field's type (``Decimal`` amounts, UTC datetimes, a ``TransferDetails``),
    so ``dump`` writes it exactly as a validated model; a unit test checks the round trip.
    ``labels`` and ``attachments`` are set only when ``includes[]`` asked for them.
    """
    amount = from_cents(txn.amount_cents)
    transfer = None
    if txn.counterparty_iban:
        transfer = assemble(
            TransferDetails,
            counterparty_account_number=txn.counterparty_iban,
            counterparty_account_number_format="IBAN",
            counterparty_bank_identifier=txn.counterparty_bic,
            counterparty_bank_identifier_format="SWIFT_BIC",
        )
    vat = txn.vat_amount_cents
    balance = txn.balance_cents
    row = assemble(
        TransactionWire,
        **attributes(txn, _TRANSACTION_COPIED),
        transaction_id=txn.slug,
        amount=amount,
        settled_balance=None if balance is None else from_cents(balance),
        settled_balance_cents=balance,
        local_amount=amount,
        local_amount_cents=txn.amount_cents,
        currency="EUR",
        local_currency="EUR",
        clean_counterparty_name=txn.counterparty_name,
        settled_at=None if txn.settled_ms is None else from_millis(txn.settled_ms),
        emitted_at=from_millis(txn.emitted_ms),
        created_at=from_millis(txn.created_ms),
        updated_at=from_millis(txn.updated_ms),
        vat_amount=None if vat is None else from_cents(vat),
        vat_amount_cents=vat,
        vat_rate=None if txn.vat_rate is None else Decimal(txn.vat_rate) * 100,
        initiator_id=None,
        cashflow_category=None,
        cashflow_subcategory=None,
        subject_type="Transfer" if transfer else None,
        is_external_transaction=False,
        attachment_ids=list(txn.attachment_ids),
        attachment_lost=False,
        label_ids=[],
        transfer=transfer,
    )
    if labels is not None:  # assignment marks the field as set: ``dump`` then writes it
        row.labels = labels
    if attachments is not None:
        row.attachments = attachments
    return row


def transaction_bytes(banking: BankingStore, txn: Transaction) -> bytes:
    """``dumps(transaction_wire(txn))``, built once per row and version of the row.

    ``BankingStore.touch`` and ``load`` drop the cached entry, so an answer never goes stale.
    """
    cached = banking.wire_cache.get(txn.id)
    if cached is None:
        cached = dumps(transaction_wire(txn))
        banking.cache_wire(txn.id, cached)
    return cached
