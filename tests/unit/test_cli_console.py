"""``verone.cli._console``: the titled report tables the commands print."""

from __future__ import annotations

from rich.console import Console

from verone.cli._console import report_table


def test_a_report_table_has_its_title_on_the_left_and_one_column_per_header() -> None:
    table = report_table("Outbox", "Id", "Statut")
    table.add_row("1", "pending")

    assert [column.header for column in table.columns] == ["Id", "Statut"]
    assert table.title_justify == "left"
    console = Console(width=40, record=True)
    console.print(table)
    lines = console.export_text().splitlines()
    assert lines[0].startswith("Outbox")
    assert "Statut" in lines[2]
    assert "pending" in lines[4]
