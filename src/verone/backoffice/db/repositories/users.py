"""Users and API tokens (looked up by the hash of the token, never the token)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from verone.backoffice.db.tables import api_tokens, users
from verone.backoffice.domain.users import ApiToken, User


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
