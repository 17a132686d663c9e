"""backoffice web."""
