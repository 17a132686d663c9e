"""Repositories: all SQL of the back office, one module per aggregate; none of them commits."""

from verone.backoffice.db.repositories.audit import AuditRepository
from verone.backoffice.db.repositories.banking import (
    AllocationRepository,
    BankAccountRepository,
    BankTransactionRepository,
    RejectionRepository,
)
from verone.backoffice.db.repositories.documents import DocumentRepository
from verone.backoffice.db.repositories.operations import (
    EmailRepository,
    OutboxRepository,
    RateBudgetRepository,
    SyncRepository,
    WebhookEventRepository,
)
from verone.backoffice.db.repositories.parties import (
    CustomerRepository,
    OrderRepository,
    ProductRepository,
)
from verone.backoffice.db.repositories.users import (
    ApiTokenRepository,
    UserRepository,
    UserSessionRepository,
)

__all__ = [
    "AllocationRepository",
    "ApiTokenRepository",
    "AuditRepository",
    "BankAccountRepository",
    "BankTransactionRepository",
    "CustomerRepository",
    "DocumentRepository",
    "EmailRepository",
    "OrderRepository",
    "OutboxRepository",
    "ProductRepository",
    "RateBudgetRepository",
    "RejectionRepository",
    "SyncRepository",
    "UserRepository",
    "UserSessionRepository",
    "WebhookEventRepository",
]
