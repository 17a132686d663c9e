"""Users: create one (argon2 hash through ``ports.PasswordHasher``, password policy by zxcvbn),
authenticate by password.

``create_user(uow, hasher, clock, *, email, password, role, display_name=None)`` → ``User``;
``authenticate(uow, hasher, clock, email, password)`` → ``User | None``;
``attributed_user_id(uow, email)``: who a command's work is attributed to. Used by the CLI and
the API (login throttling lives in ``services.auth``).
"""

from __future__ import annotations

import uuid

from zxcvbn import zxcvbn

from verone.backoffice.domain import errors
from verone.backoffice.domain.users import Role, User
from verone.backoffice.ports import Clock, PasswordHasher, UnitOfWork

MIN_PASSWORD_LENGTH = 12
MIN_PASSWORD_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" for online attacks
_SCORED_LENGTH = 72  # zxcvbn's own bound; longer passwords are judged on their start


class UserAlreadyExists(errors.DomainError):
    code = "user_already_exists"
    default_message = "Un utilisateur existe déjà avec cette adresse e-mail."


def normalize_email(email: str) -> str:
    cleaned = email.strip().lower()
    if "@" not in cleaned or cleaned.startswith("@") or cleaned.endswith("@"):
        raise errors.InvalidDocument("Adresse e-mail invalide.")
    return cleaned


class WeakPassword(errors.InvalidDocument):
    code = "weak_password"
    default_message = "Mot de passe trop faible."


def check_password(password: str, *, email: str | None = None) -> None:
    """Refuse short, common and trivially guessable passwords (``aaaaaaaaaaaa``, ``Password123``,
    the e-mail itself), as judged by zxcvbn's estimate of guesses."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères."
        )
    hints = [part for part in (email or "").replace("@", " ").replace(".", " ").split() if part]
    verdict = zxcvbn(password[:_SCORED_LENGTH], user_inputs=hints)
    if int(verdict["score"]) < MIN_PASSWORD_SCORE:
        # zxcvbn's own feedback is English only: the users read French
        raise WeakPassword(
            "Mot de passe trop facile à deviner : choisissez une phrase de plusieurs mots."
        )


def create_user(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    *,
    email: str,
    password: str,
    role: Role,
    display_name: str | None = None,
) -> User:
    address = normalize_email(email)
    check_password(password, email=address)
    with uow:
        uow.lock(f"user:{address}")  # two processes creating one address: one gets the error
        if uow.users.by_email(address) is not None:
            raise UserAlreadyExists()
        user = User(
            email=address,
            display_name=display_name or address.split("@")[0],
            role=role,
            password_hash=hasher.hash(password),
            created_at=clock.now(),
        )
        uow.users.add(user)
        uow.commit()
    return user


def authenticate(
    uow: UnitOfWork, hasher: PasswordHasher, clock: Clock, email: str, password: str
) -> User | None:
    """The active user with this e-mail and password, or None (the hash is upgraded if due)."""
    with uow:
        user = uow.users.by_email(email.strip().lower())
        if user is None or not user.active or not hasher.verify(user.password_hash, password):
            return None
        if hasher.needs_rehash(user.password_hash):
            user.password_hash = hasher.hash(password)
        user.last_login_at = clock.now()
        uow.commit()
    return user


def attributed_user_id(uow: UnitOfWork, email: str | None) -> uuid.UUID:
    """The user a command's work is attributed to (e.g. the documents a sync imports), by
    e-mail; refused when nobody is named or nobody has that address."""
    user = None
    if email:
        with uow:
            user = uow.users.by_email(email.strip().lower())
    if user is None:
        raise errors.PermissionDenied(
            "Indiquez --user EMAIL : les documents importés sont attribués à un utilisateur."
        )
    return user.id
