"""Cross-layer fixtures only; each test folder has its own conftest for its resources."""
