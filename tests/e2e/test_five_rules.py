"""Rule 1 and rule 3, proved over everything that exists: no service function, CLI command or
job can issue a document (Qonto ``/finalize``, quote or credit-note creation) without the
confirmation token of an interactive user with a finalizing role.

Enumeration is by introspection, so a new service function, command or job is covered (or
makes this test fail until it is).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import textwrap
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest
import typer

import verone.backoffice.services as services_package
from tests.integration.conftest import *  # noqa: F403  # database and sandbox fixtures
from tests.integration.services.support import (
    CONFIRMATION_KEY,
    SandboxClock,
    TestClient,
    World,
    add_order,
    add_transfer,
    issue,
    recorded,
    service_items,
)
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.operations import WebhookEvent
from verone.backoffice.domain.parties import CustomerKind, Product
from verone.backoffice.domain.queries import AuditFilter, DocumentFilter, PageRequest
from verone.backoffice.domain.statuses import DocumentOrigin, DocumentType
from verone.backoffice.domain.users import Role, User
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.integrations.qonto_sync import QontoSyncClient
from verone.backoffice.services import audit as audit_service
from verone.backoffice.services import (
    auth,
    banking_views,
    catalog,
    common,
    credit_notes,
    diagnostics,
    document_views,
    finalization,
    integration,
    invoicing,
    numbering,
    payments,
    pdfs,
    queries,
    quotes,
    reconciliation,
    sending,
    user_admin,
    users,
    webhooks,
)
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.outbox import recovery
from verone.cli import app as cli_app

#: Gateway methods that issue a document (a number is burned in Qonto).
ISSUING_CALLS = frozenset({"finalize", "issue_quote", "create_credit_note"})
#: Requests that issue a document in Qonto.
ISSUING_PATHS = ("/finalize", "/v2/quotes", "/v2/credit_notes")
#: Names that only the confirmed-finalization path may mention.
FORBIDDEN_OUTSIDE_ROUTES = ("finalize_document", "preview_finalization", "complete_issue")


def service_modules() -> list[ModuleType]:
    prefix = services_package.__name__ + "."
    return [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(services_package.__path__, prefix)
    ]


def functions_of(module: ModuleType) -> Iterator[tuple[str, ast.FunctionDef]]:
    tree = ast.parse(inspect.getsource(module))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            yield f"{module.__name__}.{node.name}", node


def calls_in(node: ast.AST) -> set[str]:
    return {
        call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        for call in ast.walk(node)
        if isinstance(call, ast.Call)
    }


def gateway_calls_in(node: ast.AST) -> set[str]:
    """Methods called on a ``gateway`` (the Qonto port), e.g. ``gateway.finalize(...)``."""
    return {
        call.func.attr
        for call in ast.walk(node)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == "gateway"
    }


def public_functions() -> dict[str, Callable[..., object]]:
    found: dict[str, Callable[..., object]] = {}
    for module in service_modules():
        for name, value in vars(module).items():
            if inspect.isfunction(value) and not name.startswith("_"):
                if value.__module__ == module.__name__:
                    found[f"{module.__name__}.{name}"] = value
    return found


# ---------------------------------------------------------------------- static proofs


def test_only_the_finalize_service_calls_the_issuing_gateway_methods() -> None:
    callers = {
        qualified
        for module in service_modules()
        for qualified, node in functions_of(module)
        if gateway_calls_in(node) & ISSUING_CALLS
    }
    assert callers == {"verone.backoffice.services.finalization._issue"}
    issue_callers = {
        qualified
        for module in service_modules()
        for qualified, node in functions_of(module)
        if "_issue" in calls_in(node)
    }
    assert issue_callers == {"verone.backoffice.services.finalization.finalize_document"}
    signature = inspect.signature(finalization.finalize_document)
    assert signature.parameters["confirmation_token"].default is inspect.Parameter.empty
    assert signature.parameters["confirmation_key"].default is inspect.Parameter.empty
    # the local move to "finalized" happens only where a confirmed issue is recorded
    finalizers = {
        qualified
        for module in service_modules()
        for qualified, node in functions_of(module)
        if "finalize" in calls_in(node) - gateway_calls_in(node)
    }
    assert finalizers == {"verone.backoffice.services.finalization.complete_issue"}
    recorders = {
        qualified
        for module in service_modules()
        for qualified, node in functions_of(module)
        if "complete_issue" in calls_in(node)
    }
    assert recorders == {
        "verone.backoffice.services.finalization.finalize_document",
        # a confirmed issue's lost answer
        "verone.backoffice.services.outbox.recovery._settle_issue",
    }


def cli_callbacks() -> Iterator[tuple[str, Callable[..., object]]]:
    def walk(command: object, path: str) -> Iterator[tuple[str, Callable[..., object]]]:
        subcommands = getattr(command, "commands", None)
        if isinstance(subcommands, Mapping):
            for name, sub in subcommands.items():
                yield from walk(sub, f"{path} {name}")
            return
        callback = getattr(command, "callback", None)
        if callable(callback):
            yield path, callback

    yield from walk(typer.main.get_command(cli_app), "verone")


def test_no_cli_command_or_job_can_reach_a_finalization() -> None:
    commands = dict(cli_callbacks())
    assert {"verone serve", "verone sandbox"} <= set(commands)
    modules = {inspect.getmodule(callback) for callback in commands.values()}
    jobs = importlib.import_module("verone.backoffice.jobs")
    for module in [*modules, jobs]:
        assert module is not None
        source = Path(inspect.getfile(module)).read_text()
        for name in (*FORBIDDEN_OUTSIDE_ROUTES, *(f".{c}(" for c in ISSUING_CALLS)):
            assert name not in source, f"{module.__name__} mentions {name}"


# ---------------------------------------------------------------------- driven against Qonto


def issuing_requests(http: TestClient, *, refused: bool = False) -> list[str]:
    """Issuing requests the sandbox accepted (or, with ``refused``, answered with an error:
    such a request issued nothing)."""
    return [
        f"{r['method']} {r['path']}"
        for r in recorded(http)
        if r["method"] == "POST"
        and str(r["path"]).endswith(ISSUING_PATHS)
        and (int(str(r["status"] or 0)) >= 400) is refused
    ]


#: Functions that send an issuing request on purpose, built to be refused: the diagnosis
#: probes ``POST /v2/credit_notes`` with an empty body (404 = no credit-note API, 4xx = it
#: exists) — ``QontoProbes.credit_note_creation_available``.
REFUSED_PROBES = frozenset({"diagnostics.diagnose"})


class Drivers:
    """One way to drive each public service function, with every kind of actor it accepts."""

    def __init__(
        self,
        uow: SqlAlchemyUnitOfWork,
        gateway: QontoApiGateway,
        clock: SandboxClock,
        world: World,
    ) -> None:
        self.uow, self.gateway, self.clock, self.world = uow, gateway, clock, world
        accountant = world.as_accountant
        self.actors = [accountant, Actor.api_token(world.accountant.id), Actor.cli(world.admin.id)]
        self.invoice = invoicing.create_service_invoice(
            uow, gateway, clock, accountant, world.customer.id, service_items()
        )
        self.issued = issue(uow, gateway, clock, accountant, self.invoice.id).document
        self.quote = quotes.create_service_quote(
            uow, clock, accountant, world.customer.id, service_items()
        )
        self.issued_quote = quotes.create_service_quote(
            uow, clock, accountant, world.customer.id, service_items()
        )
        issue(uow, gateway, clock, accountant, self.issued_quote.id)
        self.transfer = add_transfer(uow, clock.now(), "10.00", "VIR DU TEST")

    def hand_driven(self) -> set[str]:
        if not hasattr(self, "_hand"):
            self.run("numbering.check_numbering", Actor.job())
        return self._hand

    def user_of(self, actor: Actor) -> User:
        """The user behind an actor (the admin for the operator's CLI and for jobs)."""
        users = [self.world.accountant, self.world.admin, self.world.viewer]
        return next((user for user in users if user.id == actor.user_id), self.world.admin)

    def locked(self, document_id: uuid.UUID) -> object:
        with self.uow:
            return common.lock_document(self.uow, document_id)

    def restored(self, actor: Actor) -> object:
        """Restore a pair the accountant has just rejected (``actor`` restores it)."""
        try:
            reconciliation.reject_match(
                self.uow, self.clock, self.world.as_accountant, self.transfer.id, self.issued.id
            )
        except errors.MatchAlreadyRejected:
            pass
        return reconciliation.restore_match(
            self.uow, self.clock, actor, self.transfer.id, self.issued.id
        )

    def delivered(self, kind: str) -> str:
        """A verified delivery stored as the webhook route stores it: a client invoice event
        of the issued invoice, or a booked transaction; its event id."""
        event_id = f"evt-{uuid.uuid4()}"
        data = {"id": self.issued.qonto_id} if kind == "v1/client-invoices" else {}
        payload = json.dumps({"id": event_id, "type": kind, "data": data})
        event = WebhookEvent(event_id, kind, payload, self.clock.now())
        assert webhooks.record_event(self.uow, event)
        return event_id

    def processed(self) -> None:
        reader = QontoSyncClient(self.gateway._client)
        for kind in sorted(webhooks.SUBSCRIBED_EVENTS):
            event_id = self.delivered(kind)
            webhooks.process_event(self.uow, self.gateway, reader, self.clock, event_id)
            with self.uow:
                stored = self.uow.webhook_events.by_event_id(event_id)
                assert stored is not None
                assert stored.processed_at is not None, stored.error

    def product(self, actor: Actor) -> Product:
        fields = catalog.ProductFields(
            sku=f"SKU-{uuid.uuid4().hex[:8]}",
            name="Chaise en chêne",
            unit_price=Decimal("149.90"),
            vat_rate=Decimal("0.2"),
        )
        return catalog.create_product(self.uow, self.clock, actor, fields)

    def fresh_draft(self, actor: Actor) -> uuid.UUID:
        return invoicing.create_service_invoice(
            self.uow, self.gateway, self.clock, actor, self.world.customer.id, service_items()
        ).id

    def run(self, name: str, actor: Actor) -> None:
        u, g, c, w = self.uow, self.gateway, self.clock, self.world
        calls: dict[str, Callable[[], object]] = {
            "invoicing.create_invoice_from_order": lambda: invoicing.create_invoice_from_order(
                u, g, c, actor, add_order(u, w.customer, c.now()).id
            ),
            "invoicing.create_service_invoice": lambda: self.fresh_draft(actor),
            "webhooks.record_event": lambda: self.delivered("v1/transactions"),
            "webhooks.process_event": self.processed,
            "invoicing.update_draft": lambda: invoicing.update_draft(
                u, g, c, actor, self.fresh_draft(actor), items=service_items()[:1]
            ),
            "invoicing.delete_document": lambda: invoicing.delete_document(
                u, g, c, actor, self.fresh_draft(actor)
            ),
            "invoicing.validate_to_draft": lambda: invoicing.validate_to_draft(
                u, g, c, actor, self.fresh_draft(actor)
            ),
            "invoicing.sync_to_order": lambda: invoicing.sync_to_order(
                u, g, c, actor, self.issued.id
            ),
            "finalization.preview_finalization": lambda: finalization.preview_finalization(
                u,
                g,
                c,
                actor,
                self.fresh_draft(w.as_accountant),
                confirmation_key=CONFIRMATION_KEY,
            ),
            "finalization.finalize_document": lambda: finalization.finalize_document(
                u,
                g,
                c,
                actor,
                self.fresh_draft(w.as_accountant),
                "no-token",
                confirmation_key=CONFIRMATION_KEY,
            ),
            "pdfs.get_document_pdf": lambda: pdfs.get_document_pdf(
                u, g, c, actor, self.fresh_draft(w.as_accountant)
            ),
            "pdfs.wait_for_final_pdf": lambda: pdfs.wait_for_final_pdf(
                u, g, c, self.fresh_draft(w.as_accountant)
            ),
            "pdfs.fetch_pdf": lambda: pdfs.fetch_pdf(g, c, self.issued),
            "credit_notes.create_credit_note": lambda: credit_notes.create_credit_note(
                u, c, actor, self.issued.id, items=service_items()[1:]
            ),
            "credit_notes.update_credit_note": lambda: credit_notes.update_credit_note(
                u,
                c,
                actor,
                credit_notes.create_credit_note(
                    u, c, w.as_accountant, self.issued.id, items=service_items()[1:]
                ).id,
                reason="Correction",
            ),
            "credit_notes.delete_credit_note": lambda: credit_notes.delete_credit_note(
                u,
                c,
                actor,
                credit_notes.create_credit_note(
                    u, c, w.as_accountant, self.issued.id, items=service_items()[1:]
                ).id,
            ),
            "quotes.create_quote_from_order": lambda: quotes.create_quote_from_order(
                u, c, actor, add_order(u, w.customer, c.now()).id
            ),
            "quotes.create_service_quote": lambda: quotes.create_service_quote(
                u, c, actor, w.customer.id, service_items()
            ),
            "quotes.quote_from_invoice": lambda: quotes.quote_from_invoice(
                u, c, actor, self.issued.id
            ),
            "quotes.accept_quote": lambda: quotes.accept_quote(u, c, actor, self.quote.id),
            "quotes.decline_quote": lambda: quotes.decline_quote(u, c, actor, self.quote.id),
            "quotes.convert_quote_to_invoice": lambda: quotes.convert_quote_to_invoice(
                u, g, c, actor, self.quote.id
            ),
            "payments.mark_paid": lambda: payments.mark_paid(u, g, c, actor, self.issued.id),
            "payments.unmark_paid": lambda: payments.unmark_paid(u, g, c, actor, self.issued.id),
            "payments.cancel_invoice": lambda: payments.cancel_invoice(
                u, g, c, actor, self.fresh_draft(w.as_accountant)
            ),
            "sending.send_document": lambda: sending.send_document(
                u, g, c, actor, self.issued_quote.id
            ),
            "outbox.recovery.settle_outbox": lambda: recovery.settle_outbox(
                u, g, c, min_age=timedelta(0)
            ),
            "outbox.recovery.list_outbox": lambda: recovery.list_outbox(u),
            "numbering.check_numbering": lambda: numbering.check_numbering(u),
            "audit.verify_audit_log": lambda: audit_service.verify_audit_log(u),
            "audit.record_audit": lambda: audit_service.record_audit(
                u, c, actor, "test.touched", "financial_document", str(self.issued.id)
            ),
            "users.create_user": lambda: users.create_user(
                u,
                _Hasher(),
                c,
                email=f"{uuid.uuid4().hex[:6]}@verone.test",
                password="correct horse battery",
                role=Role.ADMIN,
            ),
            "users.authenticate": lambda: users.authenticate(
                u, _Hasher(), c, w.accountant.email, "wrong"
            ),
            "users.normalize_email": lambda: users.normalize_email("A@B.fr"),
            "invoicing.order_lines": lambda: invoicing.order_lines(w.order, [], None),
            "invoicing.pending_invoice": lambda: invoicing.pending_invoice(
                c,
                w.customer,
                w.accountant.id,
                DocumentOrigin.SERVICE,
                service_items(),
                currency="EUR",
            ),
            "common.audit": lambda: common.audit(
                u, c, w.accountant.id, "test.touched", self.issued
            ),
            "document_views.creditable_amount": lambda: document_views.creditable_amount(
                queries.document_details(u, self.issued.id, DocumentType.INVOICE)
            ),
            "audit.search_audit_log": lambda: audit_service.search_audit_log(
                u, AuditFilter(), PageRequest()
            ),
            "queries.list_orders": lambda: queries.list_orders(
                u, queries.OrderFilter(), PageRequest()
            ),
            "auth.list_api_tokens": lambda: auth.list_api_tokens(u, self.user_of(actor)),
            "auth.revoke_api_token": lambda: auth.revoke_api_token(
                u, c, self.user_of(actor), uuid.uuid4()
            ),
            "auth.record_action": lambda: auth.record_action(
                u,
                c,
                self.user_of(actor),
                action="test.touched",
                entity_type="financial_document",
                entity_id=str(self.issued.id),
            ),
            "common.lock_document": lambda: self.locked(self.fresh_draft(w.as_accountant)),
            "integration.integration_overview": lambda: integration.integration_overview(
                u, g, SETUP
            ),
            "catalog.update_customer": lambda: catalog.update_customer(
                u, g, c, actor, w.customer.id, {"billing_city": "Lyon"}
            ),
            "catalog.staged_customer": lambda: catalog.staged_customer(
                w.customer, '{"billing_city": "Lyon"}'
            ),
            "catalog.actor_id": lambda: catalog.actor_id(w.as_accountant),
            "catalog.create_customer": lambda: catalog.create_customer(
                u,
                c,
                actor,
                catalog.CustomerFields(kind=CustomerKind.COMPANY, company_name="Maison Rotin"),
            ),
            "catalog.create_product": lambda: self.product(actor),
            "catalog.update_product": lambda: catalog.update_product(
                u, c, actor, self.product(w.as_accountant).id, catalog.ProductChanges(name="Lin")
            ),
            "diagnostics.diagnose": lambda: diagnostics.diagnose(u, g, c, SETUP, _schema),
            "reconciliation.reject_match": lambda: reconciliation.reject_match(
                u, c, actor, self.transfer.id, self.issued.id
            ),
            "reconciliation.restore_match": lambda: self.restored(actor),
            "reconciliation.list_rejected": lambda: reconciliation.list_rejected(u),
            "reconciliation.apply_split": lambda: reconciliation.apply_split(
                u, g, c, actor, self.transfer.id, [(self.issued.id, Decimal("1.00"))]
            ),
            "reconciliation.apply_automatic": lambda: reconciliation.apply_automatic(
                u, g, c, reconciliation.propose(u)
            ),
            "banking_views.split_search": lambda: banking_views.split_search(
                u, self.transfer.id, "F-", [self.issued.id]
            ),
        }
        self._hand = set(calls)
        call = calls.get(name) or self.generic(name, actor)
        try:
            call()
        except errors.DomainError:
            pass  # refusals are fine: what matters is that nothing was issued

    def generic(self, name: str, actor: Actor) -> Callable[[], object]:
        """Drive a function without a hand-written driver from its parameter names; one whose
        required parameters are not all known must have a hand driver or be in
        ``NOT_DRIVEN`` (``test_every_public_service_function_has_a_driver`` names it)."""
        function = public_functions()[f"verone.backoffice.services.{name}"]
        arguments = self.arguments_for(function, actor)
        if arguments is None:
            raise AssertionError(f"{name}: no driver (add one to Drivers.run)")
        return lambda: function(**arguments)

    def arguments_for(
        self, function: Callable[..., object], actor: Actor
    ) -> dict[str, object] | None:
        known: dict[str, object] = {
            "uow": self.uow,
            "gateway": self.gateway,
            "clock": self.clock,
            "actor": actor,
            "document_id": self.invoice.id,
            "invoice_id": self.issued.id,
            "quote_id": self.quote.id,
            "customer_id": self.world.customer.id,
            "order_id": self.world.order.id,
            "user_id": self.world.viewer.id,
            "page": PageRequest(),
            "criteria": DocumentFilter(),
            "hasher": _Hasher(),
            "email": self.world.viewer.email,
            "document": self.issued,
            "reference": str(self.issued.id),
            "document_type": DocumentType.INVOICE,
            "name": "jeton du test",
            "password": "correct horse battery",
            "current_password": "correct horse battery",
            "new_password": "correct horse battery staple",
            "role": Role.ADMIN,
            "secret_key": "test-secret-key",
            "now": self.clock.now(),
            "user": self.world.viewer,
            "client_address": "127.0.0.1",
            "cookie": "v2.forged",
            "secret": "not-a-token",
            "token_id": uuid.uuid4(),
            "action": "test.touched",
            "entity_type": "financial_document",
            "entity_id": str(self.issued.id),
            "actor_id": self.world.accountant.id,
            "product_id": uuid.uuid4(),
            "allocation_id": uuid.uuid4(),
            "transaction_id": uuid.uuid4(),
            "amount": Decimal("10.00"),
            "since": self.clock.today() - timedelta(days=30),
            "until": self.clock.today(),
            "client_id": "client-du-test",
            "qonto_id": "qonto-du-test",
            "transaction_qonto_id": "transaction-du-test",
            "attachment_id": "attachment-du-test",
            "filename": "justificatif.pdf",
            "content": b"%PDF-1.4 test",
            "content_type": "application/pdf",
            "exc": RuntimeError("panne du test"),
            "reader": QontoSyncClient(self.gateway._client),
            "imported_by": self.world.accountant.id,
            "kind": "transactions",
            "scope": "test",
            "run_id": uuid.uuid4(),
            "error": "panne du test",
            "report": "",
            "seen": 0,
            "failed": 0,
            "account_qonto_id": "compte-du-test",
            "results": [],
            "reason": "Correction",
            "operations": frozenset(),
            "entry_id": uuid.uuid4(),
            "order": self.world.order,
        }
        arguments: dict[str, object] = {}
        for parameter in inspect.signature(function).parameters.values():
            if parameter.name in known:
                arguments[parameter.name] = known[parameter.name]
            elif parameter.default is inspect.Parameter.empty:
                return None
        return arguments


#: Public service functions not driven here, each with why; the list is closed: a new
#: function is driven (generically or by hand) or added here with its reason, and the call
#: graph (``tests/unit/architecture/test_issuing_paths.py``) covers every one of them anyway.
NOT_DRIVEN: dict[str, str] = {
    "finalization.complete_issue": "records what Qonto issued; reached only after an issue",
    "payments.adopt_remote_state": "records Qonto's payment state of an outbox entry",
    "sending.deliver_queued_emails": "SMTP only (tests/integration with an SMTP server)",
    "outbox.write.write": "the outbox's frame: runs the Qonto call its caller hands it",
    "outbox.write.settle": "the outbox's frame: applies the outcome its caller hands it",
    "outbox.write.write_each": "the outbox's frame: runs the Qonto calls its caller hands it",
    "outbox.drafts.create_remote_draft": "the outbox's frame for drafts: runs the caller's stage",
    "payments.payment_state_write": "the outbox's frame for payments: runs the caller's call",
    "outbox.write.record_intent": "the outbox's frame: writes an intent row, no Qonto call",
    "outbox.write.intent_context": "pure: reads an outbox row's JSON",
    "outbox.drafts.apply_remote_draft": "pure: links a Qonto draft to the local document",
    "payments.apply_payment_state": "records Qonto's payment state (a remote document given)",
    "auth.csrf_matches": "pure: compares a session's CSRF token",
    "auth.issue_session": "pure: signs a session cookie",
    "auth.session_user": "reads a session row (tests/e2e/test_sessions_and_users.py)",
    "catalog.apply_customer_update": "the outbox's apply step of update_customer (driven)",
    "sync_transactions.check_page": "pure: checks a page of Qonto transactions",
    "sync_transactions.sync_account": "one account of sync_transactions (driven above)",
    "sync_transactions.to_bank_transaction": "pure: maps one Qonto transaction",
}


SETUP = diagnostics.QontoSetup(
    base_url="http://testserver",
    auth_mode="api_key",
    organization_id="verone-4819",
    api_key_configured=True,
    rate_limits="",
    timeout_seconds=5.0,
    simulated=True,
    webhook_secret_configured=False,
)


def _schema() -> diagnostics.SchemaState:
    return diagnostics.SchemaState(current=("head",), heads=("head",))


class _Hasher:
    def hash(self, password: str) -> str:
        return "plain:" + password

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == "plain:" + password

    def needs_rehash(self, password_hash: str) -> bool:
        return False


def test_every_public_service_function_has_a_driver(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
) -> None:
    drivers = Drivers(uow, gateway, clock, world)
    missing = []
    for qualified, function in sorted(public_functions().items()):
        name = qualified.removeprefix("verone.backoffice.services.")
        if name in NOT_DRIVEN or name in drivers.hand_driven():
            continue
        if drivers.arguments_for(function, world.as_accountant) is None:
            missing.append(name)
    assert missing == [], "public service functions without a driver"
    assert set(NOT_DRIVEN) <= {
        q.removeprefix("verone.backoffice.services.") for q in public_functions()
    }, "NOT_DRIVEN names a function that no longer exists"


def test_every_public_service_function_driven_with_every_actor_issues_nothing(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drivers = Drivers(uow, gateway, clock, world)
    before = issuing_requests(http)
    assert len(before) == 2  # the two confirmed issues of the set-up
    trapped = _trap_issuing_calls(monkeypatch)
    refused_before = issuing_requests(http, refused=True)
    names = {
        qualified.removeprefix("verone.backoffice.services.") for qualified in public_functions()
    }
    failures: dict[str, str] = {}
    for name in sorted(names - set(NOT_DRIVEN)):
        for actor in [*drivers.actors, Actor.job(), Actor.interactive(world.viewer.id)]:
            try:
                drivers.run(name, actor)
            except AssertionError:
                raise
            except Exception as exc:  # not swallowed: listed below, and nothing issued
                failures.setdefault(name, f"{type(exc).__name__}: {exc}"[:120])
            assert trapped == [], f"{name} ({actor.kind}) reached {trapped}"
            assert issuing_requests(http) == before, f"{name} ({actor.kind}) issued"
            if name not in REFUSED_PROBES:
                assert issuing_requests(http, refused=True) == refused_before, name
            refused_before = issuing_requests(http, refused=True)
    # a driven function that fails for another reason than a refusal is a driver to fix
    assert failures == EXPECTED_FAILURES


#: Driven functions that raise something else than a refusal on this small world, and why.
EXPECTED_FAILURES: dict[str, str] = {}


def _trap_issuing_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Wrap the gateway's issuing methods and the Qonto client's issuing resource methods so a
    call is recorded (the sandbox's request log is the other witness)."""
    from verone.qonto.resources import client_invoices, credit_notes
    from verone.qonto.resources import quotes as quote_resources

    trapped: list[str] = []
    targets: list[tuple[type, str]] = [
        (QontoApiGateway, "finalize"),
        (QontoApiGateway, "issue_quote"),
        (QontoApiGateway, "create_credit_note"),
        (client_invoices.ClientInvoices, "finalize"),
        (client_invoices.AsyncClientInvoices, "finalize"),
        (quote_resources.Quotes, "create"),
        (quote_resources.AsyncQuotes, "create"),
        (credit_notes.CreditNotes, "create"),
        (credit_notes.AsyncCreditNotes, "create"),
    ]
    for owner, method in targets:
        original = getattr(owner, method)

        def recording(
            *args: object,
            _o: object = original,
            _n: str = f"{owner.__name__}.{method}",
            **kw: object,
        ) -> object:
            trapped.append(_n)
            return _o(*args, **kw)  # type: ignore[operator]

        monkeypatch.setattr(owner, method, recording)
    return trapped


@pytest.mark.parametrize("kind", ["api_token", "cli", "job", "viewer"])
def test_finalize_with_a_valid_token_is_still_refused_to_non_interactive_callers(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
    kind: str,
) -> None:
    draft = invoicing.create_service_invoice(
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    token = finalization.preview_finalization(
        uow, gateway, clock, world.as_accountant, draft.id, confirmation_key=CONFIRMATION_KEY
    ).confirmation_token
    actor = {
        "api_token": Actor.api_token(world.accountant.id),
        "cli": Actor.cli(world.accountant.id),
        "job": Actor.job(),
        "viewer": Actor.interactive(world.viewer.id),
    }[kind]
    with pytest.raises(errors.PermissionDenied):
        finalization.finalize_document(
            uow, gateway, clock, actor, draft.id, token, confirmation_key=CONFIRMATION_KEY
        )
    assert issuing_requests(http) == []


def test_the_client_create_calls_always_send_draft() -> None:
    source = textwrap.dedent(inspect.getsource(QontoApiGateway.create_draft))
    assert "ClientInvoiceCreateParams" in inspect.getsource(QontoApiGateway._invoice_create)
    assert "status" not in source


@pytest.mark.parametrize("kind", ["api_token", "job", "accountant_session"])
def test_users_tokens_and_roles_need_an_admin_session(
    uow: SqlAlchemyUnitOfWork, clock: SandboxClock, world: World, kind: str
) -> None:
    """Rule 3's back door: an admin's API token must not mint a user or a token (who could then
    finalize) nor raise a role; only an admin's interactive session (or the operator's CLI)."""
    actor = {
        "api_token": Actor.api_token(world.admin.id),
        "job": Actor.job(),
        "accountant_session": Actor.interactive(world.accountant.id),
    }[kind]
    attempts: list[Callable[[], object]] = [
        lambda: user_admin.add_user(
            uow,
            _Hasher(),
            clock,
            actor,
            email="minted@verone.test",
            password="correct horse battery",
            role=Role.ACCOUNTANT,
        ),
        lambda: auth.create_api_token(uow, clock, actor, name="minted", user_id=world.admin.id),
        lambda: user_admin.set_role(uow, clock, actor, world.viewer.id, Role.ADMIN),
        lambda: user_admin.reset_password(
            uow, _Hasher(), clock, actor, world.accountant.id, "correct horse battery"
        ),
        lambda: user_admin.list_users(uow, actor),
    ]
    for attempt in attempts:
        with pytest.raises(errors.PermissionDenied):
            attempt()
    with uow:
        assert uow.users.by_email("minted@verone.test") is None
        assert all(t.name != "minted" for t in uow.api_tokens.for_user(world.admin.id))
        viewer = uow.users.get(world.viewer.id)
        assert viewer is not None
        assert viewer.role is Role.VIEWER
    admin = Actor.interactive(world.admin.id)
    assert auth.create_api_token(uow, clock, admin, name="by a session").secret
    assert auth.create_api_token(
        uow, clock, Actor.cli(), name="by the operator", user_id=world.admin.id
    ).secret
