"""``python -m bench``: every benchmark, one after the other (each prints its own ratios)."""

from __future__ import annotations

from bench import bulk_paging, client_overhead, documents_page, ingest, reconciliation, sandbox


def main() -> None:
    for title, run in (
        ("Qonto sandbox", sandbox.main),
        ("Client overhead per call", client_overhead.main),
        ("Bulk paging of 100 000 transactions", bulk_paging.main),
        ("Reconciliation 10 000 x 10 000", reconciliation.main),
        ("Transaction ingest", ingest.main),
        ("« Factures Qonto » page at 100 000 documents", documents_page.main),
    ):
        print(f"\n== {title} ==", flush=True)
        run([])


if __name__ == "__main__":
    main()
