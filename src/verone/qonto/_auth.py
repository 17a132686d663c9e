"""Authentication strategies: API key, OAuth 2.0 bearer with refresh-token rotation.

The strategies are sans-I/O: the OAuth one says when it needs a refresh, builds the token
request and reads the answer; the sync and async clients do the HTTP. Secrets are
``SecretStr`` and never appear in a ``repr`` or a message.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from pydantic import SecretStr

from verone.qonto._exceptions import QontoAuthError

QONTO_TOKEN_URL = "https://oauth.qonto.com/oauth2/token"  # noqa: S105  # an endpoint, not a secret
REFRESH_MARGIN_SECONDS = 60.0


class AuthStrategy(Protocol):
    """Something that puts credentials on a request."""

    def auth_headers(self) -> dict[str, str]: ...


class ApiKeyAuth:
    """``Authorization: {login}:{secret_key}`` (no prefix, no base64)."""

    def __init__(self, login: str, secret_key: SecretStr | str) -> None:
        if not login or ":" in login:
            raise ValueError("the API-key login is the organization slug, without ':'")
        self.login = login
        self.secret_key = secret_key if isinstance(secret_key, SecretStr) else SecretStr(secret_key)
        if not self.secret_key.get_secret_value():
            raise ValueError("the API secret key is empty")

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"{self.login}:{self.secret_key.get_secret_value()}"}

    def __repr__(self) -> str:
        return f"ApiKeyAuth(login={self.login!r}, secret_key=SecretStr('**********'))"


@dataclass(frozen=True, slots=True)
class TokenRequest:
    """The form to POST to the token endpoint (``application/x-www-form-urlencoded``)."""

    url: str
    form: dict[str, str]

    def __repr__(self) -> str:
        return f"TokenRequest(url={self.url!r})"


class OAuth2Auth:
    """``Authorization: Bearer <access token>``, refreshed from a rotating refresh token.

    ``on_refresh_token`` is called with each new refresh token Qonto hands out (the old one
    stays valid for 60 s only): persist it, or the next process start cannot authenticate.
    """

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: SecretStr | str,
        refresh_token: SecretStr | str,
        token_url: str = QONTO_TOKEN_URL,
        access_token: SecretStr | str | None = None,
        expires_at: float | None = None,
        on_refresh_token: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client_id = client_id
        self.client_secret = _secret(client_secret)
        self.refresh_token = _secret(refresh_token)
        self.token_url = token_url
        self.access_token = _secret(access_token) if access_token is not None else None
        self.expires_at = expires_at
        self.on_refresh_token = on_refresh_token
        self.clock = clock
        self.lock = threading.Lock()
        self.generation = 0
        """Bumped on every refresh, so a caller can tell whether someone refreshed already."""

    def needs_refresh(self) -> bool:
        """True when there is no access token or it expires within a minute."""
        if self.access_token is None:
            return True
        return self.expires_at is not None and self.clock() >= self.expires_at - (
            REFRESH_MARGIN_SECONDS
        )

    def token_request(self) -> TokenRequest:
        return TokenRequest(
            self.token_url,
            {
                "grant_type": "refresh_token",
                "refresh_token": self.refresh_token.get_secret_value(),
                "client_id": self.client_id,
                "client_secret": self.client_secret.get_secret_value(),
            },
        )

    def apply_token_response(self, status: int, body: object) -> None:
        """Read the token endpoint's answer; rotate the refresh token; raise if refused."""
        if status != 200 or not isinstance(body, dict):
            reason = body.get("error") if isinstance(body, dict) else None
            raise QontoAuthError(
                f"OAuth token refresh refused (HTTP {status}"
                + (f", {reason}" if isinstance(reason, str) else "")
                + "); the refresh token may have expired or been revoked: authorize the "
                "application again"
            )
        access = body.get("access_token")
        if not isinstance(access, str) or not access:
            raise QontoAuthError("OAuth token answer has no access_token")
        self.access_token = SecretStr(access)
        expires_in = body.get("expires_in")
        self.expires_at = (
            self.clock() + float(expires_in) if isinstance(expires_in, int | float) else None
        )
        new_refresh = body.get("refresh_token")
        if isinstance(new_refresh, str) and new_refresh:
            rotated = new_refresh != self.refresh_token.get_secret_value()
            self.refresh_token = SecretStr(new_refresh)
            if rotated and self.on_refresh_token is not None:
                self.on_refresh_token(new_refresh)
        self.generation += 1

    def invalidate(self) -> None:
        """Forget the access token (after a 401) so the next call refreshes it."""
        self.access_token = None

    def auth_headers(self) -> dict[str, str]:
        if self.access_token is None:
            return {}
        return {"Authorization": f"Bearer {self.access_token.get_secret_value()}"}

    def __repr__(self) -> str:
        return f"OAuth2Auth(client_id={self.client_id!r}, token_url={self.token_url!r})"


def _secret(value: SecretStr | str) -> SecretStr:
    return value if isinstance(value, SecretStr) else SecretStr(value)
