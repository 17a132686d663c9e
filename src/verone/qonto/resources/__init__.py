"""qonto resources."""
