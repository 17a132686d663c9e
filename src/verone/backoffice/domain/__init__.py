"""backoffice domain."""
