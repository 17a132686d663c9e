"""backoffice db."""
