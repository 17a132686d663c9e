"""OAuth 2.0 bearer auth: refresh on expiry and on 401, refresh-token rotation callback."""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx
import pytest

from verone.qonto import OAuth2Auth, QontoAuthError, QontoClient, RateBudget, Unauthorized

from ._client_support import FakeTime, error_reply, json_reply

TOKEN_URL = "https://oauth.example/oauth2/token"
ORG = {"organization": {"id": "org-1", "slug": "acme"}}


class OAuthServer:
    def __init__(self) -> None:
        self.token_calls: list[dict[str, list[str]]] = []
        self.api_auth: list[str] = []
        self.valid = "access-1"
        self.reject_next = False
        self.reject_all = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            form = parse_qs(request.read().decode())
            self.token_calls.append(form)
            if form["refresh_token"] != [f"refresh-{len(self.token_calls)}"]:
                return json_reply(400, {"error": "invalid_grant"})
            self.valid = f"access-{len(self.token_calls) + 1}"
            return json_reply(
                200,
                {
                    "access_token": self.valid,
                    "expires_in": 3600,
                    "token_type": "bearer",
                    "refresh_token": f"refresh-{len(self.token_calls) + 1}",
                },
            )
        self.api_auth.append(request.headers.get("Authorization", ""))
        if (
            self.reject_all
            or self.reject_next
            or request.headers.get("Authorization") != f"Bearer {self.valid}"
        ):
            self.reject_next = False
            return error_reply(401, "unauthorized", "token expired")
        return json_reply(200, ORG)


def _client(server: OAuthServer, fake: FakeTime, rotated: list[str]) -> QontoClient:
    auth = OAuth2Auth(
        client_id="app-1",
        client_secret="app-secret",
        refresh_token="refresh-1",
        token_url=TOKEN_URL,
        on_refresh_token=rotated.append,
        clock=fake.clock,
    )
    return QontoClient(
        auth=auth,
        http_client=httpx.Client(transport=httpx.MockTransport(server)),
        rate_budget=RateBudget([]),
        sleep=fake.sleep,
        clock=fake.clock,
    )


def test_first_call_fetches_a_token_and_persists_the_rotated_refresh_token() -> None:
    server, fake, rotated = OAuthServer(), FakeTime(), list[str]()
    client = _client(server, fake, rotated)
    client.organization.get()
    assert server.token_calls[0]["grant_type"] == ["refresh_token"]
    assert server.token_calls[0]["client_id"] == ["app-1"]
    assert server.api_auth == ["Bearer access-2"]
    assert rotated == ["refresh-2"]


def test_token_is_reused_until_it_nearly_expires() -> None:
    server, fake, rotated = OAuthServer(), FakeTime(), list[str]()
    client = _client(server, fake, rotated)
    client.organization.get()
    fake.now += 3000
    client.organization.get()
    assert len(server.token_calls) == 1
    fake.now += 560  # within a minute of expiry
    client.organization.get()
    assert len(server.token_calls) == 2
    assert rotated == ["refresh-2", "refresh-3"]


def test_a_401_refreshes_once_and_retries() -> None:
    server, fake, rotated = OAuthServer(), FakeTime(), list[str]()
    client = _client(server, fake, rotated)
    client.organization.get()
    server.reject_next = True
    assert client.organization.get().id == "org-1"
    assert len(server.token_calls) == 2


def test_a_second_401_is_raised() -> None:
    server, fake, rotated = OAuthServer(), FakeTime(), list[str]()
    client = _client(server, fake, rotated)
    server.reject_all = True
    with pytest.raises(Unauthorized):
        client.organization.get()
    assert len(server.token_calls) == 2


def test_refused_refresh_is_a_clear_error_without_secrets() -> None:
    server, fake, rotated = OAuthServer(), FakeTime(), list[str]()
    client = _client(server, fake, rotated)
    auth = client.core.auth
    assert isinstance(auth, OAuth2Auth)
    auth.refresh_token = auth.refresh_token.__class__("stale")
    with pytest.raises(QontoAuthError, match="authorize the application again") as caught:
        client.organization.get()
    assert "stale" not in str(caught.value)
    assert "app-secret" not in repr(auth)
