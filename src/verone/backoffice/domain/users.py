"""Users, their roles, and API tokens (only a hash of a token is ever kept)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from verone.backoffice.domain import errors


class Role(StrEnum):
    VIEWER = "viewer"
    ACCOUNTANT = "accountant"
    ADMIN = "admin"


_RANK = {Role.VIEWER: 0, Role.ACCOUNTANT: 1, Role.ADMIN: 2}


@dataclass(eq=False)
class User:
    email: str
    display_name: str
    role: Role
    password_hash: str
    created_at: datetime
    active: bool = True
    last_login_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def has_role(self, role: Role) -> bool:
        return self.active and _RANK[self.role] >= _RANK[role]

    @property
    def can_finalize(self) -> bool:
        """Accountants and admins finalize, through an interactive confirmation only."""
        return self.has_role(Role.ACCOUNTANT)

    def require(self, role: Role) -> None:
        if not self.has_role(role):
            raise errors.PermissionDenied()


TOKEN_PREFIX = "vrn_"  # noqa: S105 - a public prefix, not a secret


def new_api_token() -> str:
    """A fresh random token to show the user once."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_api_token(token: str) -> str:
    """SHA-256 hex of a token: what the database keeps (tokens are long and random)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(eq=False)
class ApiToken:
    """An API token of a user; it can read and write but never finalize (rule 3)."""

    user_id: uuid.UUID
    name: str
    token_hash: str
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def is_valid(self, now: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or now < self.expires_at

    def revoke(self, at: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = at


@dataclass(eq=False)
class UserSession:
    """An interactive session (web UI or API cookie): revocable, with an idle timeout (no
    request for ``idle``) and an absolute one (``expires_at``)."""

    user_id: uuid.UUID
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def is_valid(self, now: datetime, idle: timedelta) -> bool:
        if self.revoked_at is not None or now >= self.expires_at:
            return False
        return now - self.last_seen_at < idle

    def revoke(self, at: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = at
