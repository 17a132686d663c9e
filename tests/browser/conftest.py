"""Browser tests run against the same live back office as the end-to-end tests."""

from tests.e2e.conftest import stack  # noqa: F401  # the session's running back office
