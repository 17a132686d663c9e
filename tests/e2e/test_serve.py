"""``verone serve`` as a real process in an empty folder: the first start, then a restart."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from verone.backoffice.db.passwords import Argon2PasswordHasher
from verone.backoffice.db.session import make_engine, make_session_factory
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.demo import ORDER_COUNT
from verone.backoffice.domain.queries import PageRequest
from verone.backoffice.domain.users import Role
from verone.cli._embedded import free_port

SANDBOX_AUTH = {"Authorization": "verone-4819:sandbox-secret-key"}
START_TIMEOUT = 120.0


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VERONE_", "QONTO_"))}
    env["COLUMNS"] = "200"
    return env


@dataclass
class Run:
    stdout: str
    stderr: str
    health: dict[str, object]
    organization: dict[str, object]
    openapi_status: int


def _serve_once(workdir: Path, web_port: int, sandbox_port: int) -> Run:
    command = [
        sys.executable,
        "-c",
        "from verone.cli import main; main()",
        "serve",
        "--port",
        str(web_port),
        "--sandbox-port",
        str(sandbox_port),
    ]
    process = subprocess.Popen(  # noqa: S603  # our own CLI with fixed arguments
        command,
        cwd=workdir,
        env=_clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    web = f"http://127.0.0.1:{web_port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                out, err = process.communicate()
                pytest.fail(f"verone serve exited early: {out}\n{err}")
            try:
                health = httpx.get(f"{web}/healthz", timeout=2).json()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    pytest.fail("verone serve did not answer /healthz in time")
                time.sleep(0.2)
        organization = httpx.get(
            f"http://127.0.0.1:{sandbox_port}/v2/organization", headers=SANDBOX_AUTH, timeout=10
        ).json()
        openapi_status = httpx.get(f"{web}/api/openapi.json", timeout=10).status_code
    finally:
        process.send_signal(signal.SIGINT)
        try:
            out, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
    return Run(out, err, health, organization, openapi_status)


@dataclass
class Counts:
    customers: int
    products: int
    orders: int
    admin_hash: str
    admin_email: str


def _counts(workdir: Path) -> Counts:
    engine = make_engine(f"sqlite:///{workdir / 'var' / 'verone.sqlite3'}")
    try:
        with SqlAlchemyUnitOfWork(make_session_factory(engine)) as uow:
            page = PageRequest(page=1, per_page=1)
            users = uow.users.list()
            assert len(users) == 1
            assert users[0].role is Role.ADMIN
            return Counts(
                customers=uow.customers.list(page).total,
                products=uow.products.list(page, active_only=False).total,
                orders=uow.orders.list(page).total,
                admin_hash=users[0].password_hash,
                admin_email=users[0].email,
            )
    finally:
        engine.dispose()


@dataclass
class Lifecycle:
    workdir: Path
    first: Run
    after_first: Counts
    second: Run
    after_second: Counts


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory: pytest.TempPathFactory) -> Lifecycle:
    workdir = tmp_path_factory.mktemp("serve")
    web_port, sandbox_port = free_port(), free_port()
    first = _serve_once(workdir, web_port, sandbox_port)
    after_first = _counts(workdir)
    second = _serve_once(workdir, web_port, sandbox_port)
    return Lifecycle(workdir, first, after_first, second, _counts(workdir))


def _row(stdout: str, label: str) -> str:
    match = re.search(rf"{re.escape(label)}\s*│\s*(\S+)", stdout)
    assert match, f"no {label!r} row in:\n{stdout}"
    return match.group(1)


@pytest.mark.slow
class TestFirstStart:
    def test_answers_healthz_and_says_qonto_is_simulated(self, lifecycle: Lifecycle) -> None:
        assert lifecycle.first.health == {"status": "ok", "qonto_simulated": True}
        assert lifecycle.first.openapi_status == 200

    def test_its_sandbox_answers_with_the_sandbox_credentials(self, lifecycle: Lifecycle) -> None:
        organization = lifecycle.first.organization["organization"]
        assert isinstance(organization, dict)
        assert organization["slug"] == "verone-4819"

    def test_creates_the_sqlite_file_and_secret_in_var(self, lifecycle: Lifecycle) -> None:
        var = lifecycle.workdir / "var"
        assert (var / "verone.sqlite3").is_file()
        assert len((var / "secret.key").read_text().strip()) >= 32
        assert (var / "sandbox-state.json").is_file()

    def test_seeds_demo_data(self, lifecycle: Lifecycle) -> None:
        counts = lifecycle.after_first
        assert counts.customers >= 20
        assert counts.products >= 20
        assert counts.orders == ORDER_COUNT
        assert f"{ORDER_COUNT} commandes" in lifecycle.first.stdout

    def test_prints_working_admin_credentials(self, lifecycle: Lifecycle) -> None:
        email = _row(lifecycle.first.stdout, "Administrateur")
        password = _row(lifecycle.first.stdout, "Mot de passe")
        assert email == lifecycle.after_first.admin_email
        assert Argon2PasswordHasher().verify(lifecycle.after_first.admin_hash, password)

    def test_prints_the_urls(self, lifecycle: Lifecycle) -> None:
        assert re.search(r"http://127\.0\.0\.1:\d+/api/openapi\.json", lifecycle.first.stdout)
        assert "SIMULÉ" in lifecycle.first.stdout


@pytest.mark.slow
class TestRestart:
    def test_keeps_the_data_without_seeding_again(self, lifecycle: Lifecycle) -> None:
        before, after = lifecycle.after_first, lifecycle.after_second
        assert (after.customers, after.products, after.orders) == (
            before.customers,
            before.products,
            before.orders,
        )
        assert "Données de démonstration" not in lifecycle.second.stdout

    def test_keeps_the_admin_and_prints_no_password(self, lifecycle: Lifecycle) -> None:
        assert lifecycle.after_second.admin_hash == lifecycle.after_first.admin_hash
        assert "Mot de passe" not in lifecycle.second.stdout
        assert "déjà créé" in lifecycle.second.stdout

    def test_keeps_the_sandbox_organization(self, lifecycle: Lifecycle) -> None:
        assert lifecycle.second.organization == lifecycle.first.organization
        assert lifecycle.second.health["status"] == "ok"
