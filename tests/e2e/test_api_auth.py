"""Authentication end to end: login, cookie flags, CSRF, API tokens, throttling, logout."""

from __future__ import annotations

from datetime import timedelta

import httpx

from tests.e2e.conftest import CSRF_HEADER, PASSWORD, LiveServer, Stack
from verone.backoffice.app import create_app
from verone.backoffice.bootstrap import build_container


def test_login_returns_csrf_token_and_a_secure_session_cookie(stack: Stack) -> None:
    with stack.client() as client:
        answer = client.post(
            "/auth/login", json={"email": stack.users.viewer.email, "password": PASSWORD}
        )
        assert answer.status_code == 200
        body = answer.json()
        assert set(body) == {"csrfToken", "userId", "role", "expiresAt"}
        assert body["role"] == "viewer"
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("verone_session=")
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # the embedded default serves plain http on loopback
        me = client.get("/auth/me").json()
        assert me["email"] == stack.users.viewer.email
        assert me["viaApiToken"] is False


def test_bad_password_is_401_in_the_error_envelope(stack: Stack) -> None:
    with stack.client() as client:
        answer = client.post(
            "/auth/login", json={"email": stack.users.viewer.email, "password": "wrong"}
        )
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "invalid_credentials"
    assert set(answer.json()["error"]) == {"code", "message", "hint", "details"}


def test_unknown_fields_in_login_are_rejected(anonymous: httpx.Client) -> None:
    answer = anonymous.post(
        "/auth/login", json={"email": "a@b.c", "password": "x", "remember": True}
    )
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"]["fields"][0]["location"] == "body.remember"


def test_login_is_throttled_after_repeated_failures(stack: Stack) -> None:
    email = stack.users.throttled.email
    with stack.client() as client:
        statuses = [
            client.post("/auth/login", json={"email": email, "password": "nope"}).status_code
            for _ in range(5)
        ]
        assert statuses == [401] * 5
        # even the right password is refused while the account is throttled
        locked = client.post("/auth/login", json={"email": email, "password": PASSWORD})
        assert locked.status_code == 429
        assert locked.json()["error"]["code"] == "too_many_login_attempts"
        assert int(locked.headers["Retry-After"]) > 0
        stack.clock.advance(timedelta(minutes=16))
        again = client.post("/auth/login", json={"email": email, "password": PASSWORD})
        assert again.status_code == 200


def test_cookie_writes_need_the_csrf_header(stack: Stack) -> None:
    with stack.login(stack.users.admin.email) as client:
        token = client.headers.pop(CSRF_HEADER)
        refused = client.post("/api/tokens", json={"name": "no csrf"})
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "csrf_failed"
        forged = client.post(
            "/api/tokens", json={"name": "forged"}, headers={CSRF_HEADER: "x" + token}
        )
        assert forged.status_code == 403
        accepted = client.post(
            "/api/tokens", json={"name": "csrf ok"}, headers={CSRF_HEADER: token}
        )
        assert accepted.status_code == 201


def test_a_tampered_session_cookie_is_unauthenticated(stack: Stack) -> None:
    with stack.login(stack.users.viewer.email) as client:
        value = client.cookies["verone_session"]
        user_part = value.split(".")[1]
        admin_hex = stack.users.admin.id.hex
        client.cookies.set("verone_session", value.replace(user_part, admin_hex))
        assert client.get("/auth/me").status_code == 401


def test_api_token_lifecycle(stack: Stack, admin: httpx.Client) -> None:
    created = admin.post(
        "/api/tokens", json={"name": "compta", "userId": str(stack.users.accountant.id)}
    )
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("vrn_")
    assert body["userId"] == str(stack.users.accountant.id)
    with stack.bearer(body["token"]) as client:
        me = client.get("/auth/me").json()
        assert me["email"] == stack.users.accountant.email
        assert me["viaApiToken"] is True
        listed = admin.get("/api/tokens").json()["items"]
        assert body["id"] in {t["id"] for t in listed}
        assert all("token" not in t and "tokenHash" not in t for t in listed)
        assert admin.delete(f"/api/tokens/{body['id']}").status_code == 200
        assert client.get("/auth/me").status_code == 401


def test_logout_clears_the_cookie_and_is_audited(stack: Stack) -> None:
    with stack.login(stack.users.viewer.email) as client:
        answer = client.post("/auth/logout")
        assert answer.status_code == 200
        assert (
            'verone_session=""' in answer.headers["set-cookie"]
            or "Max-Age=0" in answer.headers["set-cookie"]
        )
        assert client.get("/auth/me").status_code == 401
    with stack.container.unit_of_work() as uow:
        entries = uow.audit.for_entity("user", str(stack.users.viewer.id))
    assert {"auth.login", "auth.logout"} <= {e.action for e in entries}


def test_admins_create_users_who_can_then_log_in(
    stack: Stack, admin: httpx.Client, accountant: httpx.Client
) -> None:
    body = {"email": "new.viewer@verone.test", "password": PASSWORD, "role": "viewer"}
    assert accountant.post("/api/users", json=body).status_code == 403
    created = admin.post("/api/users", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["role"] == "viewer"
    assert "password" not in created.text
    assert "argon2" not in created.text
    assert admin.post("/api/users", json=body).status_code == 409
    short = admin.post("/api/users", json={**body, "email": "x@verone.test", "password": "court"})
    assert short.status_code == 422
    with stack.login("new.viewer@verone.test") as client:
        assert client.get("/auth/me").json()["role"] == "viewer"
    listed = {u["email"] for u in admin.get("/api/users").json()["items"]}
    assert "new.viewer@verone.test" in listed


def test_sessions_expire_after_twelve_hours(stack: Stack) -> None:
    with stack.login(stack.users.viewer.email) as client:
        assert client.get("/auth/me").status_code == 200
        stack.clock.advance(timedelta(hours=12, minutes=1))
        try:
            assert client.get("/auth/me").status_code == 401
        finally:
            stack.clock.advance(-timedelta(hours=12, minutes=1))
        assert client.get("/auth/me").status_code == 200


def test_the_session_cookie_is_secure_outside_the_embedded_default(stack: Stack) -> None:
    settings = stack.container.settings.model_copy(update={"session_cookie_secure": True})
    assert settings.cookie_secure is True
    with (
        build_container(settings, clock=stack.clock) as container,
        LiveServer(create_app(container, run_jobs=False)) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        answer = client.post(
            "/auth/login", json={"email": stack.users.viewer.email, "password": PASSWORD}
        )
        assert answer.status_code == 200
        cookie = answer.headers["set-cookie"]
        assert "; Secure" in cookie
        assert "HttpOnly" in cookie
