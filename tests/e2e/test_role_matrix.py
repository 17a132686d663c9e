"""The route-by-role matrix: every route of the app has an entry here (a new route without one
fails), and every caller — anonymous, viewer, accountant, admin, an API token — is refused
(401/403) exactly where it must be and never gets a 5xx."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi.routing import iter_route_contexts

from tests.e2e.conftest import Stack

PUBLIC, AUTHENTICATED, INTERACTIVE, VIEWER, ACCOUNTANT, FINALIZER, ADMIN = (
    "public",
    "authenticated",
    "interactive",
    "viewer",
    "accountant",
    "finalizer",
    "admin",
)

#: Who may call what: the one table to extend when a route is added.
EXPECTED: dict[str, str] = {
    "GET /api/openapi.json": PUBLIC,
    "GET /": VIEWER,  # the dashboard
    "GET /api/docs": PUBLIC,
    "GET /healthz": PUBLIC,
    "POST /auth/login": PUBLIC,
    "POST /api/qonto/webhooks": PUBLIC,  # authenticated by the delivery's signature
    "POST /auth/logout": AUTHENTICATED,
    "GET /auth/me": AUTHENTICATED,
    "GET /api/tokens": ADMIN,
    "POST /api/tokens": ADMIN,
    "DELETE /api/tokens/{token_id}": ADMIN,
    "POST /auth/password": INTERACTIVE,
    "GET /api/users": ADMIN,
    "POST /api/users": ADMIN,
    "PUT /api/users/{user_id}/role": ADMIN,
    "POST /api/users/{user_id}/deactivate": ADMIN,
    "POST /api/users/{user_id}/reactivate": ADMIN,
    "POST /api/users/{user_id}/password": ADMIN,
    "POST /api/users/{user_id}/revoke": ADMIN,
    "GET /api/qonto/debug": ADMIN,
    "GET /api/qonto/debug/outbox": ADMIN,
    # invoices
    "GET /api/qonto/invoices": VIEWER,
    "POST /api/qonto/invoices": ACCOUNTANT,
    "GET /api/qonto/invoices/service": VIEWER,
    "POST /api/qonto/invoices/service": ACCOUNTANT,
    "GET /api/qonto/invoices/by-order/{order_id}": VIEWER,
    "GET /api/qonto/invoices/{document_id}": VIEWER,
    "PATCH /api/qonto/invoices/{document_id}": ACCOUNTANT,
    "GET /api/qonto/invoices/{document_id}/details": VIEWER,
    "GET /api/qonto/invoices/{document_id}/pdf": VIEWER,
    "GET /api/qonto/invoices/{document_id}/finalize-preview": FINALIZER,
    "POST /api/qonto/invoices/{document_id}/finalize": FINALIZER,
    "POST /api/qonto/invoices/{document_id}/finalize-workflow": FINALIZER,
    "POST /api/qonto/invoices/{document_id}/validate-to-draft": ACCOUNTANT,
    "POST /api/qonto/invoices/{document_id}/mark-paid": ACCOUNTANT,
    "POST /api/qonto/invoices/{document_id}/unmark-paid": ACCOUNTANT,
    "POST /api/qonto/invoices/{document_id}/reconcile": ACCOUNTANT,
    "POST /api/qonto/invoices/{document_id}/send": ACCOUNTANT,
    "POST /api/qonto/invoices/{document_id}/cancel": ACCOUNTANT,
    "DELETE /api/qonto/invoices/{document_id}/delete": ACCOUNTANT,
    "POST /api/qonto/invoices/{document_id}/convert-to-quote": ACCOUNTANT,
    "POST /api/qonto/invoices/{document_id}/sync-to-order": ACCOUNTANT,
    # quotes
    "GET /api/qonto/quotes": VIEWER,
    "POST /api/qonto/quotes": ACCOUNTANT,
    "GET /api/qonto/quotes/service": VIEWER,
    "POST /api/qonto/quotes/service": ACCOUNTANT,
    "POST /api/qonto/quotes/from-invoice/{invoice_id}": ACCOUNTANT,
    "GET /api/qonto/quotes/{document_id}": VIEWER,
    "PATCH /api/qonto/quotes/{document_id}": ACCOUNTANT,
    "DELETE /api/qonto/quotes/{document_id}": ACCOUNTANT,
    "GET /api/qonto/quotes/{document_id}/details": VIEWER,
    "GET /api/qonto/quotes/{document_id}/pdf": VIEWER,
    "GET /api/qonto/quotes/{document_id}/view": VIEWER,
    "GET /api/qonto/quotes/{document_id}/finalize-preview": FINALIZER,
    "POST /api/qonto/quotes/{document_id}/finalize": FINALIZER,
    "POST /api/qonto/quotes/{document_id}/convert": ACCOUNTANT,
    "POST /api/qonto/quotes/{document_id}/accept": ACCOUNTANT,
    "POST /api/qonto/quotes/{document_id}/decline": ACCOUNTANT,
    "POST /api/qonto/quotes/{document_id}/send": ACCOUNTANT,
    # credit notes
    "GET /api/qonto/credit-notes": VIEWER,
    "POST /api/qonto/credit-notes": ACCOUNTANT,
    "GET /api/qonto/credit-notes/{document_id}": VIEWER,
    "PATCH /api/qonto/credit-notes/{document_id}": ACCOUNTANT,
    "DELETE /api/qonto/credit-notes/{document_id}": ACCOUNTANT,
    "GET /api/qonto/credit-notes/{document_id}/details": VIEWER,
    "GET /api/qonto/credit-notes/{document_id}/pdf": VIEWER,
    "GET /api/qonto/credit-notes/{document_id}/finalize-preview": FINALIZER,
    "POST /api/qonto/credit-notes/{document_id}/finalize": FINALIZER,
    "POST /api/qonto/credit-notes/{document_id}/send": ACCOUNTANT,
    # infrastructure
    "GET /api/qonto/health": VIEWER,
    "GET /api/qonto/status": VIEWER,
    "GET /api/qonto/balance": VIEWER,
    "GET /api/qonto/transactions": VIEWER,
    "GET /api/qonto/clients": VIEWER,
    "POST /api/qonto/clients": ACCOUNTANT,
    "POST /api/qonto/sync": ACCOUNTANT,
    "POST /api/qonto/sync-invoices": ACCOUNTANT,
    "POST /api/qonto/attachments/upload": ACCOUNTANT,
    "POST /api/qonto/attachments/cleanup": ACCOUNTANT,
    "GET /api/qonto/attachments/{attachment_id}": VIEWER,
    "DELETE /api/qonto/attachments/{attachment_id}": ACCOUNTANT,
    # the workflows' own resources
    "GET /api/orders": VIEWER,
    "GET /api/orders/{order_id}": VIEWER,
    "GET /api/customers": VIEWER,
    "POST /api/customers": ACCOUNTANT,
    "PATCH /api/customers/{customer_id}": ACCOUNTANT,
    "POST /api/products": ACCOUNTANT,
    "PATCH /api/products/{product_id}": ACCOUNTANT,
    "GET /api/customers/{customer_id}": VIEWER,
    "GET /api/products": VIEWER,
    "GET /api/products/{product_id}": VIEWER,
    "GET /api/reconciliation/unmatched": VIEWER,
    "GET /api/reconciliation/allocations": VIEWER,
    "DELETE /api/reconciliation/allocations/{allocation_id}": ACCOUNTANT,
    "GET /api/reconciliation/proposals": VIEWER,
    "POST /api/reconciliation/run": ACCOUNTANT,
    "GET /api/reconciliation/transactions": VIEWER,
    "POST /api/reconciliation/transactions/{transaction_id}/split": ACCOUNTANT,
    "GET /api/reconciliation/rejections": VIEWER,
    "POST /api/reconciliation/rejections": ACCOUNTANT,
    "POST /api/reconciliation/rejections/restore": ACCOUNTANT,
    # the web pages (same contexts as the API; an anonymous visitor goes to the login page)
    "GET /connexion": PUBLIC,
    "POST /connexion": PUBLIC,
    "POST /deconnexion": AUTHENTICATED,
    "GET /factures": VIEWER,
    "GET /factures/export.csv": VIEWER,
    "GET /factures/totaux": VIEWER,
    "GET /factures/clients": VIEWER,
    "GET /factures/{document_id}": VIEWER,
    "GET /factures/{document_id}/pdf-statut": VIEWER,
    "GET /factures/nouvelle/service": ACCOUNTANT,
    "POST /factures/nouvelle/service": ACCOUNTANT,
    "GET /factures/{document_id}/finaliser": FINALIZER,
    "POST /factures/{document_id}/finaliser": FINALIZER,
    "GET /factures/{document_id}/avoir": ACCOUNTANT,
    "POST /factures/{document_id}/avoir": ACCOUNTANT,
    "POST /factures/{document_id}/accepter": ACCOUNTANT,
    "POST /factures/{document_id}/refuser": ACCOUNTANT,
    "POST /factures/{document_id}/convertir": ACCOUNTANT,
    "POST /factures/{document_id}/annuler": ACCOUNTANT,
    "POST /factures/{document_id}/envoyer": ACCOUNTANT,
    "POST /factures/{document_id}/envoyer-a-qonto": ACCOUNTANT,
    "POST /factures/{document_id}/marquer-payee": ACCOUNTANT,
    "POST /factures/{document_id}/marquer-impayee": ACCOUNTANT,
    "POST /factures/{document_id}/supprimer": ACCOUNTANT,
    "GET /factures/{document_id}/modifier": ACCOUNTANT,
    "POST /factures/{document_id}/modifier": ACCOUNTANT,
    "GET /commandes": VIEWER,
    "GET /commandes/{order_id}": VIEWER,
    "GET /commandes/{order_id}/facturer": ACCOUNTANT,
    "POST /commandes/{order_id}/facturer": ACCOUNTANT,
    "GET /commandes/{order_id}/devis": ACCOUNTANT,
    "POST /commandes/{order_id}/devis": ACCOUNTANT,
    "GET /clients": VIEWER,
    "GET /clients/{customer_id}": VIEWER,
    "GET /clients/nouveau": ACCOUNTANT,
    "POST /clients/nouveau": ACCOUNTANT,
    "GET /clients/{customer_id}/modifier": ACCOUNTANT,
    "POST /clients/{customer_id}/modifier": ACCOUNTANT,
    "GET /transactions": VIEWER,
    "GET /rapprochement": VIEWER,
    "GET /synchronisation": VIEWER,
    "POST /synchronisation": ACCOUNTANT,
    "POST /rapprochement/factures/{document_id}/accepter": ACCOUNTANT,
    "POST /rapprochement/allocations/{allocation_id}/annuler": ACCOUNTANT,
    "POST /rapprochement/lancer": ACCOUNTANT,
    "POST /rapprochement/rejets": ACCOUNTANT,
    "POST /rapprochement/rejets/retablir": ACCOUNTANT,
    "GET /rapprochement/transactions/{transaction_id}/repartir": ACCOUNTANT,
    "POST /rapprochement/transactions/{transaction_id}/repartir": ACCOUNTANT,
    "GET /rapprochement/transactions/{transaction_id}/repartir/factures": ACCOUNTANT,
    "GET /integration": VIEWER,
    "GET /integration/diagnostic": VIEWER,
    "POST /integration/outbox/regler": ADMIN,
    "GET /audit": VIEWER,
    "GET /audit/verification": VIEWER,
    "GET /administration": ADMIN,
    "POST /administration/utilisateurs": ADMIN,
    "POST /administration/utilisateurs/{user_id}/role": ADMIN,
    "POST /administration/utilisateurs/{user_id}/desactiver": ADMIN,
    "POST /administration/utilisateurs/{user_id}/reactiver": ADMIN,
    "POST /administration/utilisateurs/{user_id}/mot-de-passe": ADMIN,
    "POST /administration/utilisateurs/{user_id}/revoquer": ADMIN,
    "POST /administration/jetons": ADMIN,
    "POST /administration/jetons/{token_id}/revoquer": ADMIN,
}

#: Which callers each level lets through.
ALLOWED: dict[str, frozenset[str]] = {
    AUTHENTICATED: frozenset({"viewer", "accountant", "admin", "token"}),
    INTERACTIVE: frozenset({"viewer", "accountant", "admin"}),
    VIEWER: frozenset({"viewer", "accountant", "admin", "token"}),
    ACCOUNTANT: frozenset({"accountant", "admin", "token"}),
    FINALIZER: frozenset({"accountant", "admin"}),
    ADMIN: frozenset({"admin"}),
}
CALLERS = ("anonymous", "viewer", "accountant", "admin", "token")


def is_page(path: str) -> bool:
    """Web pages answer an unauthenticated caller with a redirect to the login page."""
    return not path.startswith(("/api/", "/auth/", "/healthz"))


def app_routes(stack: Stack) -> set[str]:
    found = set()
    for route in iter_route_contexts(stack.app.routes):
        for method in route.methods or ():
            if method != "HEAD" and route.path is not None:
                found.add(f"{method} {route.path}")
    return found


def test_every_route_has_an_entry_and_every_entry_a_route(stack: Stack) -> None:
    routes = app_routes(stack)
    assert sorted(routes - set(EXPECTED)) == [], "routes without an entry in the matrix"
    assert sorted(set(EXPECTED) - routes) == [], "entries without a route"


@dataclass
class Caller:
    name: str
    client: httpx.Client
    email: str | None = None


@pytest.fixture(scope="module")
def callers(stack: Stack) -> Iterator[dict[str, Caller]]:
    """Fresh sessions (the matrix logs out), plus the accountant's API token and nobody."""
    with (
        stack.login(stack.users.viewer.email) as viewer,
        stack.login(stack.users.accountant.email) as accountant,
        stack.login(stack.users.admin.email) as admin,
        stack.bearer(stack.accountant_token) as token,
        stack.client() as anonymous,
    ):
        users = stack.users
        yield {
            name: Caller(name, client, email)
            for name, client, email in (
                ("anonymous", anonymous, None),
                ("viewer", viewer, users.viewer.email),
                ("accountant", accountant, users.accountant.email),
                ("admin", admin, users.admin.email),
                ("token", token, None),
            )
        }


