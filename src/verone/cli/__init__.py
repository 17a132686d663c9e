"""The ``verone`` command: one Typer app with a sub-app per area.

Each command's module is imported only when that command runs (or ``--help`` lists it), so
``verone sync …`` starts without the web server, the sandbox's app or the PDF fonts that
``verone serve`` and ``verone sandbox`` need (docs/performance.md, « End to end »).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import Any

import typer
from typer import _click  # Typer's own click, whose types its groups use
from typer.core import TyperGroup

#: each command's name: its module under ``verone.cli``, and the sub-app (``app``) or the
#: function it runs, in the order ``verone --help`` lists them
COMMANDS: dict[str, tuple[str, str]] = {
    "sandbox": ("sandbox", "run_sandbox"),
    "serve": ("serve", "serve"),
    "reconcile": ("reconcile", "reconcile"),
    "diagnose": ("diagnose", "run_diagnose"),
    "db": ("db", "app"),
    "user": ("users", "app"),
    "audit": ("audit", "app"),
    "numbering": ("numbering", "app"),
    "outbox": ("outbox", "app"),
    "sync": ("sync", "app"),
    "webhooks": ("webhooks", "app"),
    "export": ("export", "app"),
}


def load_command(name: str) -> _click.Command:
    """The click command ``verone <name>`` runs, its module imported now: built as
    ``add_typer`` / ``command`` on the root would have built it."""
    module, attribute = COMMANDS[name]
    target = getattr(importlib.import_module(f"verone.cli.{module}"), attribute)
    holder = typer.Typer()
    holder.callback()(_root)  # a group, so that a one-command sub-app stays a group
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)
    else:
        holder.command(name)(target)
    group = typer.main.get_command(holder)
    assert isinstance(group, TyperGroup)
    return group.commands[name]


def _root() -> None:
    """Keep ``verone <command>`` a command group."""


class _Commands(MutableMapping[str, _click.Command]):
    """``verone``'s commands by name, each built when first asked for."""

    def __init__(self) -> None:
        self._built: dict[str, _click.Command] = {}

    def __getitem__(self, name: str) -> _click.Command:
        if name not in self._built:
            if name not in COMMANDS:
                raise KeyError(name)
            self._built[name] = load_command(name)
        return self._built[name]

    def __setitem__(self, name: str, command: _click.Command) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)


class _LazyGroup(TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401  # TyperGroup's own
        super().__init__(*args, **kwargs)
        self.commands = _Commands()


app = typer.Typer(
    name="verone",
    cls=_LazyGroup,
    help="Verone Billing: factures, devis et avoirs Qonto.",
    no_args_is_help=True,
    add_completion=False,
)


app.callback()(_root)


def main() -> None:
    app()
