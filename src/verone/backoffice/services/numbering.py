"""The numbering-integrity check over every number ever assigned (kept even if a document
row is gone): gaps and duplicates per document type and year.

``check_numbering(uow)`` → ``verone.backoffice.domain.numbering.NumberingReport``.
"""

from __future__ import annotations

from verone.backoffice.domain.numbering import NumberingReport
from verone.backoffice.domain.numbering import check_numbering as check_assigned
from verone.backoffice.ports import UnitOfWork


def check_numbering(uow: UnitOfWork) -> NumberingReport:
    with uow:
        assigned = list(uow.documents.assigned_numbers())
    return check_assigned(assigned)
