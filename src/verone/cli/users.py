"""``verone user create|list|set-role|deactivate|reactivate|reset-password|revoke``: the
operator manages back-office users (passwords are asked for, or read on stdin)."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from typing import Annotated, Concatenate, ParamSpec, TypeVar

import typer

from verone.backoffice.bootstrap import Container
from verone.backoffice.domain.users import Role, User
from verone.backoffice.ports import Clock, UnitOfWork
from verone.backoffice.services import user_admin
from verone.backoffice.services.actors import Actor
from verone.cli._console import AsJson, console, fail
from verone.cli._runtime import open_container, print_json

app = typer.Typer(help="Utilisateurs du back office.", no_args_is_help=True)

P = ParamSpec("P")
R = TypeVar("R")
CLI = Actor.cli()
Email = Annotated[str, typer.Argument(help="Adresse e-mail de l'utilisateur.")]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Lire le mot de passe sur l'entrée standard.")
]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = str(typer.prompt("Mot de passe", hide_input=True, confirmation_prompt=True))
    if not password:
        fail("mot de passe vide.", "passez-le sur l'entrée standard avec --password-stdin.")
        raise typer.Exit(2)
    return password


def _row(user: User) -> dict[str, object]:
    return {
        "id": str(user.id),
        "email": user.email,
        "role": user.role.value,
        "active": user.active,
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
    }


def _find(container: Container, email: str) -> uuid.UUID:
    return user_admin.user_id_by_email(container.unit_of_work(), CLI, email)


def _show(user: User, as_json: bool, message: str, **extra: object) -> None:
    if as_json:
        print_json({**_row(user), **extra})
    else:
        console.print(message)


def _show_revoked(done: user_admin.Revoked, as_json: bool, message: str) -> None:
    """A change that ended the user's sessions and API tokens: ``--json`` counts them."""
    _show(done.user, as_json, message, sessions_revoked=done.sessions, tokens_revoked=done.tokens)


def _on_user(
    use_case: Callable[Concatenate[UnitOfWork, Clock, Actor, uuid.UUID, P], R],
    email: str,
    *args: P.args,
    **kwargs: P.kwargs,
) -> R:
    """``use_case(uow, clock, CLI, user_id, …)`` on the user of ``email``, in one container."""
    with open_container() as container:
        user_id = _find(container, email)
        return use_case(container.unit_of_work(), container.clock, CLI, user_id, *args, **kwargs)


@app.command("create")
def create(
    email: Annotated[str, typer.Option(help="Adresse e-mail (identifiant de connexion).")],
    role: Annotated[Role, typer.Option(help="Rôle : viewer, accountant ou admin.")],
    name: Annotated[str | None, typer.Option(help="Nom affiché.")] = None,
    password_stdin: PasswordStdin = False,
    as_json: AsJson = False,
) -> None:
    """Create a user with ROLE."""
    password = _read_password(password_stdin)
    with open_container() as container:
        user = user_admin.add_user(
            container.unit_of_work(),
            container.password_hasher,
            container.clock,
            CLI,
            email=email,
            password=password,
            role=role,
            display_name=name,
        )
    _show(user, as_json, f"Utilisateur créé : {user.email} ({user.role.value}).")


@app.command("list")
def list_users(as_json: AsJson = False) -> None:
    """List every user with role, state and last login."""
    with open_container() as container:
        found = user_admin.list_users(container.unit_of_work(), CLI)
    if as_json:
        print_json([_row(user) for user in found])
        return
    for user in found:
        state = "actif" if user.active else "désactivé"
        console.print(f"{user.email}\t{user.role.value}\t{state}")


@app.command("set-role")
def set_role(
    email: Email,
    role: Annotated[Role, typer.Argument(help="viewer, accountant ou admin.")],
    as_json: AsJson = False,
) -> None:
    """Give EMAIL the role ROLE."""
    user = _on_user(user_admin.set_role, email, role)
    _show(user, as_json, f"{user.email} : rôle {user.role.value}.")


@app.command("deactivate")
def deactivate(email: Email, as_json: AsJson = False) -> None:
    """Forbid EMAIL to log in and end their sessions and API tokens."""
    done = _on_user(user_admin.deactivate_user, email)
    _show_revoked(
        done,
        as_json,
        f"{done.user.email} désactivé ({done.sessions} session(s), {done.tokens} jeton(s)).",
    )


@app.command("reactivate")
def reactivate(email: Email, as_json: AsJson = False) -> None:
    """Allow EMAIL to log in again."""
    user = _on_user(user_admin.reactivate_user, email)
    _show(user, as_json, f"{user.email} réactivé.")


@app.command("reset-password")
def reset_password(email: Email, password_stdin: PasswordStdin = False) -> None:
    """Set a new password for EMAIL; their sessions and API tokens end."""
    password = _read_password(password_stdin)
    with open_container() as container:
        done = user_admin.reset_password(
            container.unit_of_work(),
            container.password_hasher,
            container.clock,
            CLI,
            _find(container, email),
            password,
        )
    console.print(f"Mot de passe de {done.user.email} remplacé ; sessions et jetons révoqués.")


@app.command("revoke")
def revoke(email: Email, as_json: AsJson = False) -> None:
    """End every session and API token of EMAIL."""
    done = _on_user(user_admin.revoke_access, email)
    _show_revoked(
        done,
        as_json,
        f"{done.sessions} session(s) et {done.tokens} jeton(s) de {done.user.email} révoqués.",
    )
