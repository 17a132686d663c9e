"""``verone.qonto``: a typed, retry-safe client for Qonto's Business API (sync and async).

Build one with ``get_qonto_client()`` (settings from ``QONTO_*``) or ``QontoClient(...)``.
"""

from verone.qonto._async_client import AsyncQontoClient
from verone.qonto._auth import ApiKeyAuth, AuthStrategy, OAuth2Auth
from verone.qonto._base import RequestOptions
from verone.qonto._client import QontoClient
from verone.qonto._encoding import FileUpload
from verone.qonto._exceptions import (
    BadRequest,
    Conflict,
    ErrorDetail,
    Forbidden,
    NotFound,
    QontoAmbiguousOutcome,
    QontoAPIError,
    QontoAuthError,
    QontoConnectionError,
    QontoError,
    QontoIdempotencyError,
    QontoInvalidId,
    QontoInvalidResponse,
    QontoPaginationError,
    QontoTimeout,
    RateLimited,
    ServerError,
    Unauthorized,
    Unprocessable,
)
from verone.qonto._ids import QONTO_ID_PATTERN
from verone.qonto._pagination import Page
from verone.qonto._pdf import (
    DocumentPdf,
    InvoicePdf,
    PdfNotAvailable,
    async_wait_for_invoice_pdf,
    fetch_document_pdf,
    wait_for_invoice_pdf,
)
from verone.qonto._ratelimit import InMemoryRateBudgetStore, RateBudget, RateBudgetStore, RateLimit
from verone.qonto._retry import RetryPolicy
from verone.qonto._settings import QontoSettings, get_async_qonto_client, get_qonto_client
from verone.qonto.resources._filters import (
    ClientFilterArgs,
    ClientFilters,
    ClientInvoiceFilterArgs,
    ClientInvoiceFilters,
    CreditNoteFilterArgs,
    CreditNoteFilters,
    QuoteFilterArgs,
    QuoteFilters,
    TransactionFilterArgs,
    TransactionFilters,
)
from verone.qonto.webhooks import WebhookSignatureError, verify_signature

__all__ = [  # noqa: RUF022  # plain sorted() order, checked by the tests
    "ApiKeyAuth",
    "AsyncQontoClient",
    "AuthStrategy",
    "BadRequest",
    "ClientFilterArgs",
    "ClientFilters",
    "ClientInvoiceFilterArgs",
    "ClientInvoiceFilters",
    "Conflict",
    "CreditNoteFilterArgs",
    "CreditNoteFilters",
    "DocumentPdf",
    "ErrorDetail",
    "FileUpload",
    "Forbidden",
    "InMemoryRateBudgetStore",
    "InvoicePdf",
    "NotFound",
    "OAuth2Auth",
    "Page",
    "PdfNotAvailable",
    "QONTO_ID_PATTERN",
    "QontoAPIError",
    "QontoAmbiguousOutcome",
    "QontoAuthError",
    "QontoClient",
    "QontoConnectionError",
    "QontoError",
    "QontoIdempotencyError",
    "QontoInvalidId",
    "QontoInvalidResponse",
    "QontoPaginationError",
    "QontoSettings",
    "QontoTimeout",
    "QuoteFilterArgs",
    "QuoteFilters",
    "RateBudget",
    "RateBudgetStore",
    "RateLimit",
    "RateLimited",
    "RequestOptions",
    "RetryPolicy",
    "ServerError",
    "TransactionFilterArgs",
    "TransactionFilters",
    "Unauthorized",
    "Unprocessable",
    "WebhookSignatureError",
    "async_wait_for_invoice_pdf",
    "fetch_document_pdf",
    "get_async_qonto_client",
    "get_qonto_client",
    "verify_signature",
    "wait_for_invoice_pdf",
]
