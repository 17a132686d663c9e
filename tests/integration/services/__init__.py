"""Service tests against the sandbox and real databases (SQLite, PostgreSQL)."""
