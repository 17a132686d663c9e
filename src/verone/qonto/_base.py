"""The core shared by the sync and async clients: everything but the I/O.

It builds requests (URL, query, body, headers, idempotency key), decides after each attempt
whether to return, retry, refresh the OAuth token or raise, maps errors to the exception tree
and parses bodies without ever creating a float.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypedDict, TypeVar, Unpack
from urllib.parse import quote

import httpx
from pydantic import BaseModel, SecretStr, ValidationError

from verone.qonto._auth import ApiKeyAuth, AuthStrategy, OAuth2Auth
from verone.qonto._encoding import (
    FileUpload,
    QueryParams,
    body_fingerprint,
    encode_json,
    encode_query,
)
from verone.qonto._exceptions import (
    QontoAmbiguousOutcome,
    QontoAuthError,
    QontoConnectionError,
    QontoError,
    QontoInvalidResponse,
    QontoTimeout,
)
from verone.qonto._gc import cyclic_gc_paused
from verone.qonto._ids import path_segment
from verone.qonto._logging import get_logger, log_event
from verone.qonto._ratelimit import RateBudget
from verone.qonto._responses import api_error, decode_body, loads
from verone.qonto._retry import RETRYABLE_STATUSES, IdempotencyLedger, RetryPolicy
from verone.qonto._steps import Pause, RefreshToken, Reply, Step

T = TypeVar("T")

DEFAULT_BASE_URL = "https://thirdparty.qonto.com"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
IDEMPOTENCY_HEADER = "X-Qonto-Idempotency-Key"
STAGING_HEADER = "X-Qonto-Staging-Token"
USER_AGENT = f"verone-qonto/0.1 httpx/{httpx.__version__}"
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """Per-call overrides (stripe ``RequestOptions`` shape)."""

    idempotency_key: str | None = None
    timeout: float | httpx.Timeout | None = None
    max_retries: int | None = None
    extra_headers: Mapping[str, str] | None = None


class CallArgs(TypedDict, total=False):
    """The optional parts of a call, as keyword arguments of ``ClientCore.prepare``."""

    path_params: Mapping[str, str]
    query: QueryParams | None
    json_body: Mapping[str, object] | BaseModel | None
    files: dict[str, FileUpload] | None
    options: RequestOptions | None
    hints: Mapping[int, str] | None
    raw_body: bool


@dataclass(slots=True)
class PreparedCall(Generic[T]):
    """One logical API call: everything needed to send (and re-send) it, and to parse it."""

    method: str
    path_template: str
    path: str
    url: str
    query: list[tuple[str, str]]
    body: bytes | None
    files: dict[str, FileUpload] | None
    headers: dict[str, str]
    timeout: float | httpx.Timeout
    retry: RetryPolicy
    parse: Callable[[object], T]
    idempotency_key: str | None = None
    key_expires_at: float | None = None
    hints: Mapping[int, str] = field(default_factory=dict)
    raw_body: bool = False
    authenticated: bool = True

    @property
    def is_write(self) -> bool:
        return self.method in WRITE_METHODS


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do after one attempt."""

    retry_in: float | None = None
    refresh_auth: bool = False
    error: QontoError | None = None


DONE = Decision()


BuildRequest = Callable[..., httpx.Request]


class CoreConfig(TypedDict, total=False):
    """What configures ``ClientCore`` (and both clients) besides the credentials."""

    base_url: str
    staging_token: SecretStr | str | None
    timeout: float | httpx.Timeout
    retry: RetryPolicy | None
    rate_budget: RateBudget | None
    default_headers: Mapping[str, str] | None
    clock: Callable[[], float]


class ClientConfig(CoreConfig, total=False):
    """The keywords both clients take besides their I/O (``http_client``, ``sleep``): the
    credentials (``auth=``, or ``login=`` and ``secret_key=`` for API-key auth) and the
    core's configuration."""

    auth: AuthStrategy | None
    login: str | None
    secret_key: SecretStr | str | None


