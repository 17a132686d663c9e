"""What the back-office commands share: settings, the container, error mapping to exit codes
(the embedded sandbox that ``verone serve`` runs is in ``_embedded``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from verone.backoffice.bootstrap import Container, build_container
from verone.backoffice.config import ConfigurationError, Settings, load_settings
from verone.backoffice.domain.errors import DomainError
from verone.cli._console import console, fail
from verone.qonto import QontoError

CONFIG_HINT = "corrigez les variables VERONE_* / QONTO_* indiquées (voir docs/operations.md)."
QONTO_HINT = (
    "si 401 : la clé a pu être révoquée, régénérez-la dans le tableau de bord Qonto et "
    "vérifiez QONTO_ORGANIZATION_ID ; si timeout : vérifiez le réseau."
)


def settings_or_exit(**overrides: object) -> Settings:
    """The validated settings, or a French error naming each bad variable and exit 1."""
    try:
        return load_settings(**overrides)
    except ConfigurationError as exc:
        fail(str(exc), CONFIG_HINT)
        raise typer.Exit(1) from None


@contextmanager
def domain_errors() -> Iterator[None]:
    """Turn the back office's and Qonto's errors into a message, a hint and exit code 1."""
    try:
        yield
    except DomainError as exc:
        fail(exc.message, _text(getattr(exc, "hint", None)))
        raise typer.Exit(1) from None
    except QontoError as exc:
        fail(f"Qonto : {exc}", QONTO_HINT)
        raise typer.Exit(1) from None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


@contextmanager
def open_container(settings: Settings | None = None) -> Iterator[Container]:
    """The composition root for one command, closed when the command ends."""
    container = build_container(settings or settings_or_exit())
    try:
        with domain_errors():
            yield container
    finally:
        container.close()


def print_json(data: object) -> None:
    """Machine-readable output for ``--json`` (plain stdout, no Rich markup)."""
    text = json.dumps(data, ensure_ascii=False, default=str, indent=2)
    console.print(text, markup=False, highlight=False, soft_wrap=True)
