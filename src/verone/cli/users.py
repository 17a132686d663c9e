"""``verone user create|list|set-role|deactivate|reactivate|reset-password|revoke``: the
operator manages back-office users (passwords are asked for, or read on stdin)."""

from __future__ import annotations

import sys
import uuid
from typing import Annotated

import typer

from verone.backoffice.bootstrap import Container
from verone.backoffice.domain.users import Role, User
from verone.backoffice.services import user_admin
from verone.backoffice.services.actors import Actor
from verone.cli._console import console, fail
from verone.cli._runtime import open_container, print_json

app = typer.Typer(help="Utilisateurs du back office.", no_args_is_help=True)

CLI = Actor.cli()
Email = Annotated[str, typer.Argument(help="Adresse e-mail de l'utilisateur.")]
AsJson = Annotated[bool, typer.Option("--json", help="Sortie JSON.")]
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
    with open_container() as container:
        user = user_admin.set_role(
            container.unit_of_work(), container.clock, CLI, _find(container, email), role
        )
    _show(user, as_json, f"{user.email} : rôle {user.role.value}.")


@app.command("deactivate")
def deactivate(email: Email, as_json: AsJson = False) -> None:
    """Forbid EMAIL to log in and end their sessions and API tokens."""
    with open_container() as container:
        done = user_admin.deactivate_user(
            container.unit_of_work(), container.clock, CLI, _find(container, email)
        )
    _show(
        done.user,
        as_json,
        f"{done.user.email} désactivé ({done.sessions} session(s), {done.tokens} jeton(s)).",
        sessions_revoked=done.sessions,
        tokens_revoked=done.tokens,
    )


@app.command("reactivate")
def reactivate(email: Email, as_json: AsJson = False) -> None:
    """Allow EMAIL to log in again."""
    with open_container() as container:
        user = user_admin.reactivate_user(
            container.unit_of_work(), container.clock, CLI, _find(container, email)
        )
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
    with open_container() as container:
        done = user_admin.revoke_access(
            container.unit_of_work(), container.clock, CLI, _find(container, email)
        )
    _show(
        done.user,
        as_json,
        f"{done.sessions} session(s) et {done.tokens} jeton(s) de {done.user.email} révoqués.",
        sessions_revoked=done.sessions,
        tokens_revoked=done.tokens,
    )
