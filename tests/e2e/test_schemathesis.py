"""Schemathesis against ``/api/openapi.json`` of the running back office, authenticated as an
admin session (cookie + CSRF): no 5xx, and every response matches the published contract
(status code documented, content type, body schema). Bounded: a few examples per operation.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.conftest import CSRF_HEADER, PASSWORD, Stack
from tests.e2e.test_role_matrix import EXPECTED

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 4
#: The documentation pages and the web pages are not operations of the contract.
UNDOCUMENTED = frozenset(
    {"GET /api/openapi.json", "GET /api/docs"}
    | {
        route
        for route in EXPECTED
        if not route.split(" ", 1)[1].startswith(("/api/", "/auth/", "/healthz"))
    }
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


#: The fuzzer speaks for an address of its own (the test stack trusts its loopback proxy), so
#: its failed logins never throttle the other tests' address.
FUZZER = {"X-Forwarded-For": "198.51.100.77"}


def _session(stack: Stack) -> tuple[dict[str, str], dict[str, str]]:
    """A fresh admin session: an operation (logout, a password change) may revoke it."""
    with stack.client(headers=FUZZER) as client:
        answer = client.post(
            "/auth/login", json={"email": stack.users.admin.email, "password": PASSWORD}
        )
        assert answer.status_code == 200
        return {CSRF_HEADER: answer.json()["csrfToken"], **FUZZER}, dict(client.cookies)


def test_every_operation_honours_the_published_contract(stack: Stack) -> None:
    with httpx.Client(base_url=stack.url) as client:
        spec = client.get("/api/openapi.json").json()
    schema = schemathesis.openapi.from_dict(spec)
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), "the OpenAPI document has invalid operations"
    documented = {f"{op.method.upper()} {op.path}" for op in operations}
    assert documented == set(EXPECTED) - UNDOCUMENTED, "the OpenAPI document misses routes"
    tested = 0
    statuses: list[int] = []
    session: dict[str, dict[str, str]] = {}
    for operation in operations:
        session.update(zip(("headers", "cookies"), _session(stack), strict=True))

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case[APIOperation[Any, Any, Any, Any]]) -> None:
            response = case.call(
                base_url=stack.url, headers=session["headers"], cookies=session["cookies"]
            )
            statuses.append(response.status_code)
            case.validate_response(response, checks=CHECKS)

        run()
        tested += 1
    assert tested == len(operations)
    assert len(statuses) >= 2 * tested
    assert sum(1 for status in statuses if status < 300) >= tested // 3  # not only refusals


NEGATIVE_EXAMPLES = 3


def test_bad_input_never_gets_a_server_error(stack: Stack) -> None:
    """Schemathesis' negative mode: invalid parameters and bodies everywhere, never a 500."""
    with httpx.Client(base_url=stack.url) as client:
        spec = client.get("/api/openapi.json").json()
    schema = schemathesis.openapi.from_dict(spec)
    server_errors: list[tuple[str, int]] = []
    session: dict[str, dict[str, str]] = {}
    for result in schema.get_all_operations():
        assert isinstance(result, Ok)
        operation = result.ok()
        session.update(zip(("headers", "cookies"), _session(stack), strict=True))
        strategy = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)

        @given(case=strategy)
        @settings(
            max_examples=NEGATIVE_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case[APIOperation[Any, Any, Any, Any]]) -> None:
            response = case.call(
                base_url=stack.url, headers=session["headers"], cookies=session["cookies"]
            )
            if response.status_code == 500 or response.status_code > 503:
                server_errors.append((case.operation.label, response.status_code))

        try:
            run()
        except Unsatisfiable:  # nothing to make invalid (e.g. no parameters at all)
            continue
    assert server_errors == []
