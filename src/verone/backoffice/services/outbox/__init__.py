"""The outbox: the one road of every Qonto write (docs/adr/0004-outbox-write.md).

- ``write``: the mechanism, intent → call → outcome, each step its own transaction, never
  one held open across a Qonto call; ``Operation``, ``Intent``, ``settle``.
- ``drafts``: a local document's Qonto draft (every way an invoice is created).
- ``clients``: find or create a customer's Qonto client, once per customer.
- ``recovery``: ``settle_outbox`` finishes what a crash or a timeout left open.

Import the submodules (``recovery`` depends on the use cases, which depend on ``write``).
"""
