"""What every edge of the back office shares: the request context (unit of work, gateway,
clock, caller), authentication and the edge's own error. The JSON API (``api/``) and the
HTML pages (``web/``) both import it; it imports neither (see docs/architecture.md)."""
