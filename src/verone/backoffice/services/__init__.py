"""backoffice services."""
