"""Authentication: password login throttled through the database, signed stateless sessions
carrying a CSRF token, and API tokens (only their hash is stored).

Functions: ``login``, ``issue_session``/``read_session``, ``session_user``, ``record_logout``,
``token_user``, ``create_api_token``, ``list_api_tokens``, ``revoke_api_token``. Sessions are
rows of ``user_sessions`` (revocable, idle and absolute timeouts); the cookie is an HMAC-signed
reference to one, carrying the CSRF token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import uuid
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from verone.backoffice.domain.audit import AuditValue
from verone.backoffice.domain.errors import DomainError, PermissionDenied
from verone.backoffice.domain.users import (
    ApiToken,
    Role,
    User,
    UserSession,
    hash_api_token,
    new_api_token,
)
from verone.backoffice.ports import Clock, PasswordHasher, UnitOfWork
from verone.backoffice.services.actors import Actor, ActorKind
from verone.backoffice.services.audit import record_audit
from verone.backoffice.services.common import audit

SESSION_TTL = timedelta(hours=12)  # absolute: a session ends 12 h after the login
SESSION_IDLE = timedelta(minutes=30)  # idle: and after 30 minutes without a request
_TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most once a minute
LOGIN_WINDOW = timedelta(minutes=15)
MAX_ATTEMPTS_PER_ACCOUNT = 5
MAX_ATTEMPTS_PER_ADDRESS = 30
_SESSION_VERSION = "v2"
_EXPIRY = re.compile(r"[0-9]{1,12}")  # ASCII digits only: "²".isdigit() is True
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


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


class InteractiveAdminRequired(PermissionDenied):
    code = "interactive_admin_required"
    default_message = (
        "Gérer les utilisateurs, leurs rôles et les jetons demande une session "
        "d'administrateur dans l'interface (pas un jeton d'API)."
    )


def require_user_admin(uow: UnitOfWork, actor: Actor) -> uuid.UUID | None:
    """Users, roles and tokens are managed by an admin's interactive session or the operator's
    CLI, never an API token or a job: the acting admin's id (None for a bare CLI)."""
    if actor.kind is ActorKind.CLI:
        return actor.user_id
    if actor.kind is not ActorKind.INTERACTIVE or actor.user_id is None:
        raise InteractiveAdminRequired()
    with uow:
        admin = uow.users.get(actor.user_id)
    if admin is None or not admin.has_role(Role.ADMIN):
        raise PermissionDenied("Action réservée aux administrateurs.")
    return admin.id


# ---------------------------------------------------------------------- sessions


@dataclass(frozen=True, slots=True)
class Session:
    """What a valid session cookie carries; ``session_user`` checks it against the table."""

    session_id: uuid.UUID
    csrf_token: str
    expires_at: datetime
    read_at: datetime


def _session_key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"verone.session", hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _signature(secret_key: str, payload: str) -> str:
    return _b64(hmac.new(_session_key(secret_key), payload.encode(), hashlib.sha256).digest())


def issue_session(secret_key: str, user_session: UserSession, now: datetime) -> tuple[str, Session]:
    """A cookie value ``v2.<session id>.<csrf>.<expiry>.<hmac>`` and the session it carries."""
    session = Session(user_session.id, secrets.token_urlsafe(32), user_session.expires_at, now)
    payload = ".".join(
        (
            _SESSION_VERSION,
            user_session.id.hex,
            session.csrf_token,
            str(int(session.expires_at.timestamp())),
        )
    )
    return f"{payload}.{_signature(secret_key, payload)}", session


def read_session(secret_key: str, cookie: str, now: datetime) -> Session | None:
    """The session of a cookie value, or None when forged, malformed or past its expiry."""
    parts = cookie.split(".")
    if len(parts) != 5 or parts[0] != _SESSION_VERSION or not _EXPIRY.fullmatch(parts[3]):
        return None
    payload, signature = ".".join(parts[:4]), parts[4]
    if not hmac.compare_digest(_signature(secret_key, payload).encode(), signature.encode()):
        return None
    try:
        session_id = uuid.UUID(hex=parts[1])
    except ValueError:
        return None
    expires_at = datetime.fromtimestamp(int(parts[3]), tz=UTC)
    if now >= expires_at:
        return None
    return Session(session_id, parts[2], expires_at, now)


def csrf_matches(session: Session, header_value: str | None) -> bool:
    if not header_value:
        return False
    return hmac.compare_digest(session.csrf_token.encode(), header_value.encode())


def session_user(uow: UnitOfWork, session: Session) -> User | None:
    """The active user of a session that is neither revoked, idle nor expired (at the time
    the cookie was read); the session's last activity moves forward."""
    now = session.read_at
    with uow:
        stored = uow.user_sessions.get(session.session_id)
        if stored is None or not stored.is_valid(now, SESSION_IDLE):
            return None
        user = uow.users.get(stored.user_id)
        if user is None or not user.active:
            return None
        if now - stored.last_seen_at >= _TOUCH_EVERY:
            stored.last_seen_at = now
            uow.commit()
    return user


def open_session(
    uow: UnitOfWork, secret_key: str, user: User, now: datetime
) -> tuple[str, Session]:
    """Record a new session of ``user`` and its cookie value."""
    stored = UserSession(
        user_id=user.id, created_at=now, last_seen_at=now, expires_at=now + SESSION_TTL
    )
    with uow:
        uow.user_sessions.add(stored)
        uow.commit()
    return issue_session(secret_key, stored, now)


# ---------------------------------------------------------------------- login


@dataclass(frozen=True, slots=True)
class LoginResult:
    cookie: str
    session: Session
    user: User


