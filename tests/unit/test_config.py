"""``Settings``: the embedded default, production's demands, and error messages without secrets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from verone.backoffice.config import ConfigurationError, Settings, load_settings
from verone.qonto import QontoSettings

STRONG_KEY = "k3y-" + "x7Qp" * 10
REAL_API_KEY = "live-api-key-9f8e7d6c5b4a"
PG_URL = "postgresql+psycopg://verone@db.internal:5432/verone"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith(("VERONE_", "QONTO_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def production(monkeypatch: pytest.MonkeyPatch, **extra: str) -> None:
    values = {
        "VERONE_ENVIRONMENT": "production",
        "VERONE_DATABASE_URL": PG_URL,
        "VERONE_SECRET_KEY": STRONG_KEY,
        "QONTO_ORGANIZATION_ID": "verone-real-1234",
        "QONTO_API_KEY": REAL_API_KEY,
        **extra,
    }
    for name, value in values.items():
        if value:
            monkeypatch.setenv(name, value)
        else:
            monkeypatch.delenv(name, raising=False)


def problems(monkeypatch: pytest.MonkeyPatch, **env: str) -> ConfigurationError:
    production(monkeypatch, **env)
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    return caught.value


class TestEmbeddedDefault:
    def test_sqlite_in_var_of_the_working_directory(self, clean_env: Path) -> None:
        settings = load_settings()
        assert settings.environment == "embedded"
        assert settings.database_url == "sqlite:///var/verone.sqlite3"
        assert (clean_env / "var").is_dir()

    def test_the_secret_key_is_generated_once_and_kept(self, clean_env: Path) -> None:
        first = load_settings().session_secret.get_secret_value()
        second = load_settings().session_secret.get_secret_value()
        assert first == second
        assert len(first) >= 32
        key_file = clean_env / "var" / "secret.key"
        assert key_file.read_text().strip() == first
        assert key_file.stat().st_mode & 0o077 == 0

    def test_qonto_points_at_the_embedded_sandbox_with_its_credentials(self) -> None:
        settings = load_settings(sandbox_port=8123)
        qonto = settings.qonto_settings
        assert qonto.base_url == "http://127.0.0.1:8123"
        assert qonto.organization_id == "verone-4819"
        assert qonto.api_key is not None
        assert qonto.api_key.get_secret_value() == "sandbox-secret-key"
        assert settings.qonto_simulated

    def test_cookies_are_not_secure_on_plain_http_loopback(self) -> None:
        assert load_settings().cookie_secure is False

    def test_the_settings_never_show_secrets(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("VERONE_SMTP_PASSWORD", "smtp-hunter2-secret")
        settings = load_settings()
        assert "smtp-hunter2-secret" not in repr(settings)
        assert settings.session_secret.get_secret_value() not in repr(settings)


class TestProduction:
    def test_a_complete_configuration_is_accepted(self, monkeypatch: pytest.MonkeyPatch) -> None:
        production(monkeypatch)
        settings = load_settings()
        assert settings.backend == "postgresql"
        assert settings.qonto_settings.base_url == "https://thirdparty.qonto.com"
        assert not settings.qonto_simulated
        assert settings.cookie_secure is True

    def test_sqlite_is_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        error = problems(monkeypatch, VERONE_DATABASE_URL="sqlite:///var/verone.sqlite3")
        assert error.problems[0][0] == "VERONE_DATABASE_URL"
        assert "PostgreSQL" in str(error)

    def test_the_secret_key_is_required(self, monkeypatch: pytest.MonkeyPatch) -> None:
        error = problems(monkeypatch, VERONE_SECRET_KEY="")
        assert error.problems[0][0] == "VERONE_SECRET_KEY"
        assert "obligatoire" in str(error)

    def test_a_placeholder_secret_key_is_refused_without_echoing_it(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        error = problems(monkeypatch, VERONE_SECRET_KEY="changeme")
        assert error.problems[0][0] == "VERONE_SECRET_KEY"
        assert "changeme" not in str(error)

    def test_the_sandbox_credentials_are_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        error = problems(
            monkeypatch, QONTO_ORGANIZATION_ID="verone-4819", QONTO_API_KEY="sandbox-secret-key"
        )
        assert "QONTO_" in error.problems[0][0]
        assert "sandbox-secret-key" not in str(error)

    def test_a_loopback_qonto_url_is_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        error = problems(monkeypatch, QONTO_BASE_URL="http://127.0.0.1:8100")
        assert error.problems[0][0].startswith("QONTO_")
        assert REAL_API_KEY not in str(error)

    def test_missing_qonto_credentials_are_named(self, monkeypatch: pytest.MonkeyPatch) -> None:
        error = problems(monkeypatch, QONTO_API_KEY="")
        assert "QONTO_API_KEY" in str(error)

    def test_a_plain_http_remote_qonto_url_is_refused(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        error = problems(monkeypatch, QONTO_BASE_URL="http://qonto.example.com")
        assert error.problems[0][0] == "QONTO_BASE_URL"
        assert "https" in str(error)


class TestBadValues:
    @pytest.mark.parametrize(
        ("variable", "value"),
        [
            ("VERONE_ENVIRONMENT", "staging"),
            ("VERONE_WEB_PORT", "eighty"),
            ("VERONE_WEB_PORT", "70000"),
            ("VERONE_SANDBOX_PORT", "-1"),
            ("VERONE_DATABASE_URL", "mysql://root@localhost/verone"),
            ("VERONE_DATABASE_URL", "not a url"),
            ("VERONE_BOOTSTRAP_ADMIN_EMAIL", "admin"),
            ("VERONE_SMTP_PORT", "0"),
            ("VERONE_PDF_WAIT_TIMEOUT_SECONDS", "-5"),
            ("VERONE_OUTBOX_JOB_INTERVAL_SECONDS", "0"),
            ("QONTO_MAX_RETRIES", "99"),
        ],
    )
    def test_each_bad_value_names_its_variable(
        self, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
    ) -> None:
        monkeypatch.setenv(variable, value)
        with pytest.raises(ConfigurationError) as caught:
            load_settings()
        assert [name for name, _ in caught.value.problems] == [variable]
        assert "Configuration invalide" in str(caught.value)

    def test_secret_values_never_appear_in_messages(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("VERONE_BOOTSTRAP_ADMIN_PASSWORD", "admin-pw-topsecret")
        monkeypatch.setenv("VERONE_SMTP_PASSWORD", "smtp-pw-topsecret")
        monkeypatch.setenv("VERONE_WEB_PORT", "not-a-port")
        with pytest.raises(ConfigurationError) as caught:
            load_settings()
        assert "topsecret" not in str(caught.value)

    def test_explicit_qonto_settings_are_kept(self) -> None:
        qonto = QontoSettings(
            organization_id="verone-4819",
            api_key="sandbox-secret-key",  # type: ignore[arg-type]  # pydantic coerces to SecretStr
            base_url="http://127.0.0.1:9999",
        )
        assert Settings(qonto=qonto).qonto_settings is qonto
