"""Unit tests of the Qonto client package."""
