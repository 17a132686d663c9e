"""The real use cases of users, API tokens, the catalogue and the audit log, run against the
in-memory ports of ``tests/fakes.py`` (no database; docs/adr/0005-repository-ports.md)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.fakes import FixedClock, InMemoryUnitOfWork, NotFaked, PrefixHasher
from tests.unit.domain.factories import make_customer, make_item
from verone.backoffice.domain import errors
from verone.backoffice.domain.parties import CustomerKind
from verone.backoffice.domain.queries import PageRequest
from verone.backoffice.domain.statuses import DocumentOrigin, DocumentStatus, DocumentType
from verone.backoffice.domain.users import Role, User
from verone.backoffice.services import audit, auth, catalog, invoicing, numbering, users
from verone.backoffice.services.actors import Actor


@pytest.fixture
def uow() -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


def _user(uow: InMemoryUnitOfWork, clock: FixedClock, role: Role, email: str) -> User:
    return users.create_user(
        uow, PrefixHasher(), clock, email=email, password="correct horse battery", role=role
    )


def _product(sku: str = "SKU-1", vat: str = "0.2") -> catalog.ProductFields:
    return catalog.ProductFields(
        sku=sku, name="Audit annuel", unit_price=Decimal("1200.00"), vat_rate=Decimal(vat)
    )


# ---------------------------------------------------------------------- users


def test_a_second_user_with_the_same_address_in_other_case_is_refused(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    first = _user(uow, clock, Role.ADMIN, "Alice@Example.fr")
    with pytest.raises(users.UserAlreadyExists):
        _user(uow, clock, Role.VIEWER, " alice@example.FR ")
    assert list(uow.store.users) == [first.id]
    assert first.email == "alice@example.fr"


def test_a_short_password_is_refused_before_anything_is_written(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    with pytest.raises(errors.InvalidDocument, match="au moins 12"):
        users.create_user(
            uow, PrefixHasher(), clock, email="bob@example.fr", password="short", role=Role.ADMIN
        )
    assert uow.store.users == {}
    assert uow.commits == 0


def test_authentication_refuses_a_wrong_password_and_upgrades_an_old_hash(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    old = users.create_user(
        uow,
        PrefixHasher("v1"),
        clock,
        email="c@example.fr",
        password="tuile rouge du jardin",
        role=Role.VIEWER,
    )
    hasher = PrefixHasher("v2")
    assert users.authenticate(uow, hasher, clock, "c@example.fr", "autre phrase fausse ici") is None
    assert uow.store.users[old.id].last_login_at is None

    clock.advance(timedelta(minutes=5))
    found = users.authenticate(uow, hasher, clock, "C@example.fr ", "tuile rouge du jardin")
    assert found is not None
    assert found.id == old.id
    stored = uow.store.users[old.id]
    assert stored.password_hash.startswith("v2$")
    assert stored.last_login_at == clock.now()


def test_a_deactivated_user_cannot_authenticate_nor_act(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    user = _user(uow, clock, Role.ACCOUNTANT, "d@example.fr")
    uow.store.users[user.id].active = False
    assert (
        users.authenticate(uow, PrefixHasher(), clock, "d@example.fr", "correct horse battery")
        is None
    )
    with pytest.raises(errors.PermissionDenied, match="désactivé"):
        catalog.create_product(uow, clock, Actor.interactive(user.id), _product())
    assert uow.store.products == {}
    assert uow.store.audit == []


# ---------------------------------------------------------------------- API tokens


def test_an_api_token_authenticates_until_it_is_revoked(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    admin = _user(uow, clock, Role.ADMIN, "admin@example.fr")
    viewer = _user(uow, clock, Role.VIEWER, "v@example.fr")
    issued = auth.create_api_token(
        uow, clock, Actor.interactive(admin.id), name=" ERP ", user_id=viewer.id
    )
    found = auth.token_user(uow, clock, issued.secret)
    assert found is not None
    assert found[0].id == viewer.id
    assert found[1].name == "ERP"
    assert auth.token_user(uow, clock, issued.secret + "x") is None

    with pytest.raises(errors.PermissionDenied):
        auth.revoke_api_token(uow, clock, viewer, issued.token.id)
    auth.revoke_api_token(uow, clock, admin, issued.token.id)
    assert auth.token_user(uow, clock, issued.secret) is None
    assert [e.action for e in uow.store.audit] == ["api_token.create", "api_token.revoke"]


def test_only_an_admin_creates_tokens_and_only_for_a_known_user(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    admin = _user(uow, clock, Role.ADMIN, "admin@example.fr")
    accountant = _user(uow, clock, Role.ACCOUNTANT, "compta@example.fr")
    with pytest.raises(errors.PermissionDenied):
        auth.create_api_token(uow, clock, Actor.interactive(accountant.id), name="mine")
    with pytest.raises(errors.DomainError):
        auth.create_api_token(
            uow, clock, Actor.interactive(admin.id), name="ghost", user_id=uuid.uuid4()
        )
    assert uow.store.api_tokens == {}
    assert uow.store.audit == []


# ---------------------------------------------------------------------- catalogue


def test_a_duplicate_sku_is_refused_and_leaves_no_trace(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    actor = Actor.interactive(_user(uow, clock, Role.ACCOUNTANT, "e@example.fr").id)
    product = catalog.create_product(uow, clock, actor, _product(" SKU-1 "))
    assert product.sku == "SKU-1"
    with pytest.raises(catalog.DuplicateSku):
        catalog.create_product(uow, clock, actor, _product("SKU-1  "))
    assert list(uow.store.products) == [product.id]
    assert [(e.action, e.entity_id) for e in uow.store.audit] == [
        ("product.create", str(product.id))
    ]


def test_an_invalid_product_change_changes_nothing(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    actor = Actor.interactive(_user(uow, clock, Role.ACCOUNTANT, "f@example.fr").id)
    product = catalog.create_product(uow, clock, actor, _product())
    with pytest.raises(errors.InvalidDocument, match="TVA"):
        catalog.update_product(
            uow, clock, actor, product.id, catalog.ProductChanges(name="Neuf", vat_rate=Decimal(20))
        )
    stored = uow.store.products[product.id]
    assert (stored.name, stored.vat_rate) == ("Audit annuel", Decimal("0.2"))

    catalog.update_product(
        uow,
        clock,
        actor,
        product.id,
        catalog.ProductChanges(unit_price=Decimal("990"), active=False),
    )
    stored = uow.store.products[product.id]
    assert (stored.unit_price, stored.active) == (Decimal("990"), False)
    with uow:
        assert uow.products.list(PageRequest()).items == []
        assert [p.id for p in uow.products.list(PageRequest(), active_only=False).items] == [
            product.id
        ]
    with pytest.raises(errors.NotFound):
        catalog.update_product(uow, clock, actor, uuid.uuid4(), catalog.ProductChanges(name="X"))


def test_a_viewer_cannot_create_a_customer_and_an_accountant_can(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    viewer = _user(uow, clock, Role.VIEWER, "g@example.fr")
    accountant = _user(uow, clock, Role.ACCOUNTANT, "h@example.fr")
    fields = catalog.CustomerFields(
        kind=CustomerKind.COMPANY, company_name="Atelier Verone", vat_number="fr12345"
    )
    with pytest.raises(errors.PermissionDenied):
        catalog.create_customer(uow, clock, Actor.interactive(viewer.id), fields)
    with pytest.raises(errors.PermissionDenied, match="identifié"):
        catalog.create_customer(uow, clock, Actor.job(), fields)
    assert uow.store.customers == {}

    customer = catalog.create_customer(uow, clock, Actor.api_token(accountant.id), fields)
    with uow:
        assert uow.customers.by_vat_number("FR 123 45") is not None
        assert uow.customers.list(PageRequest(), search="verone").total == 1
    (entry,) = uow.store.audit
    assert (entry.action, entry.actor_id, entry.entity_id) == (
        "customer.create",
        accountant.id,
        str(customer.id),
    )


def test_a_new_customer_carries_every_field_given_and_an_update_may_change_only_those(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    accountant = _user(uow, clock, Role.ACCOUNTANT, "k@example.fr")
    fields = catalog.CustomerFields(
        kind=CustomerKind.INDIVIDUAL,
        first_name="Léa",
        last_name="Laurent",
        email="lea@example.fr",
        phone="+33 6 00 00 00 00",
        billing_street="3 chemin des Vignes",
        billing_postal_code="84000",
        billing_city="Avignon",
        billing_country="FR",
        currency="EUR",
        locale="en",
    )
    customer = catalog.create_customer(uow, clock, Actor.cli(accountant.id), fields)
    given = {name: getattr(fields, name) for name in catalog.CUSTOMER_FIELDS}
    assert {name: getattr(customer, name) for name in catalog.CUSTOMER_FIELDS} == given
    assert (customer.created_at, customer.qonto_client_id) == (clock.now(), None)
    assert catalog.CUSTOMER_FIELDS.isdisjoint(
        {"id", "created_at", "qonto_client_id", "delivery_street", "delivery_city"}
    )
    assert len(catalog.CUSTOMER_FIELDS) == 15


# ---------------------------------------------------------------------- audit log


def test_the_audit_chain_verifies_and_shows_an_altered_entry(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    admin = _user(uow, clock, Role.ADMIN, "i@example.fr")
    document_id = uuid.uuid4()
    for action in ("document.create", "document.update", "document.finalize"):
        clock.advance(timedelta(seconds=1))
        audit.record_audit(
            uow, clock, Actor.cli(admin.id), action, "financial_document", str(document_id)
        )
    audit.record_audit(uow, clock, Actor.job(), "sync.run", "sync_run", "r1", {"pages": 3})
    report = audit.verify_audit_log(uow)
    assert (report.ok, report.entries) == (True, 4)
    history = audit.document_history(uow, document_id)
    assert [e.seq for e in history] == [1, 2, 3]
    assert audit.people(uow) == {admin.id: "i"}

    uow.store.audit[1] = replace(uow.store.audit[1], action="document.delete")
    report = audit.verify_audit_log(uow)
    assert not report.ok
    assert report.first_break is not None
    assert (report.first_break.seq, report.first_break.reason) == (2, "entry content was altered")

    del uow.store.audit[1]
    report = audit.verify_audit_log(uow)
    assert report.first_break is not None
    assert report.first_break.seq == 2
    assert report.first_break.reason == "missing or reordered entry"


# ---------------------------------------------------------------------- the fake itself


def test_the_fake_unit_of_work_is_strict_like_the_database_one(uow: InMemoryUnitOfWork) -> None:
    with pytest.raises(RuntimeError, match="outside"):
        _ = uow.users
    with uow:
        with pytest.raises(RuntimeError, match="re-entrant"):
            uow.__enter__()
        with pytest.raises(NotFaked, match="documents"):
            numbering.check_numbering(InMemoryUnitOfWork())


def test_a_block_left_without_commit_leaves_the_store_as_it_was(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    user = _user(uow, clock, Role.ADMIN, "j@example.fr")
    with uow:
        uow.users.get(user.id).display_name = "changed"  # type: ignore[union-attr]
        uow.audit.append(at=clock.now(), actor_id=None, action="x", entity_type="y", entity_id="z")
    assert uow.store.users[user.id].display_name == "j"
    assert uow.store.audit == []


def test_every_audited_entity_is_named_by_its_type_and_id(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    admin = _user(uow, clock, Role.ADMIN, "e@example.fr")
    product = catalog.create_product(uow, clock, Actor.cli(admin.id), _product())
    issued = auth.create_api_token(uow, clock, Actor.cli(admin.id), name="ci")
    auth.record_action(
        uow, clock, admin, action="attachment.upload", entity_type="attachment", entity_id="a1"
    )
    entries = {entry.action: entry for entry in uow.store.audit}
    assert (entries["product.create"].entity_type, entries["product.create"].entity_id) == (
        "product",
        str(product.id),
    )
    token_entry = entries["api_token.create"]
    assert (token_entry.entity_type, token_entry.entity_id) == ("api_token", str(issued.token.id))
    assert token_entry.details == {"user_id": str(admin.id), "name": "ci"}
    assert (entries["attachment.upload"].actor_id, entries["attachment.upload"].entity_id) == (
        admin.id,
        "a1",
    )


# ---------------------------------------------------------------------- new invoices


def test_a_pending_invoice_is_due_after_its_payment_days_unless_a_due_date_is_given(
    clock: FixedClock,
) -> None:
    customer = make_customer("Atelier Dupont")
    author = uuid.uuid4()
    lines = [make_item()]
    invoice = invoicing.pending_invoice(
        clock, customer, author, DocumentOrigin.SERVICE, lines, currency="EUR", payment_days=45
    )
    assert (invoice.document_type, invoice.status) == (DocumentType.INVOICE, DocumentStatus.PENDING)
    assert (invoice.customer_id, invoice.customer_name) == (customer.id, "Atelier Dupont")
    assert (invoice.created_by, invoice.created_at) == (author, clock.now())
    assert invoice.issue_date == clock.today()
    assert invoice.due_date == clock.today() + timedelta(days=45)
    assert invoice.total_amount > 0
    issued, due = date(2026, 4, 1), date(2026, 4, 10)
    dated = invoicing.pending_invoice(
        clock,
        customer,
        author,
        DocumentOrigin.SERVICE,
        [make_item()],
        currency="EUR",
        issue_date=issued,
        due_date=due,
        notes="Livraison le 2 avril",
        purchase_order="BC-2026-118",
    )
    assert (dated.issue_date, dated.due_date) == (issued, due)
    assert (dated.notes, dated.purchase_order) == ("Livraison le 2 avril", "BC-2026-118")
    default = invoicing.pending_invoice(
        clock, customer, author, DocumentOrigin.SERVICE, [make_item()], currency="EUR"
    )
    assert default.due_date == clock.today() + timedelta(days=invoicing.DEFAULT_PAYMENT_DAYS)