def _account_key(email: str) -> str:
    """A stable pseudonym of an e-mail (no personal data in buckets or audit entries)."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


LOGIN_BUCKETS = "login:"
#: How long an ended session is kept (so the administration page still shows a recent end).
ENDED_SESSIONS_KEPT = timedelta(days=1)


def _address_bucket(client_address: str) -> str:
    return f"{LOGIN_BUCKETS}address:{hashlib.sha256(client_address.encode()).hexdigest()[:32]}"


def _account_bucket(email: str) -> str:
    return f"{LOGIN_BUCKETS}account:{_account_key(email)}"


def _take_attempt(uow: UnitOfWork, email: str, client_address: str, now: datetime) -> None:
    """Count this attempt before the password is checked, in one transaction (so parallel
    attempts cannot all pass the check). The address is counted first: once an address has
    spent its budget, its attempts no longer count against the accounts it sprays, so one
    address can lock at most ``MAX_ATTEMPTS_PER_ADDRESS / MAX_ATTEMPTS_PER_ACCOUNT`` accounts.
    """
    with uow:
        budget = uow.rate_budget
        if not budget.take(
            _address_bucket(client_address),
            capacity=MAX_ATTEMPTS_PER_ADDRESS,
            window=LOGIN_WINDOW,
            now=now,
        ):
            uow.rollback()
            raise TooManyLoginAttempts()
        allowed = budget.take(
            _account_bucket(email), capacity=MAX_ATTEMPTS_PER_ACCOUNT, window=LOGIN_WINDOW, now=now
        )
        uow.commit()
    if not allowed:
        raise TooManyLoginAttempts()


def _record_failure(uow: UnitOfWork, email: str, now: datetime) -> None:
    with uow:
        uow.audit.append(
            at=now,
            actor_id=None,
            action="auth.login_failed",
            entity_type="login",
            entity_id=_account_key(email),
        )
        uow.commit()


_DUMMY_HASHES: weakref.WeakKeyDictionary[PasswordHasher, str] = weakref.WeakKeyDictionary()


def dummy_hash(hasher: PasswordHasher) -> str:
    """A hash of a random password, made once per hasher: an unknown e-mail then costs one
    verification, like a known one."""
    if hasher not in _DUMMY_HASHES:
        _DUMMY_HASHES[hasher] = hasher.hash(secrets.token_urlsafe(16))
    return _DUMMY_HASHES[hasher]


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

    Every attempt is counted first, atomically, per account and per client address (15-minute
    windows in the database, so every worker sees them); a successful login gives its attempt
    back. Raises ``TooManyLoginAttempts`` when a budget is spent (even for the right password)
    and ``InvalidCredentials`` otherwise. Unknown and known e-mails cost one argon2
    verification each.
    """
    now = clock.now()
    _take_attempt(uow, email, client_address, now)
    user: User | None = None
    if not _CONTROL.search(email):
        with uow:
            user = uow.users.by_email(email)
    if user is None or not user.active:
        hasher.verify(dummy_hash(hasher), password)
        _record_failure(uow, email, now)
        raise InvalidCredentials()
    if not hasher.verify(user.password_hash, password):
        _record_failure(uow, email, now)
        raise InvalidCredentials()
    with uow:
        uow.rate_budget.give_back(_address_bucket(client_address))
        uow.rate_budget.give_back(_account_bucket(email))
        stored = uow.users.get(user.id)
        if stored is not None:
            stored.last_login_at = now
        audit(uow, clock, user.id, "auth.login", user, at=now)
        uow.commit()
    cookie, session = open_session(uow, secret_key, user, now)
    return LoginResult(cookie, session, user)


def record_logout(
    uow: UnitOfWork, clock: Clock, user: User, session: Session | None = None
) -> None:
    """Close ``session`` (every session of the user when none is given) and audit it."""
    now = clock.now()
    with uow:
        if session is None:
            uow.user_sessions.revoke_all(user.id, now)
        else:
            stored = uow.user_sessions.get(session.session_id)
            if stored is not None and stored.user_id == user.id:
                stored.revoke(now)
        audit(uow, clock, user.id, "auth.logout", user, at=now)
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
    actor: Actor,
    *,
    name: str,
    user_id: uuid.UUID | None = None,
    expires_at: datetime | None = None,
) -> IssuedToken:
    """An admin (interactive session or CLI) creates a token for a user (themselves by
    default); the secret is returned once."""
    by = require_user_admin(uow, actor)
    now = clock.now()
    secret = new_api_token()
    with uow:
        owner_id = user_id or by
        owner = uow.users.get(owner_id) if owner_id is not None else None
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
        details = {"user_id": str(owner.id), "name": token.name}
        audit(uow, clock, by, "api_token.create", token, details, at=now)
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
                    audit(uow, clock, actor.id, "api_token.revoke", token, at=now)
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
    record_audit(uow, clock, actor, action, entity_type, entity_id, details)


# ---------------------------------------------------------------------- housekeeping


@dataclass(frozen=True, slots=True)
class Housekept:
    login_buckets: int
    sessions: int


def purge_ended_logins(uow: UnitOfWork, clock: Clock) -> Housekept:
    """Delete what logins leave behind once it no longer counts: throttling buckets whose
    window is over (a spray of e-mails or addresses makes one per name) and sessions ended
    more than ``ENDED_SESSIONS_KEPT`` ago. The housekeeping job runs it (``jobs.py``)."""
    now = clock.now()
    with uow:
        buckets = uow.rate_budget.purge(LOGIN_BUCKETS, now - LOGIN_WINDOW)
        sessions = uow.user_sessions.purge_ended(now - ENDED_SESSIONS_KEPT)
        uow.commit()
    return Housekept(login_buckets=buckets, sessions=sessions)
