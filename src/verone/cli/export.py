"""``verone export documents|payments --from --to [--format csv|json]``: what was issued and
what was paid over a period, for the accountant (CSV on stdout, or ``--output FILE``)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from verone.backoffice.services import exports
from verone.cli._console import console
from verone.cli._runtime import open_container

app = typer.Typer(help="Exports comptables.", no_args_is_help=True)


class Format(StrEnum):
    CSV = "csv"
    JSON = "json"


Since = Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="Premier jour.")]
Until = Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Dernier jour.")]
FormatOption = Annotated[Format, typer.Option("--format", help="csv ou json.")]
Output = Annotated[Path | None, typer.Option("--output", help="Fichier (sinon la sortie).")]


def _period(since: datetime, until: datetime) -> tuple[date, date]:
    if until < since:
        raise typer.BadParameter("--to précède --from.")
    return since.date(), until.date()


def _write(
    rows: Iterable[dict[str, str]], columns: Sequence[str], fmt: Format, output: Path | None
) -> None:
    buffer = io.StringIO()
    if fmt is Format.CSV:
        writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        json.dump(list(rows), buffer, ensure_ascii=False, indent=2)
        buffer.write("\n")
    if output is None:
        console.print(buffer.getvalue(), end="", markup=False, highlight=False, soft_wrap=True)
    else:
        output.write_text(buffer.getvalue(), encoding="utf-8")


@app.command("documents")
def documents(
    since: Since, until: Until, fmt: FormatOption = Format.CSV, output: Output = None
) -> None:
    """Issued invoices, quotes and credit notes by issue date."""
    start, end = _period(since, until)
    with open_container() as container:
        rows = list(exports.document_rows(container.unit_of_work(), start, end))
    _write(rows, exports.DOCUMENT_COLUMNS, fmt, output)


@app.command("payments")
def payments(
    since: Since, until: Until, fmt: FormatOption = Format.CSV, output: Output = None
) -> None:
    """Payments matched to invoices by payment date."""
    start, end = _period(since, until)
    with open_container() as container:
        rows = list(exports.payment_rows(container.unit_of_work(), start, end))
    _write(rows, exports.PAYMENT_COLUMNS, fmt, output)
