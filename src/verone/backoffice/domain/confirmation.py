"""What the user confirms before a finalization: a content hash and a signed, short-lived token.

``compute_content_hash`` covers everything that will be issued; the token binds a document id,
that hash, a user and an expiry with HMAC-SHA256.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from verone.backoffice.domain import errors

if TYPE_CHECKING:
    from verone.backoffice.domain.documents import FinancialDocument

CONFIRMATION_TTL = timedelta(minutes=10)
#: ``<expiry: 1-12 ASCII digits>.<sha-256 hex>.<base64url HMAC>``; anything else is refused
#: before any arithmetic (``"².a.b"`` or a 5 000-digit expiry never reach ``int``).
CONFIRMATION_TOKEN_PATTERN = r"^[0-9]{1,12}\.[0-9a-f]{64}\.[A-Za-z0-9_-]{43}$"  # noqa: S105
_TOKEN = re.compile(CONFIRMATION_TOKEN_PATTERN)


def canonical_json(value: object) -> bytes:
    """Deterministic JSON: sorted keys, no spaces, UTF-8; Decimals and dates as strings."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def content_payload(document: FinancialDocument) -> dict[str, object]:
    """The issued content of a document as plain JSON-able data."""
    payload: dict[str, object] = {
        "document_type": str(document.document_type),
        "customer_id": _opt(document.customer_id),
        "customer_name": document.customer_name,
        "currency": document.currency,
        "issue_date": _opt(document.issue_date),
        "due_date": _opt(document.due_date),
        "expiry_date": _opt(document.expiry_date),
        "parent_document_id": _opt(document.parent_document_id),
        "notes": document.notes,
        "discount": None
        if document.discount is None
        else {"kind": str(document.discount.kind), "value": str(document.discount.value)},
        "lines": [
            {
                "title": item.title,
                "description": item.description,
                "unit": item.unit,
                "quantity": str(item.quantity.normalize()),
                "unit_price": str(item.unit_price.normalize()),
                "vat_rate": str(item.vat_rate.normalize()),
                "discount": None
                if item.discount is None
                else {"kind": str(item.discount.kind), "value": str(item.discount.value)},
                "subtotal": str(item.subtotal),
                "vat": str(item.vat),
                "total": str(item.total),
            }
            for item in sorted(document.items, key=lambda i: i.position)
        ],
        "totals": {
            "ht": str(document.total_ht),
            "vat": str(document.total_vat),
            "ttc": str(document.total_amount),
        },
    }
    if document.purchase_order is not None:  # absent when unset: earlier hashes stay valid
        payload["purchase_order"] = document.purchase_order
    return payload


def compute_content_hash(document: FinancialDocument) -> str:
    """SHA-256 (hex) of the canonical JSON of what will be issued."""
    return hashlib.sha256(canonical_json(content_payload(document))).hexdigest()


@dataclass(frozen=True, slots=True)
class Confirmation:
    document_id: uuid.UUID
    content_hash: str
    user_id: uuid.UUID
    expires_at: datetime


def _sign(key: bytes, message: bytes) -> str:
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _message(document_id: uuid.UUID, content_hash: str, user_id: uuid.UUID, exp: int) -> bytes:
    return f"{document_id}.{content_hash}.{user_id}.{exp}".encode()


def make_confirmation_token(
    key: bytes,
    document_id: uuid.UUID,
    content_hash: str,
    user_id: uuid.UUID,
    expires_at: datetime,
) -> str:
    """``<expiry unix seconds>.<content hash>.<hmac>``; document and user are bound, not carried."""
    if expires_at.tzinfo is None:
        raise ValueError("expires_at must be timezone-aware")
    exp = int(expires_at.timestamp())
    signature = _sign(key, _message(document_id, content_hash, user_id, exp))
    return f"{exp}.{content_hash}.{signature}"


def confirmation_expiry(now: datetime) -> datetime:
    return now + CONFIRMATION_TTL


def check_confirmation_token(
    key: bytes,
    token: str,
    *,
    document_id: uuid.UUID,
    content_hash: str,
    user_id: uuid.UUID,
    now: datetime,
) -> Confirmation:
    """Verify a token for this document, user and current content hash at ``now``.

    Raises ``ConfirmationInvalid`` (malformed, forged, other user or document),
    ``ConfirmationExpired`` (after 10 minutes) or ``ContentChanged`` (the document's content
    differs from what was previewed).
    """
    if not _TOKEN.fullmatch(token):
        raise errors.ConfirmationInvalid()
    exp_text, previewed_hash, signature = token.split(".")
    exp = int(exp_text)
    expected = _sign(key, _message(document_id, previewed_hash, user_id, exp))
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise errors.ConfirmationInvalid()
    expires_at = datetime.fromtimestamp(exp, tz=UTC)
    if now >= expires_at:
        raise errors.ConfirmationExpired()
    if not hmac.compare_digest(previewed_hash.encode(), content_hash.encode()):
        raise errors.ContentChanged()
    return Confirmation(document_id, previewed_hash, user_id, expires_at)
