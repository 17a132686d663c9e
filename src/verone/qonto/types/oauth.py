"""OAuth 2.0 token answer of ``POST /oauth2/token``."""

from __future__ import annotations

from verone.qonto.types._base import WireModel


class OAuthToken(WireModel):
    """An access token (1 h) and, with ``offline_access``, a rotating refresh token."""

    access_token: str
    token_type: str
    expires_in: int
    refresh_token: str | None = None
    scope: str | None = None
    id_token: str | None = None
