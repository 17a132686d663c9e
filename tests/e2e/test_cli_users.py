"""``verone user create`` on a migrated SQLite database: roles, passwords, errors, JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.db.passwords import Argon2PasswordHasher
from verone.backoffice.db.session import make_engine, make_session_factory
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain.users import Role, User
from verone.cli import app

PASSWORD = "correct horse battery"


@pytest.fixture
def database_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    for name in list(os.environ):
        if name.startswith(("VERONE_", "QONTO_")):
            monkeypatch.delenv(name)
    url = f"sqlite:///{tmp_path / 'verone.sqlite3'}"
    upgrade_database(url)
    monkeypatch.setenv("VERONE_DATABASE_URL", url)
    monkeypatch.setenv("VERONE_VAR_DIR", str(tmp_path / "var"))
    return url


def _user(url: str, email: str) -> User | None:
    engine = make_engine(url)
    try:
        with SqlAlchemyUnitOfWork(make_session_factory(engine)) as uow:
            return uow.users.by_email(email)
    finally:
        engine.dispose()


def _create(*args: str, password: str = PASSWORD) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app, ["user", "create", *args, "--password-stdin"], input=password + "\n"
    )
    return result.exit_code, result.stdout, result.stderr


class TestCreate:
    @pytest.mark.parametrize("role", list(Role))
    def test_creates_a_user_with_each_role(self, database_url: str, role: Role) -> None:
        code, out, _ = _create("--email", f"{role}@verone.test", "--role", role.value)
        assert code == 0
        assert f"{role}@verone.test" in out
        user = _user(database_url, f"{role}@verone.test")
        assert user is not None
        assert user.role is role

    def test_the_password_is_stored_as_a_verifiable_hash(self, database_url: str) -> None:
        assert _create("--email", "Compta@Verone.test", "--role", "accountant")[0] == 0
        user = _user(database_url, "compta@verone.test")
        assert user is not None
        assert PASSWORD not in user.password_hash
        assert Argon2PasswordHasher().verify(user.password_hash, PASSWORD)

    def test_json_output_for_scripts(self, database_url: str) -> None:
        code, out, _ = _create("--email", "a@verone.test", "--role", "viewer", "--json")
        assert code == 0
        data = json.loads(out)
        assert data["email"] == "a@verone.test"
        assert data["role"] == "viewer"
        assert _user(database_url, "a@verone.test") is not None

    def test_a_second_user_with_the_same_email_is_refused(self, database_url: str) -> None:
        assert _create("--email", "a@verone.test", "--role", "viewer")[0] == 0
        code, _, err = _create("--email", "A@verone.test", "--role", "admin")
        assert code == 1
        assert "existe déjà" in err
        user = _user(database_url, "a@verone.test")
        assert user is not None
        assert user.role is Role.VIEWER

    def test_a_short_password_is_refused_and_never_echoed(self, database_url: str) -> None:
        code, out, err = _create("--email", "b@verone.test", "--role", "viewer", password="abc1")
        assert code == 1
        assert "12 caractères" in err
        assert "abc1" not in out + err
        assert _user(database_url, "b@verone.test") is None

    def test_an_unknown_role_is_a_usage_error(self, database_url: str) -> None:
        code, _, _ = _create("--email", "c@verone.test", "--role", "owner")
        assert code == 2
        assert _user(database_url, "c@verone.test") is None

    def test_an_invalid_email_is_refused(self, database_url: str) -> None:
        code, _, err = _create("--email", "not-an-email", "--role", "viewer")
        assert code == 1
        assert "e-mail" in err
