"""« Administration » over HTTP against the running stack: users created with a role through
the API's own model (French errors per field), API tokens created — the secret shown once —
and revoked."""

from __future__ import annotations

import re
import uuid

import httpx

from tests.e2e.conftest import Stack

HX = {"HX-Request": "true"}
PASSWORD = "un mot de passe assez long"


def test_the_page_lists_users_and_tokens(stack: Stack, admin: httpx.Client) -> None:
    page = admin.get("/administration")
    assert page.status_code == 200
    assert "<h1>Administration</h1>" in page.text
    assert stack.users.viewer.email in page.text
    assert "e2e accountant" in page.text  # the stack's tokens
    assert "Lecture seule" in page.text


def test_an_admin_creates_a_user_who_can_log_in(stack: Stack, admin: httpx.Client) -> None:
    email = f"nouveau-{uuid.uuid4().hex[:6]}@verone.test"
    form = {"email": email, "displayName": "Nouvelle Comptable", "role": "accountant"}
    answer = admin.post(
        "/administration/utilisateurs", data={**form, "password": PASSWORD}, headers=HX
    )
    assert answer.status_code == 204, answer.text
    assert answer.headers["HX-Redirect"] == "/administration#utilisateurs"
    page = admin.get("/administration")
    assert f"Utilisateur {email} créé (Comptable)." in page.text
    with stack.login(email, PASSWORD) as client:
        assert client.get("/auth/me").json()["role"] == "accountant"
    journal = admin.get("/audit", params={"action": "user.create"})
    assert "Utilisateur créé" in journal.text
    again = admin.post(
        "/administration/utilisateurs", data={**form, "password": PASSWORD}, headers=HX
    )
    assert again.status_code == 409
    assert "Un utilisateur existe déjà avec cette adresse e-mail." in again.text


def test_invalid_fields_are_said_in_french_next_to_each_field(admin: httpx.Client) -> None:
    answer = admin.post(
        "/administration/utilisateurs",
        data={"email": "pas-une-adresse", "role": "chef", "password": "court"},
        headers=HX,
    )
    assert answer.status_code == 422
    fields = dict(re.findall(r'data-field="([\w.]+)" data-message="([^"]+)"', answer.text))
    assert fields["email"] == "Format invalide."
    assert fields["role"] == "Choisissez une valeur dans la liste."
    assert fields["password"] == "12 caractères au moins."


def test_a_token_secret_is_shown_once_works_then_is_revoked(
    stack: Stack, admin: httpx.Client
) -> None:
    name = f"Export {uuid.uuid4().hex[:6]}"
    created = admin.post(
        "/administration/jetons",
        data={"name": name, "userId": str(stack.users.viewer.id)},
        headers=HX,
    )
    assert created.status_code == 200, created.text
    assert "<h1>" not in created.text
    secret = re.search(r'value="(vrn_[^"]+)"', created.text)
    assert secret is not None
    with stack.bearer(secret.group(1)) as script:
        assert script.get("/auth/me").json()["email"] == stack.users.viewer.email
    page = admin.get("/administration")
    assert name in page.text
    assert secret.group(1) not in page.text  # never shown again
    token_id = re.search(
        rf"/administration/jetons/([0-9a-f-]{{36}})/revoquer\" "
        rf"hx-confirm=\"Révoquer le jeton « {name} »",
        page.text,
    )
    assert token_id is not None
    revoked = admin.post(f"/administration/jetons/{token_id.group(1)}/revoquer", headers=HX)
    assert revoked.status_code == 204
    with stack.bearer(secret.group(1)) as script:
        assert script.get("/auth/me").status_code == 401
    assert f"Jeton « {name} » révoqué." in admin.get("/administration").text


def test_an_accountant_gets_the_french_403_page(accountant: httpx.Client) -> None:
    answer = accountant.get("/administration")
    assert answer.status_code == 403
    assert "Accès refusé" in answer.text


def _new_user(stack: Stack, admin: httpx.Client, role: str = "accountant") -> tuple[str, str]:
    email = f"geree-{uuid.uuid4().hex[:6]}@verone.test"
    form = {"email": email, "displayName": "Gérée", "role": role, "password": PASSWORD}
    assert admin.post("/administration/utilisateurs", data=form, headers=HX).status_code == 204
    found = re.search(
        rf"<td>{re.escape(email)}</td>.*?/administration/utilisateurs/([0-9a-f-]{{36}})/role",
        admin.get("/administration").text,
        re.S,
    )
    assert found is not None
    return email, found.group(1)


def _can_log_in(stack: Stack, email: str, password: str) -> bool:
    with stack.client() as client:
        answer = client.post("/auth/login", json={"email": email, "password": password})
        return answer.status_code == 200


def test_an_admin_manages_a_user_from_the_page(stack: Stack, admin: httpx.Client) -> None:
    email, user_id = _new_user(stack, admin)
    user = f"/administration/utilisateurs/{user_id}"
    with stack.login(email, PASSWORD) as session:
        assert session.get("/auth/me").json()["role"] == "accountant"
        changed = admin.post(f"{user}/role", data={"role": "viewer"}, headers=HX)
        assert changed.status_code == 204, changed.text
        assert session.get("/auth/me").json()["role"] == "viewer"
        assert admin.post(f"{user}/revoquer", headers=HX).status_code == 204
        assert session.get("/auth/me").status_code == 401  # the live session has ended
    assert "Gérée doit se reconnecter" in admin.get("/administration").text

    new_password = "un tout autre mot de passe solide"
    weak = admin.post(f"{user}/mot-de-passe", data={"newPassword": "a" * 12}, headers=HX)
    assert weak.status_code == 409  # the domain's refusal, shown where the action was taken
    assert "Mot de passe trop facile à deviner" in weak.text
    assert "easy to guess" not in weak.text  # zxcvbn's English feedback stays out
    reset = admin.post(f"{user}/mot-de-passe", data={"newPassword": new_password}, headers=HX)
    assert reset.status_code == 204, reset.text
    assert not _can_log_in(stack, email, PASSWORD)
    assert _can_log_in(stack, email, new_password)

    assert admin.post(f"{user}/desactiver", headers=HX).status_code == 204
    assert not _can_log_in(stack, email, new_password)
    assert admin.post(f"{user}/reactiver", headers=HX).status_code == 204
    assert _can_log_in(stack, email, new_password)


def test_an_admins_api_token_cannot_manage_users_through_the_page(
    stack: Stack, admin: httpx.Client
) -> None:
    """Rule 3: an admin's token minting a user could then finalize as that user."""
    created = admin.post(
        "/administration/jetons",
        data={"name": f"Admin {uuid.uuid4().hex[:6]}", "userId": str(stack.users.admin.id)},
        headers=HX,
    )
    secret = re.search(r'value="(vrn_[^"]+)"', created.text)
    assert secret is not None
    email = f"menthe-{uuid.uuid4().hex[:6]}@verone.test"
    form = {"email": email, "role": "admin", "password": PASSWORD}
    with stack.bearer(secret.group(1)) as script:
        refused = script.post("/administration/utilisateurs", data=form, headers=HX)
        assert refused.status_code == 403
        _, user_id = _new_user(stack, admin, role="viewer")
        promoted = script.post(
            f"/administration/utilisateurs/{user_id}/role", data={"role": "admin"}, headers=HX
        )
        assert promoted.status_code == 403
    assert email not in admin.get("/administration").text
