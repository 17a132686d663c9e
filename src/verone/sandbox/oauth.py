"""OAuth 2.0 tokens of the sandbox: codes, 1-hour access tokens, rotated refresh tokens.

Follows Qonto's documented lifetimes: access token 1 h, refresh token 90 days, code 10 min;
a refreshed (rotated) refresh token stays usable for a 60-second grace period.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass

from verone.qonto.types.oauth import OAuthToken
from verone.sandbox.clock import Clock
from verone.sandbox.wire import build

ACCESS_TTL = 3600.0
REFRESH_TTL = 90 * 24 * 3600.0
CODE_TTL = 600.0
ROTATION_GRACE = 60.0
DEFAULT_SCOPE = (
    "offline_access organization.read client_invoices.read client_invoice.write client.read "
    "client.write attachment.read attachment.write webhook"
)


class OAuthError(Exception):
    """An OAuth failure, rendered as ``{"error": code, "error_description": ...}``."""

    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status


@dataclass(slots=True)
class Grant:
    token: str
    scope: str
    expires_at: float


class OAuthStore:
    """Issued codes and tokens, timed on the sandbox clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.codes: dict[str, Grant] = {}
        self.access: dict[str, Grant] = {}
        self.refresh: dict[str, Grant] = {}

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def issue_code(self, scope: str) -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = Grant(code, scope or DEFAULT_SCOPE, self._now() + CODE_TTL)
        return code

    def _tokens(self, scope: str) -> OAuthToken:
        now = self._now()
        access = Grant(secrets.token_urlsafe(32), scope, now + ACCESS_TTL)
        refresh = Grant(secrets.token_urlsafe(32), scope, now + REFRESH_TTL)
        self.access[access.token] = access
        self.refresh[refresh.token] = refresh
        return build(
            OAuthToken,
            access_token=access.token,
            expires_in=int(ACCESS_TTL),
            scope=scope,
            token_type="bearer",  # noqa: S106  # the OAuth token type, not a secret
            refresh_token=refresh.token,
            id_token=None,
        )

    def exchange_code(self, code: str) -> OAuthToken:
        grant = self.codes.pop(code, None)
        if grant is None or grant.expires_at < self._now():
            raise OAuthError("invalid_grant", "The authorization code is invalid or expired.")
        return self._tokens(grant.scope)

    def client_credentials(self, scope: str) -> OAuthToken:
        return self._tokens(scope or DEFAULT_SCOPE)

    def refresh_tokens(self, refresh_token: str) -> OAuthToken:
        """Rotate: new pair issued; the old refresh token survives only the grace period."""
        grant = self.refresh.get(refresh_token)
        now = self._now()
        if grant is None or grant.expires_at < now:
            raise OAuthError("invalid_grant", "The refresh token is invalid or expired.")
        grant.expires_at = min(grant.expires_at, now + ROTATION_GRACE)
        return self._tokens(grant.scope)

    def check_access(self, token: str) -> Grant | None:
        grant = self.access.get(token)
        if grant is None or grant.expires_at < self._now():
            return None
        return grant

    def to_snapshot(self) -> dict[str, object]:
        return {
            "codes": [asdict(g) for g in self.codes.values()],
            "access": [asdict(g) for g in self.access.values()],
            "refresh": [asdict(g) for g in self.refresh.values()],
        }

    @classmethod
    def from_snapshot(cls, data: dict[str, object], clock: Clock) -> OAuthStore:
        store = cls(clock)
        for name in ("codes", "access", "refresh"):
            rows = data.get(name, [])
            assert isinstance(rows, list)
            target: dict[str, Grant] = getattr(store, name)
            for row in rows:
                assert isinstance(row, dict)
                target[str(row["token"])] = Grant(
                    str(row["token"]), str(row["scope"]), float(row["expires_at"])
                )
        return store
