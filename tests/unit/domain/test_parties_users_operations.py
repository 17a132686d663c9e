"""Customers, users and tokens, the outbox lifecycle, e-mails and allocations."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from tests.unit.domain.factories import (
    NOW,
    current_status,
    finalize,
    make_customer,
    make_document,
    make_user,
)
from verone.backoffice.domain import errors
from verone.backoffice.domain.banking import PaymentAllocation, check_allocation
from verone.backoffice.domain.operations import Email, EmailStatus, OutboxEntry, OutboxStatus
from verone.backoffice.domain.parties import Address, Customer, CustomerKind
from verone.backoffice.domain.users import ApiToken, Role, hash_api_token, new_api_token


class TestCustomers:
    def test_company_needs_a_name(self) -> None:
        with pytest.raises(errors.InvalidDocument):
            Customer(kind=CustomerKind.COMPANY, created_at=NOW)

    def test_individual_display_name_and_missing_fields(self) -> None:
        person = Customer(
            kind=CustomerKind.INDIVIDUAL, created_at=NOW, first_name="Léa", last_name="Roux"
        )
        assert person.display_name == "Léa Roux"
        assert person.missing_for_invoicing() == ["adresse de facturation", "e-mail"]
        person.set_billing_address(Address("1 quai Voltaire", "69002", "Lyon"))
        person.email = "lea@roux.test"
        assert person.missing_for_invoicing() == []
        assert person.delivery_address == person.billing_address

    def test_company_needs_vat_or_siren(self) -> None:
        company = make_customer()
        company.vat_number = company.siren = None
        assert company.missing_for_invoicing() == ["numéro de TVA ou SIREN"]


class TestUsers:
    def test_roles_are_ordered(self) -> None:
        viewer, accountant, admin = (make_user(r) for r in Role)
        assert not viewer.can_finalize
        assert accountant.can_finalize
        assert admin.can_finalize
        assert admin.has_role(Role.ACCOUNTANT)
        assert not accountant.has_role(Role.ADMIN)
        with pytest.raises(errors.PermissionDenied):
            viewer.require(Role.ACCOUNTANT)

    def test_inactive_users_have_no_role(self) -> None:
        admin = make_user(Role.ADMIN)
        admin.active = False
        assert not admin.has_role(Role.VIEWER)

    def test_tokens_keep_only_a_hash(self) -> None:
        raw = new_api_token()
        assert raw.startswith("vrn_")
        assert raw != new_api_token()
        token = ApiToken(uuid.uuid4(), "ci", hash_api_token(raw), NOW, NOW + timedelta(days=1))
        assert token.token_hash != raw
        assert len(token.token_hash) == 64
        assert token.is_valid(NOW)
        assert not token.is_valid(NOW + timedelta(days=1))
        token.revoke(NOW)
        assert not token.is_valid(NOW)


class TestOutbox:
    def entry(self) -> OutboxEntry:
        return OutboxEntry("invoice.finalize", "key-1", "h" * 64, NOW)

    def test_pending_to_succeeded(self) -> None:
        entry = self.entry()
        entry.record_attempt(NOW)
        entry.succeed('{"id": "q"}', NOW)
        assert entry.status is OutboxStatus.SUCCEEDED
        assert entry.attempts == 1
        assert entry.settled
        with pytest.raises(errors.OutboxNotPending):
            entry.fail("late", NOW)
        with pytest.raises(errors.OutboxNotPending):
            entry.record_attempt(NOW)

    def test_ambiguous_can_still_settle(self) -> None:
        entry = self.entry()
        entry.mark_ambiguous("timeout", NOW)
        assert not entry.settled
        entry.fail("rejected", NOW)
        assert entry.status is OutboxStatus.FAILED
        assert entry.error == "rejected"


class TestEmails:
    def test_sent_once(self) -> None:
        email = Email("a@b.test", "Avoir AV-2026-001", "Bonjour", NOW)
        email.mark_failed("smtp down")
        assert email.status is EmailStatus.FAILED
        assert email.attempts == 1
        email.mark_sent(NOW)
        assert current_status(email) == "sent"
        assert email.error is None
        with pytest.raises(errors.IllegalTransition):
            email.mark_sent(NOW)
        with pytest.raises(errors.IllegalTransition):
            email.mark_failed("too late")


class TestAllocations:
    def test_within_remaining_and_same_currency(self) -> None:
        user = uuid.uuid4()
        invoice = make_document(user)
        finalize(invoice, user)
        check_allocation(invoice, Decimal("800"), Decimal("63.76"), "EUR")
        with pytest.raises(errors.PaymentExceedsInvoice):
            check_allocation(invoice, Decimal("800"), Decimal("63.77"), "EUR")
        with pytest.raises(errors.PaymentExceedsInvoice):
            check_allocation(invoice, Decimal(0), Decimal(0), "EUR")
        with pytest.raises(errors.CurrencyMismatch):
            check_allocation(invoice, Decimal(0), Decimal(1), "USD")
        auto = PaymentAllocation(uuid.uuid4(), invoice.id, Decimal(1), "EUR", NOW)
        assert auto.automatic