class ClientCore:
    """Configuration and decisions shared by ``QontoClient`` and ``AsyncQontoClient``."""

    def __init__(
        self,
        *,
        auth: AuthStrategy,
        base_url: str = DEFAULT_BASE_URL,
        staging_token: SecretStr | str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        rate_budget: RateBudget | None = None,
        default_headers: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.auth = auth
        self.base_url = base_url.rstrip("/")
        self.staging_token = (
            SecretStr(staging_token) if isinstance(staging_token, str) else staging_token
        )
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.rate_budget = rate_budget if rate_budget is not None else RateBudget()
        self.default_headers = dict(default_headers or {})
        self.clock = clock
        self.rng = rng or random.Random()  # noqa: S311  # jitter, not security
        self.ledger = IdempotencyLedger(clock=clock)
        self.logger = get_logger()

    # --- building -------------------------------------------------------------------------

    def prepare(
        self,
        method: str,
        path_template: str,
        parse: Callable[[object], T],
        *,
        path_params: Mapping[str, str] | None = None,
        query: QueryParams | None = None,
        json_body: Mapping[str, object] | BaseModel | None = None,
        files: dict[str, FileUpload] | None = None,
        options: RequestOptions | None = None,
        hints: Mapping[int, str] | None = None,
        raw_body: bool = False,
    ) -> PreparedCall[T]:
        """Build a call; a write gets its idempotency key checked against the ledger."""
        opts = options or RequestOptions()
        path = path_template.format(
            **{k: quote(path_segment(k, v), safe="") for k, v in (path_params or {}).items()}
        )
        body = encode_json(json_body) if json_body is not None else None
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT, **self.default_headers}
        if body is not None:
            headers["Content-Type"] = "application/json"
        retry = self.retry
        if opts.max_retries is not None:
            retry = RetryPolicy(
                max_retries=opts.max_retries,
                initial_delay=retry.initial_delay,
                max_delay=retry.max_delay,
                deadline=retry.deadline,
                max_retry_after=retry.max_retry_after,
                jitter=retry.jitter,
            )
        call = PreparedCall(
            method=method.upper(),
            path_template=path_template,
            path=path,
            url=self.base_url + path,
            query=encode_query(query),
            body=body,
            files=files,
            headers=headers,
            timeout=opts.timeout if opts.timeout is not None else self.timeout,
            retry=retry,
            parse=parse,
            hints=dict(hints or {}),
            raw_body=raw_body,
        )
        if raw_body:
            call.headers["Accept"] = "application/pdf, application/octet-stream, */*"
        if call.is_write:
            key = opts.idempotency_key or str(uuid.uuid4())
            first_used = self.ledger.register(key, body_fingerprint(call.method, path, body, files))
            call.idempotency_key = key
            call.key_expires_at = self.ledger.expires_at(first_used)
            call.headers[IDEMPOTENCY_HEADER] = key
        if opts.extra_headers:
            call.headers.update(opts.extra_headers)
        return call

    def prepare_download(
        self, url: str, *, options: RequestOptions | None = None
    ) -> PreparedCall[bytes]:
        """A GET of a presigned URL: no credentials, no rate budget, the URL never logged."""
        opts = options or RequestOptions()
        return PreparedCall(
            method="GET",
            path_template="(presigned URL)",
            path="(presigned URL)",
            url=url,
            query=[],
            body=None,
            files=None,
            headers={"User-Agent": USER_AGENT},
            timeout=opts.timeout if opts.timeout is not None else self.timeout,
            retry=self.retry,
            parse=raw_bytes,
            hints={403: "the download URL expired (valid 30 minutes): fetch the attachment again"},
            raw_body=True,
            authenticated=False,
        )

    def request_headers(self, call: PreparedCall[T]) -> dict[str, str]:
        """Headers for one attempt: the call's, the staging token and fresh credentials."""
        headers = dict(call.headers)
        if not call.authenticated:
            return headers
        if self.staging_token is not None:
            headers[STAGING_HEADER] = self.staging_token.get_secret_value()
        headers.update(self.auth.auth_headers())
        return headers

    def multipart(self, call: PreparedCall[T]) -> dict[str, tuple[str, bytes, str]] | None:
        if not call.files:
            return None
        return {k: (f.filename, f.content, f.content_type) for k, f in call.files.items()}

    def budget_wait(self) -> float:
        """Book a rate-budget slot; seconds to sleep before sending."""
        return self.rate_budget.reserve()

    @property
    def oauth(self) -> OAuth2Auth | None:
        return self.auth if isinstance(self.auth, OAuth2Auth) else None

    # --- the attempt loop -------------------------------------------------------------------

    def run(self, call: PreparedCall[T], build: BuildRequest) -> Generator[Step, Reply, T]:
        """Send a prepared call with rate budget, auth refresh and retries; parse the answer.

        The loop of both clients, without I/O: it yields what to do (sleep, refresh the
        token, send a request) and the sync or async client does it and sends the answer back.
        """
        started = self.clock()
        attempt = 0
        may_refresh = self.oauth is not None and call.authenticated
        while True:
            attempt += 1
            wait = self.budget_wait() if call.authenticated else 0.0
            if wait > 0:
                yield Pause(wait)
            if call.authenticated and self.oauth is not None and self.oauth.needs_refresh():
                yield RefreshToken(force=False)
            request = build(
                call.method,
                call.url,
                params=tuple(call.query) or None,
                content=call.body,
                files=self.multipart(call),
                headers=self.request_headers(call),
                timeout=call.timeout,
            )
            begun = time.perf_counter()
            response = yield request
            if isinstance(response, httpx.TransportError):
                decision = self.after_transport_error(call, response, attempt, started)
                response = None
            else:
                assert response is not None
                decision = self.after_response(
                    call, response, attempt, started, may_refresh=may_refresh
                )
            self.log_attempt(call, attempt, response, time.perf_counter() - begun, decision)
            if decision.error is not None:
                raise decision.error
            if decision.refresh_auth:
                may_refresh = False
                yield RefreshToken(force=True)
                continue
            if decision.retry_in is not None:
                yield Pause(decision.retry_in)
                continue
            assert response is not None
            return self.parse(call, response)

    def token_refresh_due(self, oauth: OAuth2Auth, seen: int, *, force: bool) -> bool:
        """Under the refresh lock: False when another caller refreshed meanwhile."""
        return oauth.generation == seen and (force or oauth.needs_refresh())

    def token_request(self, oauth: OAuth2Auth, build: BuildRequest) -> httpx.Request:
        token = oauth.token_request()
        return build("POST", token.url, data=token.form, timeout=self.timeout)

    def apply_token(self, oauth: OAuth2Auth, response: Reply) -> None:
        """Take the token endpoint's answer; no answer at all is a ``QontoAuthError``."""
        if isinstance(response, httpx.TransportError):
            raise QontoAuthError(
                f"OAuth token endpoint unreachable ({type(response).__name__})"
            ) from None
        assert response is not None
        try:
            body = loads(response.content) if response.content else None
        except ValueError:
            body = None
        oauth.apply_token_response(response.status_code, body)

    # --- deciding -------------------------------------------------------------------------

    def _may_retry(self, call: PreparedCall[T], attempt: int, started: float, wait: float) -> bool:
        if attempt > call.retry.max_retries:
            return False
        finish = self.clock() + wait
        if finish - started > call.retry.deadline:
            return False
        return call.key_expires_at is None or finish < call.key_expires_at

    def after_response(
        self,
        call: PreparedCall[T],
        response: httpx.Response,
        attempt: int,
        started: float,
        *,
        may_refresh: bool = False,
    ) -> Decision:
        """Decide after an answer: done (2xx), refresh (OAuth 401 once), retry, or raise."""
        status = response.status_code
        if 200 <= status < 300:
            return DONE
        if status == 401 and self.oauth is not None and may_refresh:
            return Decision(refresh_auth=True)
        error = api_error(call.method, call.path, response, call.hints)
        if status in RETRYABLE_STATUSES:
            retry_after = getattr(error, "retry_after", None)
            wait = call.retry.delay(attempt, retry_after, self.rng)
            if self._may_retry(call, attempt, started, wait):
                return Decision(retry_in=wait)
        return Decision(error=error)

    def after_transport_error(
        self, call: PreparedCall[T], exc: httpx.TransportError, attempt: int, started: float
    ) -> Decision:
        """Decide after no answer: retry, or raise (ambiguous for a write that may have run)."""
        wait = call.retry.backoff(attempt, self.rng)
        if self._may_retry(call, attempt, started, wait):
            return Decision(retry_in=wait)
        kind = type(exc).__name__
        if call.is_write and call.idempotency_key and not isinstance(exc, _NOT_SENT):
            return Decision(
                error=QontoAmbiguousOutcome(
                    method=call.method,
                    path=call.path,
                    idempotency_key=call.idempotency_key,
                    cause=kind,
                )
            )
        if isinstance(exc, httpx.TimeoutException):
            return Decision(
                error=QontoTimeout(f"timed out ({kind})", method=call.method, path=call.path)
            )
        return Decision(
            error=QontoConnectionError(
                f"connection failed ({kind})", method=call.method, path=call.path
            )
        )

    def log_attempt(
        self,
        call: PreparedCall[T],
        attempt: int,
        response: httpx.Response | None,
        duration: float,
        decision: Decision,
    ) -> None:
        """One structured log line per attempt (allow-listed fields only)."""
        outcome = (
            "error"
            if decision.error is not None
            else "retry"
            if decision.retry_in is not None
            else "refresh_auth"
            if decision.refresh_auth
            else "ok"
        )
        level = logging.DEBUG if outcome == "ok" else logging.WARNING
        log_event(
            self.logger,
            level,
            "qonto request",
            method=call.method,
            path=call.path_template,
            status=response.status_code if response is not None else None,
            duration_ms=round(duration * 1000, 1),
            attempt=attempt,
            request_id=response.headers.get("x-request-id") if response is not None else None,
            retry_in=decision.retry_in,
            outcome=outcome,
        )

    def parse(self, call: PreparedCall[T], response: httpx.Response) -> T:
        """Decode and type a successful answer; anything unexpected is QontoInvalidResponse."""
        try:
            with cyclic_gc_paused():
                if call.raw_body:
                    return call.parse(response.content)
                return call.parse(decode_body(call.method, call.path, response))
        except ValidationError as exc:
            where = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['type']}"
                for err in exc.errors(include_url=False, include_input=False)[:5]
            )
            raise self.invalid(call, response, f"unexpected shape ({where})") from None
        except ShapeError as exc:
            raise self.invalid(call, response, str(exc)) from None

    def invalid(
        self, call: PreparedCall[T], response: httpx.Response, reason: str
    ) -> QontoInvalidResponse:
        return QontoInvalidResponse(
            response.status_code,
            code="invalid_response",
            detail=reason,
            method=call.method,
            path=call.path,
            request_id=response.headers.get("x-request-id"),
        )


