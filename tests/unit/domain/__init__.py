"""Unit tests of the back office's pure domain."""
