"""The server's start settles Python's cyclic collector (docs/performance.md): what start-up
made is frozen out of every pass, and the youngest generation is examined every 20 000
allocations, so a request's own cycles are freed young instead of piling into full passes."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from starlette.testclient import TestClient

from verone.backoffice.app import COLLECTOR_THRESHOLDS, create_app
from verone.backoffice.bootstrap import build_container
from verone.backoffice.config import Settings
from verone.backoffice.db.migrate import upgrade_database


@pytest.fixture
def default_collector() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    gc.unfreeze()
    yield
    gc.set_threshold(*before)


@pytest.mark.usefixtures("default_collector")
def test_the_server_freezes_its_start_and_raises_the_young_threshold(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'collector.sqlite3'}"
    upgrade_database(url)
    settings = Settings(
        environment="embedded", database_url=url, var_dir=tmp_path / "var",
        secret_key=SecretStr("collector-" + "k" * 60), jobs_enabled=False, demo_data=False,
    )  # fmt: skip
    assert gc.get_freeze_count() == 0
    with build_container(settings) as container, TestClient(create_app(container)) as http:
        assert http.get("/connexion").status_code == 200
        assert gc.get_threshold() == COLLECTOR_THRESHOLDS
        assert gc.get_freeze_count() > 10_000  # modules, models, templates, the container
