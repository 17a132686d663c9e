"""The layers around every route: request body limits (by Content-Length and while streaming,
per route class), security headers and ``no-store``, one sanitized log entry per unexpected
error, a private SQLite file, and what an upload answers."""

from __future__ import annotations

import logging
import os
import socket
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.e2e.conftest import Stack
from verone.backoffice.api.middleware import (
    PAGE_CSP,
    SAME_ORIGIN_FRAMING,
    BodyLimitMiddleware,
    BodyLimits,
)
from verone.backoffice.app import create_app
from verone.backoffice.db.session import make_engine

CHUNK = b"x" * 65536


def _raw_request(stack: Stack, head: str, body: Iterator[bytes] | None = None) -> tuple[int, int]:
    """Send ``head`` then ``body`` on a socket until the server answers: (status, bytes sent)."""
    address = urlsplit(stack.url)
    sent = 0
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(head.encode())
        sock.setblocking(False)
        answer = b""
        deadline = time.monotonic() + 20
        for chunk in body or iter(()):
            try:
                answer += sock.recv(65536)
            except BlockingIOError:
                pass
            if answer:
                break
            try:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
            assert time.monotonic() < deadline, "the server never answered"
        sock.setblocking(True)
        while b"\r\n" not in answer:
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    status = int(answer.split(b" ", 2)[1])
    return status, sent


@pytest.mark.parametrize("path", ["/auth/login", "/api/qonto/webhooks", "/api/customers"])
def test_a_declared_length_over_the_limit_is_413_before_the_body(stack: Stack, path: str) -> None:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        f"Content-Length: {1024**3}\r\n\r\n"
    )
    started = time.monotonic()
    status, sent = _raw_request(stack, head)
    assert (status, sent) == (413, 0)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("path", ["/auth/login", "/api/qonto/webhooks"])
def test_a_streamed_body_is_cut_at_the_limit(stack: Stack, path: str) -> None:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    )
    gigabyte = (CHUNK for _ in range(1024**3 // len(CHUNK)))
    status, sent = _raw_request(stack, head, gigabyte)
    assert status == 413
    limit = stack.container.settings.max_json_body_bytes
    assert sent < limit + 64 * len(CHUNK), "the server read far past the limit"


def test_limits_are_per_route_class() -> None:
    app = FastAPI()

    @app.post("/{path:path}")
    async def echo(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    limits = BodyLimits(json=2000, webhook=1000, upload=5000)
    client = TestClient(BodyLimitMiddleware(app, limits))
    for path, limit in (
        ("/api/customers", 2000),
        ("/api/qonto/webhooks", 1000),
        ("/api/qonto/attachments/upload", 5000),
    ):
        assert client.post(path, content=b"a" * limit).json() == {"size": limit}
        refused = client.post(path, content=b"a" * (limit + 1))
        assert refused.status_code == 413
        assert refused.json()["error"]["code"] == "payload_too_large"
        streamed = client.post(path, content=iter([b"a" * limit, b"b"]))
        assert streamed.status_code == 413
    assert client.post("/x", headers={"Content-Length": "²".encode("latin-1")}).status_code == 400


@pytest.mark.parametrize("path", ["/api/customers", "/auth/me", "/api/nowhere", "/healthz"])
def test_security_headers_on_every_answer(accountant: httpx.Client, path: str) -> None:
    headers = accountant.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_security_headers_on_refusals(anonymous: httpx.Client) -> None:
    answer = anonymous.post("/auth/login", json={"email": "a@b.c", "password": "x"})
    assert answer.status_code == 401
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-frame-options"] == "DENY"


def test_unexpected_errors_are_logged_once_without_parameters(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(stack.container, run_jobs=False)
    secret_email = "marie.curie.private@example.com"

    @app.get("/boom")
    def boom() -> None:
        with stack.container.engine.connect() as connection:
            connection.execute(
                text("INSERT INTO no_such_table (email) VALUES (:email)"), {"email": secret_email}
            )

    app.state.container = stack.container
    with caplog.at_level(logging.DEBUG), TestClient(app) as client:
        app.state.container = stack.container
        answer = client.get("/boom")
    assert answer.status_code == 500
    assert answer.json()["error"]["code"] == "internal_error"
    assert answer.headers["cache-control"] == "no-store"
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1, [record.getMessage() for record in errors]
    logged = errors[0].getMessage() + (errors[0].exc_text or "")
    assert "no_such_table" in logged
    assert secret_email not in logged
    assert "OperationalError" in logged


def test_a_new_sqlite_file_is_private(tmp_path: Path) -> None:
    database = tmp_path / "fresh" / "verone.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    engine.dispose()
    assert stat.S_IMODE(os.stat(database).st_mode) == 0o600


def test_an_upload_answers_name_size_and_type(accountant: httpx.Client) -> None:
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    files = {"file": ("facture-rotin.pdf", pdf, "application/pdf")}
    answer = accountant.post("/api/qonto/attachments/upload", files=files)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["fileName"], body["fileSize"], body["contentType"]) == (
        "facture-rotin.pdf",
        len(pdf),
        "application/pdf",
    )
    transaction = accountant.get("/api/qonto/transactions", params={"perPage": 1}).json()
    attached = accountant.post(
        "/api/qonto/attachments/upload",
        files=files,
        data={"transactionId": transaction["items"][0]["id"]},
    )
    assert attached.status_code == 201, attached.text
    assert attached.json()["fileName"] == "facture-rotin.pdf"
    assert attached.json()["fileSize"] == len(pdf)
    assert attached.json()["contentType"] == "application/pdf"


def test_only_a_pdf_may_be_framed_and_only_by_the_product() -> None:
    """The document page shows the PDF in an ``<iframe>``; every other answer refuses framing."""
    assert "frame-ancestors 'none'" in PAGE_CSP.header_value
    framing = SAME_ORIGIN_FRAMING["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in framing
    assert "unsafe-inline" not in framing
    assert SAME_ORIGIN_FRAMING["X-Frame-Options"] == "SAMEORIGIN"