def raw_bytes(data: object) -> bytes:
    """The parser of a binary answer (a PDF, or a page some caller parses itself)."""
    if not isinstance(data, bytes):
        raise ShapeError("expected a binary body")
    return data


class ShapeError(Exception):
    """A body without the envelope key we expect."""


def describe_auth(auth: AuthStrategy) -> str:
    """A secret-free description of an auth strategy (for reprs)."""
    if isinstance(auth, ApiKeyAuth):
        return f"api_key:{auth.login}"
    if isinstance(auth, OAuth2Auth):
        return f"oauth:{auth.client_id}"
    return type(auth).__name__


def resolve_auth(
    auth: AuthStrategy | None, login: str | None, secret_key: SecretStr | str | None
) -> AuthStrategy:
    """The clients' ``auth=``, or API-key auth from ``login=`` and ``secret_key=``."""
    if auth is not None:
        return auth
    if login is None or secret_key is None:
        raise ValueError("give auth=, or login= and secret_key= for API-key auth")
    return ApiKeyAuth(login, secret_key)


H = TypeVar("H", httpx.Client, httpx.AsyncClient)


class ClientShell(Generic[H]):
    """What ``QontoClient`` and ``AsyncQontoClient`` share around their I/O: the core, the
    HTTP client (closed only if the client created it) and the repr."""

    def _attach(
        self,
        http_client: H | None,
        new_http: Callable[[float | httpx.Timeout], H],
        *,
        auth: AuthStrategy | None = None,
        login: str | None = None,
        secret_key: SecretStr | str | None = None,
        **config: Unpack[CoreConfig],
    ) -> None:
        """Make the core, and the HTTP client (``new_http(timeout)``) unless one is given."""
        self._core = core = ClientCore(auth=resolve_auth(auth, login, secret_key), **config)
        self._owns_http = http_client is None
        self._http: H = http_client if http_client is not None else new_http(core.timeout)

    @property
    def core(self) -> ClientCore:
        return self._core

    @property
    def http_client(self) -> H:
        return self._http

    def __repr__(self) -> str:
        auth = describe_auth(self._core.auth)
        return f"{type(self).__name__}(base_url={self._core.base_url!r}, auth={auth!r})"
