"""Wire shapes of authentication, API tokens and users (camelCase like ``schemas``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from verone.backoffice.api.schemas import ApiModel, Email, RequestModel, Text
from verone.backoffice.domain.users import Role


class LoginIn(RequestModel):
    email: Annotated[str, Field(min_length=1, max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class LoginOut(ApiModel):
    csrf_token: str
    user_id: uuid.UUID
    role: Role
    expires_at: datetime


class LogoutOut(ApiModel):
    logged_out: Literal[True] = True


class MeOut(ApiModel):
    id: uuid.UUID
    email: str
    display_name: str
    role: Role
    via_api_token: bool


class TokenIn(RequestModel):
    name: Text
    user_id: uuid.UUID | None = None
    expires_at: AwareDatetime | None = None


class TokenOut(ApiModel):
    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class CreatedToken(TokenOut):
    token: str  # shown once


class TokenList(ApiModel):
    items: list[TokenOut]


class UserOut(ApiModel):
    id: uuid.UUID
    email: str
    display_name: str
    role: Role
    active: bool
    created_at: datetime
    last_login_at: datetime | None


class UserList(ApiModel):
    items: list[UserOut]


class PasswordChangeIn(RequestModel):
    current_password: Annotated[str, Field(min_length=1, max_length=1024)]
    new_password: Annotated[str, Field(min_length=12, max_length=1024)]


class PasswordChangedOut(ApiModel):
    other_sessions_revoked: int


class PasswordResetIn(RequestModel):
    new_password: Annotated[str, Field(min_length=12, max_length=1024)]


class RoleIn(RequestModel):
    role: Role


class RevokedOut(ApiModel):
    user: UserOut
    sessions_revoked: int
    tokens_revoked: int


class UserIn(RequestModel):
    email: Email
    password: Annotated[str, Field(min_length=12, max_length=1024)]
    role: Role
    display_name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