def concrete(path: str) -> str:
    """A path with made-up parameters: unknown ids are fine (404 comes after the role check)."""
    return re.sub(r"\{[a-z_]+\}", str(uuid.uuid4()), path)


#: Logging out revokes the session, so the matrix logs out of a session of its own
LOGOUTS = frozenset({"/auth/logout", "/deconnexion"})


def call(stack: Stack, caller: Caller, method: str, path: str) -> httpx.Response:
    if path in LOGOUTS and caller.email is not None:
        with stack.login(caller.email) as throwaway:  # logout revokes the session it ends
            return throwaway.request(method, path, json={})
    cookies = dict(caller.client.cookies)
    kwargs: dict[str, object] = {} if method == "GET" else {"json": {}}
    answer = caller.client.request(method, concrete(path), **kwargs)  # type: ignore[arg-type]  # json= for writes only
    caller.client.cookies.clear()
    for name, value in cookies.items():
        caller.client.cookies.set(name, value)  # logout must not end the matrix's sessions
    return answer


@pytest.mark.parametrize("route", sorted(EXPECTED))
def test_route_refuses_exactly_the_callers_it_must(
    stack: Stack, callers: dict[str, Caller], route: str
) -> None:
    if route not in app_routes(stack):
        pytest.fail(f"{route} is in the matrix but not served")
    method, path = route.split(" ", 1)
    level = EXPECTED[route]
    for name in CALLERS:
        answer = call(stack, callers[name], method, path)
        assert answer.status_code < 500 or answer.status_code in {502, 503}, (
            route,
            name,
            answer.text,
        )
        if level == PUBLIC:
            continue
        page = is_page(path)
        to_login = answer.status_code == 303 and answer.headers["location"].startswith(
            "/connexion?suite="
        )
        refused = answer.status_code in {401, 403} or (page and to_login)
        if name in ALLOWED[level]:
            assert not refused, (
                f"{name} refused on {route}: {answer.status_code} {answer.headers} {answer.text}"
            )
        else:
            assert refused, f"{name} allowed on {route} ({answer.status_code}): {answer.text}"
            anonymous = name == "anonymous"
            if page:
                assert to_login if anonymous else answer.status_code == 403, (route, name)
            else:
                assert answer.status_code == (401 if anonymous else 403), (route, name)
