"""``verone user create``: add a back-office user (the password is asked for, or read on stdin)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from verone.backoffice.domain.users import Role
from verone.backoffice.services.users import create_user
from verone.cli._console import console, fail
from verone.cli._runtime import open_container, print_json

app = typer.Typer(help="Utilisateurs du back office.", no_args_is_help=True)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Mot de passe", hide_input=True, confirmation_prompt=True))


@app.command("create")
def create(
    email: Annotated[str, typer.Option(help="Adresse e-mail (identifiant de connexion).")],
    role: Annotated[Role, typer.Option(help="Rôle : viewer, accountant ou admin.")],
    name: Annotated[str | None, typer.Option(help="Nom affiché.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Lire le mot de passe sur l'entrée standard.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
) -> None:
    """Create a user with ROLE."""
    password = _read_password(password_stdin)
    if not password:
        fail("mot de passe vide.", "passez-le sur l'entrée standard avec --password-stdin.")
        raise typer.Exit(2)
    with open_container() as container:
        user = create_user(
            container.unit_of_work(),
            container.password_hasher,
            container.clock,
            email=email,
            password=password,
            role=role,
            display_name=name,
        )
    if as_json:
        print_json({"id": str(user.id), "email": user.email, "role": user.role.value})
    else:
        console.print(f"Utilisateur créé : {user.email} ({user.role.value}).")
