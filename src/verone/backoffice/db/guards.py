"""Last-line checks at flush time: the audit log is append-only, issued documents are frozen.

The domain already refuses these moves; the guards make a bypass (a stray attribute write)
fail loudly instead of reaching the database.
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from verone.backoffice.domain.audit import AuditEntry
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.errors import DocumentNotDeletable, DocumentNotEditable
from verone.backoffice.domain.statuses import EDITABLE_STATUSES, DocumentStatus

#: What is issued: once a document leaves pending/draft these never change.
FROZEN_ATTRIBUTES = (
    "document_type",
    "number",
    "customer_id",
    "customer_name",
    "currency",
    "issue_date",
    "due_date",
    "expiry_date",
    "discount_kind",
    "discount_value",
    "notes",
    "parent_document_id",
    "total_ht",
    "total_vat",
    "total_amount",
    "items",
    "content_hash",
)


class AppendOnlyViolation(RuntimeError):
    """Something tried to update or delete an audit-log row."""


def _original_status(document: FinancialDocument) -> DocumentStatus:
    history = inspect(document).attrs.status.history
    if history.deleted:
        previous = history.deleted[0]
        assert isinstance(previous, DocumentStatus)
        return previous
    return document.status


def _check_document(document: FinancialDocument, session: Session) -> None:
    if _original_status(document) in EDITABLE_STATUSES:
        return
    state = inspect(document)
    for name in FROZEN_ATTRIBUTES:
        if state.attrs[name].history.has_changes():
            raise DocumentNotEditable()
    for item in document.items:
        if item in session.dirty and session.is_modified(item):
            raise DocumentNotEditable()


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    for obj in session.dirty:
        if isinstance(obj, AuditEntry) and session.is_modified(obj):
            raise AppendOnlyViolation("audit_log rows are never updated")
        if isinstance(obj, FinancialDocument):
            _check_document(obj, session)
    for obj in session.deleted:
        if isinstance(obj, AuditEntry):
            raise AppendOnlyViolation("audit_log rows are never deleted")
        if isinstance(obj, FinancialDocument) and _original_status(obj) not in EDITABLE_STATUSES:
            raise DocumentNotDeletable()
    for obj in session.identity_map.values():
        if (
            isinstance(obj, FinancialDocument)
            and obj not in session.dirty
            and "items" not in inspect(obj).unloaded
        ):
            _check_document(obj, session)


def install_guards(factory: sessionmaker[Session]) -> None:
    """Attach the flush-time guards to the sessions of ``factory`` (once per factory)."""
    event.listen(factory, "before_flush", _before_flush)
