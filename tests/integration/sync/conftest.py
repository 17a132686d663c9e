"""Fixtures of the sync tests: the paged reader over the in-process sandbox (the sandbox,
clock, gateway and world fixtures come from ``tests/integration/conftest.py``)."""

from __future__ import annotations

import pytest

from tests.integration.services.support import TestClient, make_client
from verone.backoffice.integrations.qonto_sync import QontoSyncClient


@pytest.fixture
def reader(http: TestClient) -> QontoSyncClient:
    return QontoSyncClient(make_client(http), concurrency=4, per_page=20)
