"""Users and API tokens (looked up by the hash of the token, never the token)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CursorResult, delete, func, or_, update

from verone.backoffice.db.repositories._base import EntityRepository
from verone.backoffice.db.tables import api_tokens, user_sessions, users
from verone.backoffice.domain.users import ApiToken, User, UserSession


class UserRepository(EntityRepository[User]):
    _entity, _table = User, users

    def by_email(self, email: str) -> User | None:
        return self._first(func.lower(users.c.email) == email.strip().lower())

    def list(self) -> list[User]:
        return self._all(order_by=(users.c.email,))


class ApiTokenRepository(EntityRepository[ApiToken]):
    _entity, _table = ApiToken, api_tokens

    def by_hash(self, token_hash: str) -> ApiToken | None:
        return self._first(api_tokens.c.token_hash == token_hash)

    def for_user(self, user_id: uuid.UUID) -> list[ApiToken]:
        return self._all(api_tokens.c.user_id == user_id, order_by=(api_tokens.c.created_at,))


class UserSessionRepository(EntityRepository[UserSession]):
    _entity, _table = UserSession, user_sessions

    def for_user(self, user_id: uuid.UUID) -> list[UserSession]:
        c = user_sessions.c
        return self._all(c.user_id == user_id, order_by=(c.created_at,))

    def purge_ended(self, before: datetime) -> int:
        """Delete the sessions that had ended (expired or revoked) before ``before``."""
        c = user_sessions.c
        result = self._session.execute(
            delete(user_sessions)
            .where(or_(c.expires_at < before, c.revoked_at < before))
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        return result.rowcount

    def revoke_all(self, user_id: uuid.UUID, at: datetime, *, keep: uuid.UUID | None = None) -> int:
        """Revoke every open session of a user (but ``keep``); the number revoked."""
        query = (
            update(user_sessions)
            .where(user_sessions.c.user_id == user_id, user_sessions.c.revoked_at.is_(None))
            .values(revoked_at=at)
            .execution_options(synchronize_session="fetch")
        )
        if keep is not None:
            query = query.where(user_sessions.c.id != keep)
        return int(getattr(self._session.execute(query), "rowcount", 0) or 0)
