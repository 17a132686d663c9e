"""Deterministic demo data for both halves."""
