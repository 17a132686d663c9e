"""Authentication: password login throttled through the database, signed stateless sessions
carrying a CSRF token, and API tokens (only their hash is stored).

Functions: ``login``, ``issue_session``/``read_session``, ``session_user``, ``token_user``,
``create_api_token``, ``list_api_tokens``, ``revoke_api_token``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from verone.backoffice.domain.audit import AuditValue
from verone.backoffice.domain.errors import DomainError, PermissionDenied
from verone.backoffice.domain.users import ApiToken, Role, User, hash_api_token, new_api_token
from verone.backoffice.ports import Clock, PasswordHasher, UnitOfWork

SESSION_TTL = timedelta(hours=12)
LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 30
_SESSION_VERSION = "v1"
# a valid argon2id hash of a random password: verifying against it costs what a real check
# costs, so an unknown e-mail cannot be told apart by timing
_DUMMY_PASSWORD = secrets.token_urlsafe(16)


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    default_message = "E-mail ou mot de passe incorrect."


class TooManyLoginAttempts(DomainError):
    code = "too_many_login_attempts"
    default_message = "Trop de tentatives de connexion ; réessayez dans quelques minutes."
    retry_after = int(LOGIN_WINDOW.total_seconds())


class TokenNotFound(DomainError):
    code = "token_not_found"
    default_message = "Jeton d'API introuvable."


class UserNotFound(DomainError):
    code = "user_not_found"
    default_message = "Utilisateur introuvable."


# ---------------------------------------------------------------------- sessions


@dataclass(frozen=True, slots=True)
class Session:
    user_id: uuid.UUID
    csrf_token: str
    expires_at: datetime


def _session_key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"verone.session", hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _signature(secret_key: str, payload: str) -> str:
    return _b64(hmac.new(_session_key(secret_key), payload.encode(), hashlib.sha256).digest())


def issue_session(secret_key: str, user_id: uuid.UUID, now: datetime) -> tuple[str, Session]:
    """A cookie value ``v1.<user>.<csrf>.<expiry>.<hmac>`` and the session it carries."""
    session = Session(user_id, secrets.token_urlsafe(32), now + SESSION_TTL)
    payload = ".".join(
        (
            _SESSION_VERSION,
            user_id.hex,
            session.csrf_token,
            str(int(session.expires_at.timestamp())),
        )
    )
    return f"{payload}.{_signature(secret_key, payload)}", session


def read_session(secret_key: str, cookie: str, now: datetime) -> Session | None:
    """The session of a cookie value, or None when forged, malformed or expired."""
    parts = cookie.split(".")
    if len(parts) != 5 or parts[0] != _SESSION_VERSION or not parts[3].isdigit():
        return None
    payload, signature = ".".join(parts[:4]), parts[4]
    if not hmac.compare_digest(_signature(secret_key, payload).encode(), signature.encode()):
        return None
    try:
        user_id = uuid.UUID(hex=parts[1])
    except ValueError:
        return None
    expires_at = datetime.fromtimestamp(int(parts[3]), tz=UTC)
    if now >= expires_at:
        return None
    return Session(user_id, parts[2], expires_at)


def csrf_matches(session: Session, header_value: str | None) -> bool:
    if not header_value:
        return False
    return hmac.compare_digest(session.csrf_token.encode(), header_value.encode())


def session_user(uow: UnitOfWork, session: Session) -> User | None:
    """The active user of a valid session."""
    with uow:
        user = uow.users.get(session.user_id)
    return user if user is not None and user.active else None


# ---------------------------------------------------------------------- login


@dataclass(frozen=True, slots=True)
class LoginResult:
    cookie: str
    session: Session
    user: User


def _account_key(email: str) -> str:
    """A stable pseudonym of an e-mail (no personal data in buckets or audit entries)."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _buckets(email: str, client_address: str) -> tuple[tuple[str, int], ...]:
    account = _account_key(email)
    return (
        (f"login:account:{account}", MAX_FAILURES_PER_ACCOUNT),
        (f"login:address:{client_address}", MAX_FAILURES_PER_ADDRESS),
    )


def _throttled(uow: UnitOfWork, buckets: tuple[tuple[str, int], ...], now: datetime) -> bool:
    """True when a bucket has no failure left; the probe itself is rolled back."""
    with uow:
        left = all(
            uow.rate_budget.take(name, capacity=capacity, window=LOGIN_WINDOW, now=now)
            for name, capacity in buckets
        )
        uow.rollback()
    return not left


def _record_failure(
    uow: UnitOfWork, buckets: tuple[tuple[str, int], ...], email: str, now: datetime
) -> None:
    with uow:
        for name, capacity in buckets:
            uow.rate_budget.take(name, capacity=capacity, window=LOGIN_WINDOW, now=now)
        uow.audit.append(
            at=now,
            actor_id=None,
            action="auth.login_failed",
            entity_type="login",
            entity_id=_account_key(email),
        )
        uow.commit()


