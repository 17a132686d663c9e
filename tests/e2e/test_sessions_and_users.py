"""Login throttling that parallel requests cannot race (SQLite and PostgreSQL), per account and
per address, behind trusted proxies; one argon2 verification whatever the e-mail; revocable
sessions with idle and absolute timeouts; user management that only an admin's session may
do; the password policy."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from tests.e2e.conftest import CSRF_HEADER, PASSWORD, Stack, running_stack
from verone.backoffice.db.tables import user_sessions, users
from verone.backoffice.db.tables_ops import rate_budget
from verone.backoffice.domain.users import Role, User
from verone.backoffice.edge.client_address import resolve_client_address
from verone.backoffice.jobs import default_jobs, run_job
from verone.backoffice.ports import PasswordHasher
from verone.backoffice.services import auth
from verone.backoffice.services.auth import (
    MAX_ATTEMPTS_PER_ACCOUNT,
    MAX_ATTEMPTS_PER_ADDRESS,
    SESSION_IDLE,
    SESSION_TTL,
)


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A back office of this module's own: its clock jumps by hours without ending the
    sessions other modules share."""
    workdir: Path = tmp_path_factory.mktemp("sessions")
    with running_stack(workdir, f"sqlite:///{workdir / 'verone.sqlite3'}") as running:
        yield running


@pytest.fixture(scope="module")
def admin(own: Stack) -> Iterator[httpx.Client]:
    with own.client(headers={"X-Forwarded-For": _address()}) as client:
        answer = client.post(
            "/auth/login", json={"email": own.users.admin.email, "password": PASSWORD}
        )
        client.headers[CSRF_HEADER] = answer.json()["csrfToken"]
        yield client


def _address() -> str:
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def _new_user(stack: Stack, role: Role = Role.ACCOUNTANT) -> User:
    user = User(
        email=f"u-{uuid.uuid4().hex[:8]}@verone.test",
        display_name="Test",
        role=role,
        password_hash=stack.container.password_hasher.hash(PASSWORD),
        created_at=datetime.now(UTC),
    )
    with stack.container.unit_of_work() as uow:
        uow.users.add(user)
        uow.commit()
    return user


def _login(stack: Stack, email: str, password: str, address: str) -> httpx.Response:
    with stack.client(headers={"X-Forwarded-For": address}) as client:
        return client.post("/auth/login", json={"email": email, "password": password})


_OPEN: list[httpx.Client] = []


@pytest.fixture(autouse=True)
def _close_sessions() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def _session(stack: Stack, email: str, password: str = PASSWORD) -> httpx.Client:
    client = stack.client(headers={"X-Forwarded-For": _address()})
    _OPEN.append(client)
    answer = client.post("/auth/login", json={"email": email, "password": password})
    assert answer.status_code == 200, answer.text
    client.headers[CSRF_HEADER] = answer.json()["csrfToken"]
    return client


def _parallel_wrong_passwords(stack: Stack) -> None:
    user = _new_user(stack)
    address = _address()
    with ThreadPoolExecutor(12) as pool:
        answers = list(
            pool.map(lambda _: _login(stack, user.email, "wrong", address).status_code, range(12))
        )
    assert sorted(answers) == [401] * MAX_ATTEMPTS_PER_ACCOUNT + [429] * (
        12 - MAX_ATTEMPTS_PER_ACCOUNT
    )
    # the right password of a locked account still waits, from any address
    assert _login(stack, user.email, PASSWORD, _address()).status_code == 429
    stack.clock.advance(auth.LOGIN_WINDOW)
    assert _login(stack, user.email, PASSWORD, _address()).status_code == 200


def test_parallel_failures_cannot_pass_the_limit_on_sqlite(own: Stack) -> None:
    _parallel_wrong_passwords(own)


@pytest.mark.postgres
def test_parallel_failures_cannot_pass_the_limit_on_postgresql(pg_stack: Stack) -> None:
    _parallel_wrong_passwords(pg_stack)


def test_a_spray_from_one_address_locks_that_address_not_everybody(own: Stack) -> None:
    sprayer = _address()
    victims = [_new_user(own) for _ in range(3)]
    for index in range(MAX_ATTEMPTS_PER_ADDRESS):
        target = f"nobody-{index}-{uuid.uuid4().hex[:6]}@verone.test"
        assert _login(own, target, "guess", sprayer).status_code == 401
    for victim in victims:
        assert _login(own, victim.email, "guess", sprayer).status_code == 429
    for victim in victims:  # the sprayed accounts were not counted: they log in elsewhere
        assert _login(own, victim.email, PASSWORD, _address()).status_code == 200


def test_successful_logins_do_not_use_up_the_budget(own: Stack) -> None:
    user, address = _new_user(own), _address()
    for _ in range(MAX_ATTEMPTS_PER_ACCOUNT + 3):
        assert _login(own, user.email, PASSWORD, address).status_code == 200


