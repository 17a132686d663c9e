"""backoffice integrations."""
