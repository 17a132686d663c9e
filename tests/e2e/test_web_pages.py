"""The web pages over HTTP against the running stack: login with the API's session, the
documents list and its filters, totals and CSV, French error pages, CSRF on page writes,
the « Répartir » dialog, its invoice search and its form errors, a split suggestion accepted
whole."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from tests.e2e.conftest import PASSWORD, Stack
from tests.e2e.test_api_sync_reconciliation import _issued_invoice
from verone.backoffice.services import document_views


@pytest.fixture
def browser_like(stack: Stack) -> Iterator[httpx.Client]:
    """A client that logs in through the HTML form (no CSRF header: pages put it in <meta>)."""
    with stack.client() as client:
        answer = client.post(
            "/connexion",
            data={
                "email": stack.users.accountant.email,
                "password": PASSWORD,
                "suite": "/factures",
            },
        )
        assert (answer.status_code, answer.headers["location"]) == (303, "/factures")
        yield client


def test_the_root_opens_the_login_page_then_the_dashboard(stack: Stack) -> None:
    with stack.client(follow_redirects=True) as client:
        login = client.get("/")
        assert "<h1>Connexion</h1>" in login.text
        assert "Qonto simulé — aucune donnée bancaire réelle" in login.text
        home = client.post(
            "/connexion", data={"email": stack.users.viewer.email, "password": PASSWORD}
        )
        assert "<h1>Tableau de bord</h1>" in home.text
        assert "Lecture seule" in home.text
        assert "Administration" not in home.text  # admins only


def test_a_wrong_password_is_said_in_french_on_the_form(stack: Stack) -> None:
    with stack.client() as client:
        answer = client.post(
            "/connexion", data={"email": stack.users.viewer.email, "password": "x"}
        )
    assert answer.status_code == 401
    assert "E-mail ou mot de passe incorrect." in answer.text
    assert 'value="viewer@verone.test"' in answer.text


def test_the_session_cookie_is_the_apis(browser_like: httpx.Client) -> None:
    assert browser_like.get("/auth/me").json()["email"] == "accountant@verone.test"


def test_the_list_filters_live_in_the_url_and_the_totals_cover_the_filtered_set(
    browser_like: httpx.Client, stack: Stack
) -> None:
    created = []
    with stack.login(stack.users.accountant.email) as api:
        orders = api.get("/api/orders", params={"invoicingStatus": "not_invoiced"}).json()
        for order in orders["items"][:2]:
            answer = api.post("/api/qonto/invoices", json={"salesOrderId": order["id"]})
            assert answer.status_code == 201, answer.text
            created.append(answer.json()["document"])
    page = browser_like.get("/factures", params={"statut": "brouillons"})
    assert page.status_code == 200
    for document in created:
        assert f"/factures/{document['id']}" in page.text
    one = created[0]
    narrowed = browser_like.get(
        "/factures",
        params={"client": one["customerId"], "min": one["totalAmount"], "max": one["totalAmount"]},
    )
    assert f"/factures/{one['id']}" in narrowed.text
    expected = f"{Decimal(one['totalAmount']):,.2f}".replace(",", "\u202f").replace(".", ",")
    assert f"Total TTC : {expected}" in narrowed.text
    fragment = browser_like.get(
        "/factures", params={"statut": "brouillons"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.text
    assert "<table>" in fragment.text
    export = browser_like.get("/factures/export.csv", params={"client": one["customerId"]})
    assert export.headers["content-type"].startswith("text/csv")
    assert one["customerName"] in export.text
    assert export.text.splitlines()[0].startswith("Numéro;Client;Statut")


def test_the_totals_of_a_large_set_load_once_the_page_is_shown(
    browser_like: httpx.Client, stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``INLINE_TOTALS`` documents the page renders without summing them: its totals
    bar asks ``/factures/totaux`` with the same filters, and gets the same sums."""
    with stack.login(stack.users.accountant.email) as api:
        orders = api.get("/api/orders", params={"invoicingStatus": "not_invoiced"}).json()
        answer = api.post("/api/qonto/invoices", json={"salesOrderId": orders["items"][-1]["id"]})
        assert answer.status_code == 201, answer.text
    params = {"statut": "brouillons"}
    inline = browser_like.get("/factures", params=params).text
    [bar] = re.findall(r'<div class="totals-bar".*?</div>', inline, re.S)
    assert "Total TTC : " in bar
    monkeypatch.setattr(document_views, "INLINE_TOTALS", 0)

    page = browser_like.get("/factures", params=params)

    assert page.status_code == 200
    assert "Total TTC : " not in page.text
    assert "Calcul des totaux de la sélection" in page.text
    assert 'hx-get="/factures/totaux?type=factures&amp;statut=brouillons"' in page.text
    assert 'hx-trigger="load"' in page.text
    loaded = browser_like.get("/factures/totaux", params=params, headers={"HX-Request": "true"})
    assert loaded.status_code == 200
    assert "<html" not in loaded.text
    assert loaded.text.strip() == bar.strip()
    opened = browser_like.get("/factures/totaux", params=params)  # not from the page
    assert (opened.status_code, opened.headers["location"]) == (
        303,
        "/factures?type=factures&statut=brouillons",
    )