def test_the_client_address_comes_from_trusted_proxies_only() -> None:
    proxies = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1/128")]
    assert resolve_client_address("10.0.0.5", "203.0.113.7, 10.1.1.1", proxies) == "203.0.113.7"
    assert resolve_client_address("192.0.2.1", "203.0.113.7", proxies) == "192.0.2.1"
    assert resolve_client_address("10.0.0.5", "evil, 203.0.113.7", proxies) == "203.0.113.7"
    assert resolve_client_address("10.0.0.5", "203.0.113.7, junk", proxies) == "10.0.0.5"
    assert resolve_client_address("10.0.0.5", None, proxies) == "10.0.0.5"
    assert resolve_client_address("10.0.0.5", "203.0.113.7", []) == "10.0.0.5"


class CountingHasher:
    def __init__(self, inner: PasswordHasher) -> None:
        self.inner, self.hashes, self.verifies = inner, 0, 0

    def hash(self, password: str) -> str:
        self.hashes += 1
        return self.inner.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        self.verifies += 1
        return self.inner.verify(password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self.inner.needs_rehash(password_hash)


def test_unknown_and_known_emails_cost_the_same_argon2_work(own: Stack) -> None:
    container = own.container
    hasher = CountingHasher(container.password_hasher)
    user = _new_user(own)
    costs = []
    for email in ("nobody@verone.test", user.email, "nobody-else@verone.test", user.email):
        hasher.hashes = hasher.verifies = 0
        with pytest.raises(auth.InvalidCredentials):
            auth.login(
                container.unit_of_work(),
                hasher,
                container.clock,
                container.secret_key,
                email=email,
                password="wrong password",
                client_address=_address(),
            )
        costs.append((hasher.hashes, hasher.verifies))
    assert costs[1:] == [(0, 1)] * 3  # the first unknown e-mail also made the dummy hash


def test_logout_revokes_the_session(own: Stack) -> None:
    user = _new_user(own)
    client = _session(own, user.email)
    cookie = dict(client.cookies)
    assert client.get("/auth/me").status_code == 200
    assert client.post("/auth/logout").status_code == 200
    with own.client(cookies=cookie, headers={CSRF_HEADER: client.headers[CSRF_HEADER]}) as old:
        assert old.get("/auth/me").status_code == 401
        assert old.post("/api/customers", json={"kind": "company"}).status_code == 401


def test_sessions_end_when_idle_and_after_their_absolute_lifetime(own: Stack) -> None:
    user = _new_user(own)
    idle = _session(own, user.email)
    own.clock.advance(SESSION_IDLE + timedelta(seconds=1))
    assert idle.get("/auth/me").status_code == 401
    busy = _session(own, user.email)
    elapsed = timedelta(0)
    step = SESSION_IDLE - timedelta(minutes=5)
    while elapsed + step < SESSION_TTL:
        own.clock.advance(step)
        elapsed += step
        assert busy.get("/auth/me").status_code == 200
    own.clock.advance(SESSION_TTL - elapsed)
    assert busy.get("/auth/me").status_code == 401


def test_a_password_change_revokes_the_other_sessions(own: Stack) -> None:
    user = _new_user(own)
    here, elsewhere = _session(own, user.email), _session(own, user.email)
    new_password = "un autre long mot de passe solide"
    weak = here.post(
        "/auth/password", json={"currentPassword": PASSWORD, "newPassword": "aaaaaaaaaaaa"}
    )
    assert weak.status_code == 422
    assert weak.json()["error"]["code"] == "weak_password"
    wrong = here.post(
        "/auth/password", json={"currentPassword": "not it at all", "newPassword": new_password}
    )
    assert wrong.status_code == 422
    changed = here.post(
        "/auth/password", json={"currentPassword": PASSWORD, "newPassword": new_password}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["otherSessionsRevoked"] == 1
    assert here.get("/auth/me").status_code == 200
    assert elsewhere.get("/auth/me").status_code == 401
    assert _login(own, user.email, new_password, _address()).status_code == 200


def test_admin_manages_users_and_their_access(own: Stack, admin: httpx.Client) -> None:
    created = admin.post(
        "/api/users",
        json={
            "email": f"new-{uuid.uuid4().hex[:6]}@verone.test",
            "password": PASSWORD,
            "role": "viewer",
        },
    )
    assert created.status_code == 201, created.text
    user_id, email = created.json()["id"], created.json()["email"]
    assert email in {u["email"] for u in admin.get("/api/users").json()["items"]}
    promoted = admin.put(f"/api/users/{user_id}/role", json={"role": "accountant"})
    assert promoted.json()["role"] == "accountant"
    session = _session(own, email)
    token = admin.post("/api/tokens", json={"name": "t", "userId": user_id}).json()["token"]
    with own.bearer(token) as bearer:
        assert bearer.get("/auth/me").status_code == 200
        revoked = admin.post(f"/api/users/{user_id}/revoke").json()
        assert (revoked["sessionsRevoked"], revoked["tokensRevoked"]) == (1, 1)
        assert bearer.get("/auth/me").status_code == 401
    assert session.get("/auth/me").status_code == 401
    session = _session(own, email)
    reset = admin.post(
        f"/api/users/{user_id}/password", json={"newPassword": "phrase remise par admin"}
    )
    assert reset.json()["sessionsRevoked"] == 1
    assert session.get("/auth/me").status_code == 401
    session = _session(own, email, "phrase remise par admin")
    assert admin.post(f"/api/users/{user_id}/deactivate").status_code == 200
    assert session.get("/auth/me").status_code == 401
    assert _login(own, email, "phrase remise par admin", _address()).status_code == 401
    assert admin.post(f"/api/users/{user_id}/reactivate").json()["active"] is True


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "Password1234", "azertyuiop12"])
def test_weak_passwords_are_refused(admin: httpx.Client, password: str) -> None:
    answer = admin.post(
        "/api/users", json={"email": "weak@verone.test", "password": password, "role": "viewer"}
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "weak_password"


def test_the_last_admin_cannot_be_demoted_or_deactivated(own: Stack) -> None:
    with own.container.unit_of_work() as uow:
        admins = [u for u in uow.users.list() if u.has_role(Role.ADMIN)]
    assert len(admins) == 1
    with own.login(admins[0].email) as admin:
        only = admins[0].id
        assert admin.put(f"/api/users/{only}/role", json={"role": "viewer"}).status_code == 409
        assert admin.post(f"/api/users/{only}/deactivate").status_code == 409


def test_an_admin_token_cannot_manage_users_or_tokens(own: Stack) -> None:
    target = _new_user(own, Role.VIEWER)
    with own.bearer(own.admin_token) as token:
        for method, path, body in (
            (
                "POST",
                "/api/users",
                {"email": "x@verone.test", "password": PASSWORD, "role": "admin"},
            ),
            ("POST", "/api/tokens", {"name": "more"}),
            ("PUT", f"/api/users/{target.id}/role", {"role": "admin"}),
            ("POST", f"/api/users/{target.id}/password", {"newPassword": PASSWORD}),
        ):
            answer = token.request(method, path, json=body)
            assert answer.status_code == 403, (path, answer.text)


def _login_rows(stack: Stack, email: str) -> tuple[int, int]:
    """The throttling bucket rows of ``email`` and the session rows of its user."""
    key = auth._account_bucket(email)
    with stack.container.engine.connect() as conn:
        buckets = conn.scalar(
            select(func.count()).select_from(rate_budget).where(rate_budget.c.bucket == key)
        )
        sessions = conn.scalar(
            select(func.count())
            .select_from(user_sessions)
            .join(users, users.c.id == user_sessions.c.user_id)
            .where(users.c.email == email)
        )
    return int(buckets or 0), int(sessions or 0)


def test_housekeeping_deletes_spent_login_buckets_and_ended_sessions_only(own: Stack) -> None:
    """Every e-mail or address tried makes a bucket: the hourly job deletes them once their
    window is over, and sessions a day after they ended, never what still counts."""
    job = next(job for job in default_jobs(own.container.settings) if job.name == "housekeeping")
    locked, address = _new_user(own), _address()
    for _ in range(MAX_ATTEMPTS_PER_ACCOUNT):
        assert _login(own, locked.email, "wrong", address).status_code == 401
    ended = _new_user(own)
    _session(own, ended.email).post("/auth/logout")
    assert _login_rows(own, locked.email) == (1, 0)
    assert _login_rows(own, ended.email) == (1, 1)

    assert isinstance(run_job(own.container, job).result, auth.Housekept)
    assert _login_rows(own, locked.email) == (1, 0)  # still in its window: still locked
    assert _login(own, locked.email, PASSWORD, _address()).status_code == 429
    assert _login_rows(own, ended.email) == (1, 1)  # ended less than a day ago: kept

    own.clock.advance(auth.ENDED_SESSIONS_KEPT + timedelta(seconds=1))
    assert isinstance(run_job(own.container, job).result, auth.Housekept)
    assert _login_rows(own, locked.email) == (0, 0)
    assert _login_rows(own, ended.email) == (0, 0)
    # a bucket is made again, empty, by the next attempt: the lock is over, not the limit
    assert _login(own, locked.email, PASSWORD, _address()).status_code == 200
    for _ in range(MAX_ATTEMPTS_PER_ACCOUNT):
        assert _login(own, locked.email, "wrong", _address()).status_code == 401
    assert _login(own, locked.email, PASSWORD, _address()).status_code == 429
