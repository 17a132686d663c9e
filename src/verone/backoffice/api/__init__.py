"""backoffice api."""