def test_a_document_page_shows_its_lines_totals_and_allowed_actions(
    browser_like: httpx.Client, stack: Stack
) -> None:
    with stack.login(stack.users.accountant.email) as api:
        order = api.get("/api/orders", params={"invoicingStatus": "not_invoiced"}).json()["items"][
            0
        ]
        document = api.post("/api/qonto/invoices", json={"salesOrderId": order["id"]}).json()[
            "document"
        ]
    page = browser_like.get(f"/factures/{document['id']}").text
    assert 'Facture <span class="docnum">Brouillon</span>' in page
    assert "Total TTC" in page
    assert "Finaliser la facture" in page
    assert "Supprimer le brouillon" in page
    assert "Créer un avoir" not in page  # only for an issued invoice
    with stack.login(stack.users.viewer.email) as viewer:
        seen = viewer.get(f"/factures/{document['id']}").text
    assert "Finaliser la facture" not in seen
    assert "Supprimer le brouillon" not in seen


def test_errors_are_french_pages_and_json_stays_json(browser_like: httpx.Client) -> None:
    missing = browser_like.get("/nulle-part")
    assert missing.status_code == 404
    assert "Page introuvable" in missing.text
    bad = browser_like.get("/factures", params={"du": "hier"})
    assert bad.status_code == 422
    assert "Date invalide." in bad.text
    api = browser_like.get("/api/nulle-part")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"


def test_a_page_write_without_the_csrf_token_is_refused(browser_like: httpx.Client) -> None:
    answer = browser_like.post("/deconnexion")
    assert answer.status_code == 403
    assert "Jeton CSRF" in answer.text


def test_api_docs_load_swagger_from_the_vendored_assets(stack: Stack) -> None:
    with stack.client() as client:
        page = client.get("/api/docs").text
        assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert "http" not in page.replace("http-equiv", "")  # no absolute URL: nothing from a CDN


def test_the_split_dialog_lists_the_open_invoices_and_names_a_bad_row(
    stack: Stack, accountant: httpx.Client, viewer: httpx.Client
) -> None:
    invoice = _issued_invoice(accountant)
    reference = f"VIR-{uuid.uuid4().hex[:8]}"
    with stack.sandbox() as sandbox:
        booked = sandbox.post(
            "/_sandbox/incoming-transfer",
            json={"amount": "100.00", "reference": reference, "counterparty_name": "Payeur"},
        )
        assert booked.status_code in {200, 201}, booked.text
    assert accountant.post("/api/qonto/sync", json={}).status_code == 200
    unmatched = accountant.get("/api/reconciliation/unmatched", params={"perPage": 200}).json()
    [credit] = [t for t in unmatched["items"] if t["reference"] == reference]
    url = f"/rapprochement/transactions/{credit['id']}/repartir"
    htmx = {"HX-Request": "true"}

    assert viewer.get(url, headers=htmx).status_code == 403
    dialog = accountant.get(url, headers=htmx)
    assert dialog.status_code == 200, dialog.text
    assert "Répartir le virement — Payeur" in dialog.text
    assert 'data-split-left="100.00"' in dialog.text
    pattern = r'name="parts-(\d+)-invoiceId" value="([0-9a-f-]+)"'
    rows = {value: int(index) for index, value in re.findall(pattern, dialog.text)}
    assert invoice["id"] in rows
    assert len(rows) <= 50
    index = rows[invoice["id"]]
    ids = {f"parts-{i}-invoiceId": value for value, i in rows.items()}

    for nothing in ({}, {f"parts-{index}-amount": "0"}):  # an amount of 0 leaves the row out
        empty = accountant.post(url, headers=htmx, data={**ids, **nothing})
        assert empty.status_code == 422
        assert "Indiquez au moins une facture et son montant." in empty.text  # the service's
    bad = accountant.post(url, headers=htmx, data={**ids, f"parts-{index}-amount": "douze"})
    assert bad.status_code == 422
    assert f'data-field="parts.{index}.amount"' in bad.text  # shown next to its own field
    negative = accountant.post(url, headers=htmx, data={**ids, f"parts-{index}-amount": "-5"})
    assert negative.status_code == 422
    assert "Montant positif attendu." in negative.text
    done = accountant.post(url, headers=htmx, data={**ids, f"parts-{index}-amount": "40,00"})
    assert done.status_code == 204, done.text
    assert done.headers["HX-Redirect"] == "/rapprochement"
    shown = accountant.get("/rapprochement")
    assert "Virement réparti sur 1 facture(s)" in shown.text
    assert "Reste du virement : 60,00" in shown.text
    assert accountant.get(f"/api/qonto/invoices/{invoice['id']}").json()["amountPaid"] == "40.00"
    assert (
        accountant.get(url.replace(credit["id"], str(uuid.uuid4())), headers=htmx).status_code
        == 404
    )


