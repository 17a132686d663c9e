"""The Qonto client."""
