"""Unit tests of the Qonto simulator."""