def test_amounts_typed_the_french_way_are_read_as_decimals(
    stack: Stack, accountant: httpx.Client
) -> None:
    """« 1,5 » and « 1 234,50 » in a form are 1.5 and 1234.50 (the API keeps its dot)."""
    customer = accountant.get("/api/customers", params={"perPage": 1}).json()["items"][0]
    htmx = {"HX-Request": "true"}
    row = {
        "customerId": customer["id"],
        "items-0-title": "Étude",
        "items-0-vatRate": "0.2",
        "items-0-quantity": "1,5",
    }
    made = accountant.post(
        "/factures/nouvelle/service", headers=htmx, data={**row, "items-0-unitPrice": "1 234,50"}
    )
    assert made.status_code == 204, made.text
    document_id = made.headers["HX-Redirect"].rsplit("/", 1)[1]
    stored = accountant.get(f"/api/qonto/invoices/{document_id}").json()
    assert stored["totalHt"] == "1851.75"
    assert stored["items"][0]["quantity"] == "1.5"
    refused = accountant.post(
        "/factures/nouvelle/service", headers=htmx, data={**row, "items-0-unitPrice": "12,5,0"}
    )
    assert refused.status_code == 422
    assert "nombre décimal attendu (ex. 1234,50)" in refused.text
    api = accountant.post(
        "/api/qonto/invoices/service",
        json={"customerId": customer["id"],
              "items": [{"title": "A", "quantity": "1,5", "unitPrice": "1", "vatRate": "0.2"}]},
    )  # fmt: skip
    assert api.status_code == 422  # the API reads decimals with a dot only


def _credit(stack: Stack, accountant: httpx.Client, amount: str, reference: str) -> str:
    """An incoming transfer booked in the sandbox, then synced: its id in the back office."""
    with stack.sandbox() as sandbox:
        booked = sandbox.post(
            "/_sandbox/incoming-transfer",
            json={"amount": amount, "reference": reference, "counterparty_name": "Payeur"},
        )
        assert booked.status_code in {200, 201}, booked.text
    assert accountant.post("/api/qonto/sync", json={}).status_code == 200
    unmatched = accountant.get("/api/reconciliation/unmatched", params={"perPage": 200}).json()
    [credit] = [t for t in unmatched["items"] if t["reference"] == reference]
    return str(credit["id"])


def test_the_split_dialog_searches_any_open_invoice(
    stack: Stack, accountant: httpx.Client, viewer: httpx.Client
) -> None:
    """« Chercher une facture » answers rows to append: numbered after the rows listed,
    without the invoices already listed; nothing found is a row saying so."""
    invoice = _issued_invoice(accountant)
    credit = _credit(stack, accountant, "100.00", f"VIR-{uuid.uuid4().hex[:8]}")
    url = f"/rapprochement/transactions/{credit}/repartir/factures"
    htmx = {"HX-Request": "true"}
    listed = {"parts-0-invoiceId": str(uuid.uuid4()), "parts-1-invoiceId": str(uuid.uuid4())}

    assert viewer.get(url, headers=htmx, params={"recherche": invoice["number"]}).status_code == 403
    found = accountant.get(url, headers=htmx, params={"recherche": invoice["number"], **listed})
    assert found.status_code == 200, found.text
    pattern = r'name="parts-(\d+)-invoiceId" value="([0-9a-f-]+)"'
    assert re.findall(pattern, found.text) == [("2", invoice["id"])]
    assert 'name="parts-2-amount"' in found.text
    assert f"Montant pour {invoice['number']}" in found.text
    assert "<tr" in found.text
    assert "<table" not in found.text  # rows only, appended to the dialog's table
    by_customer = accountant.get(url, headers=htmx, params={"recherche": invoice["customerName"]})
    assert invoice["id"] in by_customer.text
    again = accountant.get(
        url,
        headers=htmx,
        params={"recherche": invoice["number"], "parts-0-invoiceId": invoice["id"]},
    )
    assert again.status_code == 200
    assert invoice["id"] not in again.text
    assert "Aucune facture ouverte ne correspond." in again.text
    nothing = accountant.get(url, headers=htmx, params={"recherche": "   "})
    assert (nothing.status_code, nothing.text) == (200, "")
    bad = accountant.get(url, headers=htmx, params={"recherche": "F", "parts-0-invoiceId": "x"})
    assert bad.status_code == 422
    unknown = url.replace(credit, str(uuid.uuid4()))
    assert accountant.get(unknown, headers=htmx, params={"recherche": "F"}).status_code == 404
    dialog = accountant.get(f"/rapprochement/transactions/{credit}/repartir", headers=htmx).text
    assert "Chercher une facture (numéro ou client)" in dialog
    assert f'hx-get="{url}"' in dialog


