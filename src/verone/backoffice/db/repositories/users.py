"""Users and API tokens (looked up by the hash of the token, never the token)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CursorResult, delete, func, or_, select, update
from sqlalchemy.orm import Session

from verone.backoffice.db.tables import api_tokens, user_sessions, users
from verone.backoffice.domain.users import ApiToken, User, UserSession


class UserRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, user: User) -> None:
        self._session.add(user)

    def get(self, user_id: uuid.UUID) -> User | None:
        return self._session.get(User, user_id)

    def by_email(self, email: str) -> User | None:
        query = select(User).where(func.lower(users.c.email) == email.strip().lower())
        return self._session.scalars(query).first()

    def list(self) -> list[User]:
        return list(self._session.scalars(select(User).order_by(users.c.email)))


class ApiTokenRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, token: ApiToken) -> None:
        self._session.add(token)

    def by_hash(self, token_hash: str) -> ApiToken | None:
        query = select(ApiToken).where(api_tokens.c.token_hash == token_hash)
        return self._session.scalars(query).first()

    def for_user(self, user_id: uuid.UUID) -> list[ApiToken]:
        query = (
            select(ApiToken)
            .where(api_tokens.c.user_id == user_id)
            .order_by(api_tokens.c.created_at)
        )
        return list(self._session.scalars(query))


class UserSessionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, user_session: UserSession) -> None:
        self._session.add(user_session)

    def get(self, session_id: uuid.UUID) -> UserSession | None:
        return self._session.get(UserSession, session_id)

    def for_user(self, user_id: uuid.UUID) -> list[UserSession]:
        query = (
            select(UserSession)
            .where(user_sessions.c.user_id == user_id)
            .order_by(user_sessions.c.created_at)
        )
        return list(self._session.scalars(query))

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
