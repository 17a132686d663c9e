"""``python -m bench`` (``make bench``): every benchmark, one after the other, each printing its
targets next to the measured ratio; sizes are chosen so the whole run stays under 10 minutes
on the 2-core machine (docs/performance.md gives the full-size commands)."""

from __future__ import annotations

import time
from collections.abc import Callable

from bench import (
    bulk_paging,
    client_overhead,
    documents_page,
    ingest,
    lists,
    reconciliation,
    sandbox,
    sync_e2e,
    sync_writes,
)

RUNS: tuple[tuple[str, Callable[[list[str]], None], list[str]], ...] = (
    ("Qonto sandbox", sandbox.main, []),
    ("Client overhead per call", client_overhead.main, []),
    ("Bulk paging", bulk_paging.main, []),
    ("Reconciliation 10 000 x 10 000", reconciliation.main, ["--rounds", "3"]),
    (
        "Reconciliation 10 000 x 50 000 open invoices",
        reconciliation.main,
        ["--invoices", "50000", "--rounds", "1"],
    ),
    ("Transaction ingest (memory: 100 000 -> 300 000)", ingest.main, ["--size", "300000"]),
    ("GET /api/qonto/invoices at 100 000 documents", lists.main, ["--repeat", "10"]),
    ("API writes during a full sync", sync_writes.main, ["--transactions", "10000"]),
    (
        "verone sync transactions|documents --full as processes (memory: 10 000 -> 50 000)",
        sync_e2e.main,
        ["--transactions", "10000", "50000", "--invoices", "1000"],
    ),
    ("« Factures Qonto » page at 100 000 documents", documents_page.main, ["--repeat", "10"]),
)


def main() -> None:
    started = time.monotonic()
    for title, run, argv in RUNS:
        section = time.monotonic()
        print(f"\n== {title} ==", flush=True)
        run(argv)
        print(f"   ({time.monotonic() - section:.0f} s)", flush=True)
    print(f"\nmake bench: {time.monotonic() - started:.0f} s in all", flush=True)


if __name__ == "__main__":
    main()
