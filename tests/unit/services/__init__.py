"""Service-layer tests that need no database (the mailer, the gateway's pure mapping)."""
