"""qonto types."""
