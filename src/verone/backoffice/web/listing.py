"""The « Factures Qonto » list's state, all in the URL (shareable, the back button works):
tab, status chip, customer, dates, amounts, search, sort, page. Parsed once, turned into the
repository's ``DocumentFilter`` and back into links."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from verone.backoffice.domain.queries import DocumentFilter, DocumentSort, PageRequest
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType
from verone.backoffice.web import labels

S = DocumentStatus
PER_PAGE = 25

#: status chips: value in the URL → label and statuses (overdue and partly paid are derived)
CHIPS: dict[str, tuple[str, frozenset[DocumentStatus]]] = {
    "tous": ("Tous", frozenset()),
    "brouillons": ("Brouillons", frozenset({S.PENDING, S.DRAFT})),
    "a-payer": ("À payer", frozenset({S.FINALIZED})),
    "en-retard": ("En retard", frozenset({S.FINALIZED})),
    "partiellement-payees": ("Partiellement payées", frozenset({S.FINALIZED})),
    "payees": ("Payées", frozenset({S.PAID})),
    "annulees": ("Annulées", frozenset({S.CANCELLED})),
    "envoyes": ("Envoyés", frozenset({S.FINALIZED})),
    "acceptes": ("Acceptés", frozenset({S.ACCEPTED, S.CONVERTED})),
    "refuses": ("Refusés", frozenset({S.DECLINED})),
    "emis": ("Émis", frozenset({S.FINALIZED})),
}
CHIPS_OF = {kind: words.chips for kind, words in labels.WORDS.items()}
SORTS = {
    "numero": DocumentSort.NUMBER,
    "client": DocumentSort.CUSTOMER_NAME,
    "date": DocumentSort.ISSUE_DATE,
    "echeance": DocumentSort.DUE_DATE,
    "montant": DocumentSort.TOTAL_AMOUNT,
    "creation": DocumentSort.CREATED_AT,
}


def _invalid(name: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("query", name), "msg": message, "type": "value_error"}])


def _date(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise _invalid(name, "Date invalide.") from None


def _amount(request: Request, name: str) -> Decimal | None:
    raw = request.query_params.get(name, "").strip().replace(",", ".").replace(" ", "")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise _invalid(name, "Montant invalide.") from None
    if not value.is_finite() or abs(value) >= Decimal(10) ** 10:
        raise _invalid(name, "Montant invalide.")
    return value.quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class DocumentQuery:
    tab: str = "factures"
    chip: str = "tous"
    customer: str = ""
    issued_from: date | None = None
    issued_to: date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    search: str = ""
    sort: str = "creation"
    descending: bool = True
    page: int = 1

    @classmethod
    def from_request(cls, request: Request) -> DocumentQuery:
        q = request.query_params
        tab = q.get("type", "factures")
        if tab not in labels.TAB_KIND:
            raise _invalid("type", "Onglet inconnu.")
        chip = q.get("statut", "tous") or "tous"
        if chip not in CHIPS_OF[labels.TAB_KIND[tab]]:
            raise _invalid("statut", "Statut inconnu.")
        sort = q.get("tri", "creation") or "creation"
        if sort not in SORTS:
            raise _invalid("tri", "Tri inconnu.")
        customer = q.get("client", "").strip()
        if customer:
            try:
                uuid.UUID(customer)
            except ValueError:
                raise _invalid("client", "Client inconnu.") from None
        try:
            page = max(1, int(q.get("page", "1") or "1"))
        except ValueError:
            raise _invalid("page", "Page invalide.") from None
        return cls(
            tab=tab,
            chip=chip,
            customer=customer,
            issued_from=_date(request, "du"),
            issued_to=_date(request, "au"),
            amount_min=_amount(request, "min"),
            amount_max=_amount(request, "max"),
            search=q.get("q", "").strip()[:100],
            sort=sort,
            descending=q.get("ordre", "desc") != "asc",
            page=min(page, 100_000),
        )

    @property
    def kind(self) -> DocumentType:
        return labels.TAB_KIND[self.tab]

    def criteria(self, today: date) -> DocumentFilter:
        return DocumentFilter(
            document_type=self.kind,
            statuses=CHIPS[self.chip][1],
            customer_id=uuid.UUID(self.customer) if self.customer else None,
            search=self.search or None,
            issued_from=self.issued_from,
            issued_to=self.issued_to,
            overdue_on=today if self.chip == "en-retard" else None,
            partly_paid=self.chip == "partiellement-payees",
            amount_min=self.amount_min,
            amount_max=self.amount_max,
            sort=SORTS[self.sort],
            descending=self.descending,
        )

    def page_request(self) -> PageRequest:
        return PageRequest(page=self.page, per_page=PER_PAGE)

    def params(self) -> dict[str, str]:
        values = {
            "type": self.tab,
            "statut": self.chip,
            "client": self.customer,
            "du": self.issued_from.isoformat() if self.issued_from else "",
            "au": self.issued_to.isoformat() if self.issued_to else "",
            "min": f"{self.amount_min}" if self.amount_min is not None else "",
            "max": f"{self.amount_max}" if self.amount_max is not None else "",
            "q": self.search,
            "tri": self.sort,
            "ordre": "desc" if self.descending else "asc",
            "page": str(self.page),
        }
        defaults = {"statut": "tous", "tri": "creation", "ordre": "desc", "page": "1"}
        return {k: v for k, v in values.items() if v and defaults.get(k) != v}

    def url(self, path: str = "/factures", **changes: object) -> str:
        """This list with ``changes`` (a new filter goes back to page 1)."""
        changed = replace(self, **changes)  # type: ignore[arg-type]  # fields by name
        if "page" not in changes:
            changed = replace(changed, page=1)
        query = urlencode(changed.params())
        return f"{path}?{query}" if query else path

    def sorted_by(self, column: str) -> str:
        """The link of a sortable header: the same column flips the order."""
        descending = not self.descending if self.sort == column else column != "client"
        return self.url(sort=column, descending=descending)

    def aria_sort(self, column: str) -> str:
        if self.sort != column:
            return "none"
        return "descending" if self.descending else "ascending"
