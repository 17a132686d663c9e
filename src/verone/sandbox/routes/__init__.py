"""sandbox routes."""