def login(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    secret_key: str,
    *,
    email: str,
    password: str,
    client_address: str,
) -> LoginResult:
    """Check the credentials and open a session (cookie value, session, user).

    Raises ``TooManyLoginAttempts`` after repeated failures for the account or the address
    within 15 minutes (counted in the database, so every worker sees them) and
    ``InvalidCredentials`` otherwise.
    """
    now = clock.now()
    buckets = _buckets(email, client_address)
    if _throttled(uow, buckets, now):
        raise TooManyLoginAttempts()
    with uow:
        user = uow.users.by_email(email)
    if user is None or not user.active:
        hasher.verify(hasher.hash(_DUMMY_PASSWORD), password)
        _record_failure(uow, buckets, email, now)
        raise InvalidCredentials()
    if not hasher.verify(user.password_hash, password):
        _record_failure(uow, buckets, email, now)
        raise InvalidCredentials()
    with uow:
        stored = uow.users.get(user.id)
        if stored is not None:
            stored.last_login_at = now
        uow.audit.append(
            at=now,
            actor_id=user.id,
            action="auth.login",
            entity_type="user",
            entity_id=str(user.id),
        )
        uow.commit()
    cookie, session = issue_session(secret_key, user.id, now)
    return LoginResult(cookie, session, user)


def record_logout(uow: UnitOfWork, clock: Clock, user: User) -> None:
    with uow:
        uow.audit.append(
            at=clock.now(),
            actor_id=user.id,
            action="auth.logout",
            entity_type="user",
            entity_id=str(user.id),
        )
        uow.commit()


# ---------------------------------------------------------------------- API tokens


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def token_user(uow: UnitOfWork, clock: Clock, secret: str) -> tuple[User, ApiToken] | None:
    """The active user behind a valid, unrevoked, unexpired API token."""
    now = clock.now()
    with uow:
        token = uow.api_tokens.by_hash(hash_api_token(secret))
        if token is None or not token.is_valid(now):
            return None
        user = uow.users.get(token.user_id)
    if user is None or not user.active:
        return None
    return user, token


def create_api_token(
    uow: UnitOfWork,
    clock: Clock,
    actor: User,
    *,
    name: str,
    user_id: uuid.UUID | None = None,
    expires_at: datetime | None = None,
) -> IssuedToken:
    """An admin creates a token for a user (themselves by default); the secret is returned once."""
    actor.require(Role.ADMIN)
    now = clock.now()
    secret = new_api_token()
    with uow:
        owner = uow.users.get(user_id or actor.id)
        if owner is None:
            raise UserNotFound()
        token = ApiToken(
            user_id=owner.id,
            name=name.strip(),
            token_hash=hash_api_token(secret),
            created_at=now,
            expires_at=expires_at,
        )
        uow.api_tokens.add(token)
        uow.audit.append(
            at=now,
            actor_id=actor.id,
            action="api_token.create",
            entity_type="api_token",
            entity_id=str(token.id),
            details={"user_id": str(owner.id), "name": token.name},
        )
        uow.commit()
    return IssuedToken(token, secret)


def list_api_tokens(uow: UnitOfWork, actor: User) -> list[ApiToken]:
    """Every token of every user (admins only); hashes stay inside."""
    actor.require(Role.ADMIN)
    with uow:
        return [token for user in uow.users.list() for token in uow.api_tokens.for_user(user.id)]


def revoke_api_token(uow: UnitOfWork, clock: Clock, actor: User, token_id: uuid.UUID) -> ApiToken:
    if not actor.has_role(Role.ADMIN):
        raise PermissionDenied()
    now = clock.now()
    with uow:
        for user in uow.users.list():
            for token in uow.api_tokens.for_user(user.id):
                if token.id == token_id:
                    token.revoke(now)
                    uow.audit.append(
                        at=now,
                        actor_id=actor.id,
                        action="api_token.revoke",
                        entity_type="api_token",
                        entity_id=str(token.id),
                    )
                    uow.commit()
                    return token
    raise TokenNotFound()


# ---------------------------------------------------------------------- audit of edge actions


def record_action(
    uow: UnitOfWork,
    clock: Clock,
    actor: User,
    *,
    action: str,
    entity_type: str,
    entity_id: str,
    details: Mapping[str, AuditValue] | None = None,
) -> None:
    """Audit a write made directly on Qonto by an authenticated user (e.g. an attachment)."""
    with uow:
        uow.audit.append(
            at=clock.now(),
            actor_id=actor.id,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            details=details,
        )
        uow.commit()