def test_a_split_suggestion_is_accepted_whole(
    stack: Stack, accountant: httpx.Client, viewer: httpx.Client
) -> None:
    """A transfer quoting two invoices whose dues add up to it: one row group with one
    « Accepter la répartition », which posts both parts to « Répartir »."""
    first, second = _issued_invoice(accountant), _issued_invoice(accountant)
    total = Decimal(first["totalAmount"]) + Decimal(second["totalAmount"])
    credit = _credit(stack, accountant, str(total), f"{first['number']} {second['number']}")
    page = accountant.get("/rapprochement").text
    action = f'hx-post="/rapprochement/transactions/{credit}/repartir?score='
    assert page.count(action) == 1
    form = page[page.index(action) : page.index("</form>", page.index(action))]
    assert "Accepter la répartition" in form
    parts = re.findall(r'name="parts-(\d+)-(invoiceId|amount)" value="([^"]+)"', form)
    assert parts == [
        ("0", "invoiceId", first["id"]),
        ("0", "amount", first["totalAmount"]),
        ("1", "invoiceId", second["id"]),
        ("1", "amount", second["totalAmount"]),
    ]
    for invoice in (first, second):  # each part keeps its own « Rejeter », no own « Accepter »
        assert f"Rejeter : ce virement ne paie pas {invoice['number']}" in page
        assert f'hx-post="/rapprochement/factures/{invoice["id"]}/accepter' not in page
    seen = viewer.get("/rapprochement").text
    assert "Répartition sur 2 factures" in seen
    assert "Accepter la répartition" not in seen

    score = form[len(action) :].split('"', 1)[0]
    data = {f"parts-{i}-{name}": value for i, name, value in parts}
    done = accountant.post(
        f"/rapprochement/transactions/{credit}/repartir?score={score}",
        headers={"HX-Request": "true"},
        data=data,
    )
    assert done.status_code == 204, done.text
    assert "Virement réparti sur 2 facture(s)" in accountant.get("/rapprochement").text
    for invoice in (first, second):
        assert accountant.get(f"/api/qonto/invoices/{invoice['id']}").json()["status"] == "paid"
    allocations = accountant.get("/api/reconciliation/allocations", params={"perPage": 50})
    mine = [a for a in allocations.json()["items"] if (a["transaction"] or {}).get("id") == credit]
    assert len(mine) == 2
    assert {str(a["score"]) for a in mine} == {score}


def test_the_customer_filter_suggests_customers_by_any_part_of_their_name(
    browser_like: httpx.Client, stack: Stack
) -> None:
    """The filter's suggestions are asked as the user types (any customer, not a first few
    hundred), and a filtered page shows its customer's name in the field."""
    name = f"Atelier Quenouille {uuid.uuid4().hex[:6]} SAS"
    with stack.login(stack.users.accountant.email) as api:
        created = api.post("/api/customers", json={"kind": "company", "companyName": name})
        assert created.status_code == 201, created.text
    customer_id = created.json()["id"]
    htmx = {"HX-Request": "true"}

    found = browser_like.get("/factures/clients", params={"nom": "quenouille"}, headers=htmx)

    assert found.status_code == 200
    assert f'<option value="{name}" data-id="{customer_id}">' in found.text
    assert "<html" not in found.text
    first = browser_like.get("/factures/clients", params={"nom": ""}, headers=htmx)
    assert 0 < first.text.count("<option") <= 20
    none = browser_like.get("/factures/clients", params={"nom": "zzz-nobody"}, headers=htmx)
    assert "<option" not in none.text
    opened = browser_like.get("/factures/clients", params={"nom": "quenouille"})
    assert (opened.status_code, opened.headers["location"]) == (303, "/factures")

    page = browser_like.get("/factures", params={"client": customer_id})
    assert page.status_code == 200
    assert f'value="{name}"' in page.text
    assert f'name="client" value="{customer_id}"' in page.text
    assert "<option" not in page.text.split('id="client-options"')[1].split("</datalist>")[0]
