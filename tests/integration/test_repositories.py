"""Repositories other than documents: parties, orders, users, audit, outbox, sync, budget."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Connection, delete, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from tests.unit.domain.factories import NOW, make_customer, make_order, make_user
from verone.backoffice.db.guards import AppendOnlyViolation
from verone.backoffice.db.passwords import Argon2PasswordHasher
from verone.backoffice.db.tables_ops import audit_log
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain.audit import verify_chain
from verone.backoffice.domain.banking import (
    BankAccount,
    BankTransaction,
    PaymentAllocation,
    TransactionSide,
)
from verone.backoffice.domain.operations import (
    Email,
    OutboxEntry,
    OutboxStatus,
    SyncRun,
    WebhookEvent,
)
from verone.backoffice.domain.parties import Product
from verone.backoffice.domain.queries import PageRequest
from verone.backoffice.domain.statuses import InvoicingStatus, OrderStatus
from verone.backoffice.domain.users import ApiToken, hash_api_token, new_api_token
from verone.money import DiscountKind


class TestCustomersAndProducts:
    def test_lookups(self, uow: SqlAlchemyUnitOfWork) -> None:
        customer = make_customer(email="Compta@Dupont.test")
        customer.qonto_client_id = "qc-1"
        with uow:
            uow.customers.add(customer)
            uow.customers.add(make_customer("Bernard SARL", email="b@b.test"))
            uow.commit()
        with uow:
            assert uow.customers.by_email("compta@dupont.TEST") is not None
            found = uow.customers.by_vat_number("fr 12345678901")
            assert found is not None
            assert found.company_name in {"Atelier Dupont", "Bernard SARL"}
            by_qonto = uow.customers.by_qonto_client_id("qc-1")
            assert by_qonto is not None
            assert by_qonto.id == customer.id
            many = uow.customers.by_qonto_client_ids({"qc-1", "qc-unknown"})
            assert {key: found.id for key, found in many.items()} == {"qc-1": customer.id}
            assert uow.customers.by_qonto_client_ids(set()) == {}
            page = uow.customers.list(PageRequest(per_page=1), search="bern")
        assert page.total == 1
        assert page.items[0].company_name == "Bernard SARL"

    def test_duplicate_qonto_client_is_rejected(self, uow: SqlAlchemyUnitOfWork) -> None:
        first, second = make_customer("A"), make_customer("B")
        first.qonto_client_id = second.qonto_client_id = "qc-same"
        with uow:
            uow.customers.add(first)
            uow.customers.add(second)
            with pytest.raises(IntegrityError):
                uow.commit()

    def test_products(self, uow: SqlAlchemyUnitOfWork) -> None:
        product = Product("CH-01", "Chaise", Decimal("149.905"), Decimal("0.2"), NOW)
        retired = Product("OLD", "Ancien", Decimal(1), Decimal("0.2"), NOW, active=False)
        with uow:
            uow.products.add(product)
            uow.products.add(retired)
            uow.commit()
        with uow:
            stored = uow.products.by_sku("CH-01")
            assert stored is not None
            assert stored.unit_price == Decimal("149.905")
            assert uow.products.list(PageRequest()).total == 1
            assert uow.products.list(PageRequest(), active_only=False).total == 2


class TestOrders:
    def test_order_round_trip_with_lines(self, uow: SqlAlchemyUnitOfWork) -> None:
        customer = make_customer()
        order = make_order(customer.id, "2.5", "1")
        order.shipping_cost = Decimal("12.90")
        order.discount_kind, order.discount_value = DiscountKind.ABSOLUTE, Decimal("5")
        with uow:
            uow.customers.add(customer)
            uow.orders.add(order)
            uow.commit()
        with uow:
            stored = uow.orders.get_for_update(order.id)
            assert stored is not None
            assert [i.quantity for i in stored.items] == [Decimal("2.5"), Decimal(1)]
            assert stored.shipping_cost == Decimal("12.90")
            assert stored.invoicing_status is InvoicingStatus.NOT_INVOICED
            stored.move_to(OrderStatus.CONFIRMED)
            uow.commit()
        with uow:
            again = uow.orders.by_reference(order.reference)
            assert again is not None
            assert again.status is OrderStatus.CONFIRMED
            assert uow.orders.list(PageRequest(), customer_id=customer.id).total == 1


class TestUsersAndTokens:
    def test_user_with_argon2_hash_and_token(self, uow: SqlAlchemyUnitOfWork) -> None:
        hasher = Argon2PasswordHasher()
        user = make_user(email="Admin@Verone.test")
        user.password_hash = hasher.hash("correct horse battery")
        raw = new_api_token()
        with uow:
            uow.users.add(user)
            uow.api_tokens.add(ApiToken(user.id, "export", hash_api_token(raw), NOW))
            uow.commit()
        with uow:
            stored = uow.users.by_email("admin@verone.test")
            assert stored is not None
            assert hasher.verify(stored.password_hash, "correct horse battery")
            assert not hasher.verify(stored.password_hash, "wrong")
            assert stored.password_hash.startswith("$argon2id$")
            token = uow.api_tokens.by_hash(hash_api_token(raw))
            assert token is not None
            assert token.user_id == user.id
            assert uow.api_tokens.by_hash(raw) is None
            assert [t.name for t in uow.api_tokens.for_user(user.id)] == ["export"]


class TestAudit:
    def append(self, uow: SqlAlchemyUnitOfWork, count: int) -> None:
        actor = make_user()
        with uow:
            uow.users.add(actor)
            for i in range(count):
                uow.audit.append(
                    at=NOW + timedelta(seconds=i),
                    actor_id=actor.id,
                    action="document.finalized",
                    entity_type="financial_document",
                    entity_id=str(i),
                    details={"number": f"F-2026-{i + 1:03d}", "content_hash": "ab" * 32},
                )
            uow.commit()

    def test_chain_round_trips_and_verifies(self, uow: SqlAlchemyUnitOfWork) -> None:
        self.append(uow, 3)
        self.append(uow, 2)
        with uow:
            entries = list(uow.audit.entries(batch_size=2))
            assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
            assert verify_chain(entries) is None
            assert len(uow.audit.for_entity("financial_document", "1")) == 2

    def test_repository_has_no_update_or_delete(self) -> None:
        from verone.backoffice.db.repositories import AuditRepository

        public = {name for name in vars(AuditRepository) if not name.startswith("_")}
        assert public == {"actions", "append", "entries", "for_entity", "last", "search"}  # reads

    def test_orm_edits_are_refused(self, uow: SqlAlchemyUnitOfWork) -> None:
        self.append(uow, 1)
        with uow:
            entry = uow.audit.last()
            assert entry is not None
            entry.action = "document.deleted"
            with pytest.raises(AppendOnlyViolation):
                uow.commit()

    @pytest.mark.parametrize("statement", ["update", "delete"])
    def test_the_database_refuses_changes(
        self, uow: SqlAlchemyUnitOfWork, connection: Connection, statement: str
    ) -> None:
        self.append(uow, 1)
        change = (
            update(audit_log).values(action="x") if statement == "update" else delete(audit_log)
        )
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(change)

    def test_tampering_below_the_code_is_detected(
        self, uow: SqlAlchemyUnitOfWork, connection: Connection, database: object
    ) -> None:
        self.append(uow, 3)
        # a superuser could disable the trigger: the chain still exposes the edit
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(update(audit_log).where(audit_log.c.seq == 2).values(entity_id="99"))
        with uow:
            broken = verify_chain(uow.audit.entries())
        assert broken is not None
        assert broken.seq == 2


class TestOutboxAndEmails:
    def test_outbox_lifecycle(self, uow: SqlAlchemyUnitOfWork) -> None:
        first = OutboxEntry("invoice.create", "key-1", "a" * 64, NOW)
        second = OutboxEntry("invoice.finalize", "key-2", "b" * 64, NOW + timedelta(seconds=1))
        with uow:
            uow.outbox.add_pending(first)
            uow.outbox.add_pending(second)
            uow.commit()
        with uow:
            assert [e.idempotency_key for e in uow.outbox.list_unsettled()] == ["key-1", "key-2"]
            entry = uow.outbox.by_idempotency_key("key-1")
            assert entry is not None
            entry.record_attempt(NOW)
            entry.succeed('{"id": "q-1"}', NOW)
            other = uow.outbox.get(second.id)
            assert other is not None
            other.mark_ambiguous("timeout", NOW)
            uow.commit()
        with uow:
            unsettled = uow.outbox.list_unsettled()
            assert [(e.idempotency_key, e.status) for e in unsettled] == [
                ("key-2", OutboxStatus.AMBIGUOUS)
            ]
            done = uow.outbox.get(first.id)
            assert done is not None
            assert (done.status, done.attempts, done.result) == (
                OutboxStatus.SUCCEEDED,
                1,
                '{"id": "q-1"}',
            )
            assert uow.outbox.list_unsettled(older_than=NOW) == []

    def test_idempotency_keys_are_unique(self, uow: SqlAlchemyUnitOfWork) -> None:
        with uow:
            uow.outbox.add_pending(OutboxEntry("invoice.create", "same", "a" * 64, NOW))
            with pytest.raises(IntegrityError):
                uow.outbox.add_pending(OutboxEntry("invoice.create", "same", "a" * 64, NOW))

    def test_email_queue(self, uow: SqlAlchemyUnitOfWork) -> None:
        sent = Email("a@b.test", "Avoir", "Bonjour", NOW)
        sent.mark_sent(NOW)
        with uow:
            uow.emails.add(Email("c@d.test", "Avoir", "Bonjour", NOW))
            uow.emails.add(sent)
            uow.commit()
        with uow:
            assert [e.to_address for e in uow.emails.queued()] == ["c@d.test"]


class TestWebhooksAndSync:
    def test_webhook_dedup(self, uow: SqlAlchemyUnitOfWork) -> None:
        with uow:
            assert uow.webhook_events.insert_if_new(
                WebhookEvent("evt-1", "invoice.paid", "{}", NOW)
            )
            assert not uow.webhook_events.insert_if_new(
                WebhookEvent("evt-1", "invoice.paid", '{"again": true}', NOW)
            )
            uow.commit()
        with uow:
            event = uow.webhook_events.by_event_id("evt-1")
            assert event is not None
            assert event.payload == "{}"
            assert [e.event_id for e in uow.webhook_events.unprocessed()] == ["evt-1"]
            event.mark_processed(NOW)
            uow.commit()
        with uow:
            assert uow.webhook_events.unprocessed() == []

    def test_runs_and_cursors(self, uow: SqlAlchemyUnitOfWork) -> None:
        older, newer = SyncRun("transactions", NOW), SyncRun("transactions", NOW + timedelta(1))
        newer.finish(NOW + timedelta(1, 5), items_seen=42)
        with uow:
            uow.sync.add_run(older)
            uow.sync.add_run(newer)
            assert uow.sync.get_cursor("transactions:acc-1") is None
            uow.sync.set_cursor("transactions:acc-1", "2026-03-01T00:00:00Z", NOW)
            uow.sync.set_cursor("transactions:acc-1", "2026-03-02T00:00:00Z", NOW)
            uow.commit()
        with uow:
            last = uow.sync.last_run("transactions")
            assert last is not None
            assert last.items_seen == 42
            assert uow.sync.get_cursor("transactions:acc-1") == "2026-03-02T00:00:00Z"


class TestBanking:
    def test_upserts_and_allocations(self, uow: SqlAlchemyUnitOfWork) -> None:
        from tests.unit.domain.factories import finalize, make_document

        user = make_user()
        account = BankAccount("acc-1", "Principal", "FR7612345", "EUR", Decimal("1000.50"), NOW)
        txn = BankTransaction(
            "tx-1",
            account.id,
            Decimal("100.00"),
            "EUR",
            TransactionSide.CREDIT,
            "VIR",
            "pending",
            NOW,
            NOW,
        )
        invoice = make_document(user.id)
        finalize(invoice, user.id)
        with uow:
            uow.users.add(user)
            uow.bank_accounts.upsert(account)
            uow.bank_transactions.upsert(txn)
            uow.documents.add(invoice)
            uow.commit()
        newer = BankTransaction(
            "tx-1",
            account.id,
            Decimal("100.00"),
            "EUR",
            TransactionSide.CREDIT,
            "VIR",
            "settled",
            NOW,
            NOW + timedelta(hours=1),
            settled_at=NOW + timedelta(hours=1),
        )
        with uow:
            stored = uow.bank_transactions.upsert(newer)
            assert stored.id == txn.id
            uow.allocations.add(
                PaymentAllocation(txn.id, invoice.id, Decimal("60.25"), "EUR", NOW, user.id, 90)
            )
            uow.commit()
        with uow:
            again = uow.bank_transactions.by_qonto_id("tx-1")
            assert again is not None
            assert again.status == "settled"
            assert uow.bank_transactions.latest_update(account.id) == NOW + timedelta(hours=1)
            assert uow.allocations.allocated_to_document(invoice.id) == Decimal("60.25")
            assert uow.allocations.allocated_from_transaction(txn.id) == Decimal("60.25")
            assert uow.bank_transactions.list(PageRequest()).total == 1
            assert [a.balance for a in uow.bank_accounts.list()] == [Decimal("1000.50")]


class TestRateBudget:
    def test_take_within_window_then_refill(self, uow: SqlAlchemyUnitOfWork) -> None:
        window = timedelta(seconds=1)
        with uow:
            taken = [
                uow.rate_budget.take("qonto", capacity=3, window=window, now=NOW) for _ in range(4)
            ]
            assert taken == [True, True, True, False]
            later = NOW + timedelta(seconds=1)
            assert uow.rate_budget.take("qonto", capacity=3, window=window, now=later)
            assert not uow.rate_budget.take("qonto", capacity=3, window=window, now=later, cost=3)
            assert uow.rate_budget.take("other", capacity=1, window=window, now=NOW)


class TestReviewQueues:
    def test_unallocated_credits_and_allocation_list(self, uow: SqlAlchemyUnitOfWork) -> None:
        from tests.unit.domain.factories import finalize, make_document

        user = make_user()
        account = BankAccount("acc-q", "Principal", "FR76", "EUR", Decimal(0), NOW)

        def txn(qonto_id: str, amount: str, side: TransactionSide, days: int) -> BankTransaction:
            at = NOW + timedelta(days=days)
            return BankTransaction(
                qonto_id, account.id, Decimal(amount), "EUR", side, qonto_id, "settled", at, at
            )

        full = txn("full", "100.00", TransactionSide.CREDIT, 0)
        partial = txn("partial", "100.00", TransactionSide.CREDIT, 1)
        untouched = txn("untouched", "5.00", TransactionSide.CREDIT, 2)
        debit = txn("debit", "7.00", TransactionSide.DEBIT, 3)
        invoice = make_document(user.id)
        finalize(invoice, user.id)
        with uow:
            uow.users.add(user)
            uow.bank_accounts.upsert(account)
            for transaction in (full, partial, untouched, debit):
                uow.bank_transactions.upsert(transaction)
            uow.documents.add(invoice)
            uow.allocations.add(
                PaymentAllocation(full.id, invoice.id, Decimal("100.00"), "EUR", NOW)
            )
            uow.allocations.add(
                PaymentAllocation(partial.id, invoice.id, Decimal("99.99"), "EUR", NOW)
            )
            uow.commit()
        with uow:
            queue = uow.bank_transactions.unallocated_credits(PageRequest())
            recent = uow.bank_transactions.unallocated_credits(
                PageRequest(), since=(NOW + timedelta(days=2)).date()
            )
            allocations = uow.allocations.list(PageRequest(per_page=1))
        assert [t.qonto_id for t in queue.items] == ["untouched", "partial"]
        assert [t.qonto_id for t in recent.items] == ["untouched"]
        assert allocations.total == 2
        assert len(allocations.items) == 1

    def test_product_search(self, uow: SqlAlchemyUnitOfWork) -> None:
        with uow:
            uow.products.add(Product("CH-01", "Chaise", Decimal(1), Decimal("0.2"), NOW))
            uow.products.add(Product("TB-01", "Table", Decimal(1), Decimal("0.2"), NOW))
            uow.commit()
        with uow:
            by_name = uow.products.list(PageRequest(), search="chai")
            by_sku = uow.products.list(PageRequest(), search="tb-")
        assert [p.sku for p in by_name.items] == ["CH-01"]
        assert [p.sku for p in by_sku.items] == ["TB-01"]
