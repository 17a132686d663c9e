"""The back office's domain: documents, orders, parties, rules and errors, in pure Python.

It imports only ``verone.money`` and the standard library (checked by import-linter).
"""
