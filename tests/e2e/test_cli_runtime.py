"""The runtime in process: settings → composition root → app (health, OpenAPI, error envelope,
banner flag) → background jobs and their lease, with the sandbox served on a loopback port.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient
from typer.testing import CliRunner

from tests.integration.databases import postgres_url
from verone.backoffice.app import OPENAPI_URL, create_app
from verone.backoffice.bootstrap import build_container, ensure_bootstrap_admin
from verone.backoffice.config import Settings, load_settings
from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.db.session import make_engine
from verone.backoffice.domain.errors import InvoiceNotDraft
from verone.backoffice.domain.queries import PageRequest
from verone.backoffice.domain.users import Role
from verone.backoffice.integrations.smtp_mailer import SmtpMailer
from verone.backoffice.jobs import Job, JobContext, JobRunner, default_jobs, run_job
from verone.backoffice.services.outbox.recovery import SettleReport
from verone.cli import app
from verone.cli._embedded import EmbeddedSandbox, free_port


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    for name in list(os.environ):
        if name.startswith(("VERONE_", "QONTO_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("QONTO_MAX_RETRIES", "0")  # no sandbox behind most tests: fail fast
    url = f"sqlite:///{tmp_path / 'verone.sqlite3'}"
    upgrade_database(url)
    return load_settings(database_url=url, var_dir=str(tmp_path / "var"), sandbox_port=free_port())


class TestCompositionRoot:
    def test_builds_working_collaborators_and_closes(self, settings: Settings) -> None:
        container = build_container(settings)
        with container.unit_of_work() as uow:
            assert uow.users.list() == []
        assert container.clock.now().tzinfo is not None
        assert container.secret_key == settings.session_secret.get_secret_value()
        assert isinstance(container.mailer, SmtpMailer)
        assert container.mailer.port == settings.smtp_port
        container.close()
        container.close()  # idempotent

    def test_the_bootstrap_admin_is_created_once(self, settings: Settings) -> None:
        with build_container(settings) as container:
            admin = ensure_bootstrap_admin(container)
            assert admin is not None
            assert admin.password is not None
            assert ensure_bootstrap_admin(container) is None
            with container.unit_of_work() as uow:
                [user] = uow.users.list()
            assert user.role is Role.ADMIN
            assert container.password_hasher.verify(user.password_hash, admin.password)


class TestApp:
    def test_health_openapi_and_the_simulated_banner_flag(self, settings: Settings) -> None:
        app = create_app(settings, run_jobs=False)
        with TestClient(app) as client:
            assert client.get("/healthz").json() == {"status": "ok", "qonto_simulated": True}
            spec = client.get(OPENAPI_URL)
            assert spec.status_code == 200
            assert spec.json()["info"]["title"] == "Verone Billing"
            home = client.get("/", follow_redirects=False)
            assert (home.status_code, home.headers["location"]) == (303, "/connexion?suite=/")
            assert "Connexion" in client.get("/").text
            docs = client.get("/api/docs").text
            assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
            assert "cdn" not in docs.lower()
            assert app.state.qonto_simulated is True
            assert app.state.container is not None
        assert app.state.container is None  # the lifespan closed what it built

    def test_domain_errors_become_the_json_error_envelope(self, settings: Settings) -> None:
        app = create_app(settings, run_jobs=False)

        @app.get("/api/boom")
        def boom() -> None:
            raise InvoiceNotDraft()

        with TestClient(app) as client:
            response = client.get("/api/boom")
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "invoice_not_draft"
        assert error["message"] == InvoiceNotDraft.default_message
        assert set(error) == {"code", "message", "hint", "details"}

    def test_an_adopted_container_stays_open_and_runs_the_jobs(self, settings: Settings) -> None:
        with build_container(settings) as container:
            app = create_app(container, run_jobs=True)
            with TestClient(app) as client:
                assert client.get("/healthz").status_code == 200
                runner = app.state.jobs
                assert isinstance(runner, JobRunner)
                assert runner.running
            assert not runner.running
            with container.unit_of_work() as uow:  # still usable after the app stopped
                assert uow.users.list() == []


class TestJobs:
    def test_the_outbox_job_settles_through_the_container(self, settings: Settings) -> None:
        with build_container(settings) as container:
            outcome = run_job(container, default_jobs(settings)[0])
        assert outcome.error is None
        assert isinstance(outcome.result, SettleReport)
        assert outcome.result.succeeded == []

    def test_a_failing_job_is_reported_not_raised(self, settings: Settings) -> None:
        def broken(_context: JobContext) -> object:
            raise InvoiceNotDraft("boom")

        with build_container(settings) as container:
            outcome = run_job(container, Job("broken", 1.0, broken))
        assert outcome.error == "boom"

    def test_runner_runs_due_jobs_on_their_interval_and_stops(self, settings: Settings) -> None:
        calls: list[str] = []
        with build_container(settings) as container:
            runner = JobRunner(
                container,
                [
                    Job("a", 10.0, lambda _c: calls.append("a")),
                    Job("b", 1.0, lambda _c: calls.append("b")),
                ],
            )
            runner.run_due(100.0)
            runner.run_due(100.5)
            runner.run_due(101.0)
            assert calls == ["a", "b", "b"]
            runner.start()
            runner.stop(timeout=5)
            assert not runner.running

    def test_the_jobs_run_against_the_sandbox_on_its_port(
        self, settings: Settings, tmp_path: Path
    ) -> None:
        sandbox = EmbeddedSandbox(settings.sandbox_port, tmp_path / "sandbox.json")
        sandbox.start()
        try:
            with build_container(settings) as container:
                jobs = {job.name: job for job in default_jobs(settings)}
                assert set(jobs) == {"outbox", "pdf-waits", "sync-transactions", "housekeeping"}
                synced = run_job(container, jobs["sync-transactions"])
                waited = run_job(container, jobs["pdf-waits"])
                with container.unit_of_work() as uow:
                    accounts = uow.bank_accounts.list()
                    transactions = uow.bank_transactions.list(PageRequest(page=1, per_page=1))
        finally:
            sandbox.stop()
        assert synced.error is None
        assert waited.error is None
        assert waited.result == 0  # nothing issued yet, nothing to wait for
        assert len(accounts) >= 1
        assert transactions.total > 0


@pytest.fixture
def postgres_settings(settings: Settings) -> Iterator[Settings]:
    base = postgres_url()
    schema = f"verone_jobs_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = f"{base}?options=-csearch_path%3D{schema}"
        upgrade_database(url)
        yield load_settings(
            database_url=url, var_dir=str(settings.var_dir), sandbox_port=settings.sandbox_port
        )
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.postgres
class TestJobLeaseOnPostgres:
    def test_two_workers_never_run_the_same_job_at_once(self, postgres_settings: Settings) -> None:
        active, peak, runs = [0], [0], [0]
        guard = threading.Lock()
        first_inside, release = threading.Event(), threading.Event()

        def exclusive(_context: JobContext) -> object:
            with guard:
                active[0] += 1
                runs[0] += 1
                peak[0] = max(peak[0], active[0])
            first_inside.set()
            release.wait(5)
            with guard:
                active[0] -= 1
            return None

        job = Job("exclusive", 1.0, exclusive)
        with (
            build_container(postgres_settings) as worker_a,
            build_container(postgres_settings) as worker_b,
        ):
            threads = [
                threading.Thread(target=run_job, args=(worker, job))
                for worker in (worker_a, worker_b)
            ]
            threads[0].start()
            assert first_inside.wait(10)
            threads[1].start()
            threads[1].join(0.5)  # the second worker is held at the lease meanwhile
            assert threads[1].is_alive()
            assert runs[0] == 1
            release.set()
            for thread in threads:
                thread.join(10)
        assert runs[0] == 2
        assert peak[0] == 1


class TestServeRefusals:
    def test_a_bad_setting_stops_serve_with_the_variable_named(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        for name in list(os.environ):
            if name.startswith(("VERONE_", "QONTO_")):
                monkeypatch.delenv(name)
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("VERONE_ENVIRONMENT", "production")
        monkeypatch.setenv("VERONE_SECRET_KEY", "changeme")
        result = CliRunner().invoke(app, ["serve"])
        assert result.exit_code == 1
        assert "VERONE_DATABASE_URL" in result.stderr
        assert "changeme" not in result.output + result.stderr
        assert not (tmp_path / "var").exists()

    def test_a_busy_sandbox_port_is_a_clear_error(
        self, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("VERONE_DATABASE_URL", settings.database_url)
        monkeypatch.setenv("VERONE_VAR_DIR", str(settings.var_dir))
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            port = busy.getsockname()[1]
            result = CliRunner().invoke(app, ["serve", "--sandbox-port", str(port)])
        assert result.exit_code == 1
        assert f"port {port}" in result.stderr
        assert "VERONE_SANDBOX_PORT" in result.stderr
