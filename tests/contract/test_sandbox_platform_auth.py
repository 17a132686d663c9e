"""Sandbox authentication: API key, OAuth bearer tokens, staging token, 401 throttling."""

from __future__ import annotations

from tests.contract.conftest import API_KEY, TestClient
from verone.sandbox.config import SandboxConfig
from verone.sandbox.state import SandboxState

FORM_CLIENT = {"client_id": "sandbox-client", "client_secret": "sandbox-client-secret"}


def test_api_key_is_login_colon_secret_without_prefix(anon: TestClient) -> None:
    assert anon.get("/v2/organization", headers={"Authorization": API_KEY}).status_code == 200
    for header in (f"Basic {API_KEY}", "verone-4819:wrong", "verone-4819"):
        response = anon.get("/v2/organization", headers={"Authorization": header})
        assert response.status_code == 401


def test_401_is_the_error_envelope_with_the_request_id(anon: TestClient) -> None:
    response = anon.get("/v2/bank_accounts")
    body = response.json()
    assert response.status_code == 401
    assert body["errors"][0]["code"] == "unauthorized"
    assert body["trace_id"] == response.headers["x-request-id"]
    assert response.headers.get_list("x-request-id") == [body["trace_id"]]


def test_every_response_carries_a_request_id(api: TestClient) -> None:
    first = api.get("/v2/organization").headers["x-request-id"]
    second = api.get("/v2/organization").headers["x-request-id"]
    assert first
    assert second
    assert first != second


def test_client_credentials_token_authorizes_bearer_calls(anon: TestClient) -> None:
    token = anon.post("/oauth2/token", data={"grant_type": "client_credentials", **FORM_CLIENT})
    assert token.status_code == 200
    body = token.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert anon.get("/v2/organization", headers=bearer).status_code == 200
    assert anon.get("/v2/organization", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_access_token_expires_after_an_hour(anon: TestClient, sandbox_state: SandboxState) -> None:
    token = anon.post(
        "/oauth2/token", data={"grant_type": "client_credentials", **FORM_CLIENT}
    ).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    sandbox_state.clock.advance(3599)
    assert anon.get("/v2/organization", headers=bearer).status_code == 200
    sandbox_state.clock.advance(2)
    assert anon.get("/v2/organization", headers=bearer).status_code == 401


def test_authorization_code_flow_and_refresh_rotation(
    anon: TestClient, sandbox_state: SandboxState
) -> None:
    redirect = anon.get(
        "/oauth2/auth",
        params={
            "client_id": "sandbox-client",
            "redirect_uri": "http://localhost/cb",
            "scope": "offline_access organization.read",
            "state": "xyz",
        },
        follow_redirects=False,
    )
    assert redirect.status_code == 302
    location = redirect.headers["location"]
    assert location.startswith("http://localhost/cb?")
    assert "state=xyz" in location
    code = location.split("code=")[1].split("&")[0]
    first = anon.post(
        "/oauth2/token", data={"grant_type": "authorization_code", "code": code, **FORM_CLIENT}
    )
    assert first.status_code == 200
    assert first.json()["scope"] == "offline_access organization.read"
    reused = anon.post(
        "/oauth2/token", data={"grant_type": "authorization_code", "code": code, **FORM_CLIENT}
    )
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"

    old_refresh = first.json()["refresh_token"]
    refreshed = anon.post(
        "/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": old_refresh, **FORM_CLIENT},
    )
    assert refreshed.status_code == 200
    assert refreshed.json()["refresh_token"] != old_refresh
    sandbox_state.clock.advance(30)
    grace = anon.post(
        "/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": old_refresh, **FORM_CLIENT},
    )
    assert grace.status_code == 200
    sandbox_state.clock.advance(31)
    late = anon.post(
        "/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": old_refresh, **FORM_CLIENT},
    )
    assert late.status_code == 400


def test_token_endpoint_refuses_a_wrong_client_secret(anon: TestClient) -> None:
    response = anon.post(
        "/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "sandbox-client",
            "client_secret": "guess",
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_staging_token_is_mandatory_when_required() -> None:
    state = SandboxState(
        SandboxConfig(transactions=10, require_staging_token=True, staging_token="stg-123")
    )
    from verone.sandbox.app import create_app

    with TestClient(create_app(state), headers={"Authorization": API_KEY}) as client:
        missing = client.get("/v2/organization")
        assert missing.status_code == 401
        assert "Staging-Token" in missing.json()["errors"][0]["detail"]
        wrong = client.get("/v2/organization", headers={"X-Qonto-Staging-Token": "nope"})
        assert wrong.status_code == 401
        good = client.get("/v2/organization", headers={"X-Qonto-Staging-Token": "stg-123"})
        assert good.status_code == 200


def test_too_many_401s_from_one_ip_throttle_even_good_calls(
    anon: TestClient, sandbox_state: SandboxState
) -> None:
    anon.put(
        "/_sandbox/rate-limits",
        json={
            "limits": [{"requests": 1000, "window_seconds": 10}],
            "unauthorized": {"requests": 3, "window_seconds": 3600},
        },
    )
    for _ in range(3):
        assert anon.get("/v2/organization", headers={"Authorization": "x:y"}).status_code == 401
    throttled = anon.get("/v2/organization", headers={"Authorization": API_KEY})
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 3000
    sandbox_state.clock.advance(3601)
    assert anon.get("/v2/organization", headers={"Authorization": API_KEY}).status_code == 200
