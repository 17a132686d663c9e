"""Schemathesis against ``/api/openapi.json`` of the running back office, authenticated as an
admin session (cookie + CSRF): no 5xx, and every response matches the published contract
(status code documented, content type, body schema). Bounded: a few examples per operation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
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


def _session(stack: Stack) -> tuple[dict[str, str], dict[str, str]]:
    with stack.client() as client:
        answer = client.post(
            "/auth/login", json={"email": stack.users.admin.email, "password": PASSWORD}
        )
        assert answer.status_code == 200
        return {CSRF_HEADER: answer.json()["csrfToken"]}, dict(client.cookies)


def test_every_operation_honours_the_published_contract(stack: Stack) -> None:
    with httpx.Client(base_url=stack.url, timeout=120) as client:
        spec = client.get("/api/openapi.json").json()
    schema = schemathesis.openapi.from_dict(spec)
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), "the OpenAPI document has invalid operations"
    documented = {f"{op.method.upper()} {op.path}" for op in operations}
    assert documented == set(EXPECTED) - UNDOCUMENTED, "the OpenAPI document misses routes"
    tested = 0
    statuses: list[int] = []
    try:
        for operation in operations:
            session = _session(stack)  # an operation (logout, a password change) may revoke it

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
                    base_url=stack.url,
                    headers=session[0],  # noqa: B023  # run() is called at once
                    cookies=session[1],  # noqa: B023
                )
                statuses.append(response.status_code)
                case.validate_response(response, checks=CHECKS)

            run()
            tested += 1
    finally:
        # the fuzzed logins count as failures for this address: let later tests log in
        stack.clock.advance(timedelta(minutes=16))
    print(f"schemathesis positive mode: {len(statuses)} cases")  # noqa: T201  # for the record
    assert tested == len(operations)
    assert len(statuses) >= 2 * tested
    assert sum(1 for status in statuses if status < 300) >= tested // 3  # not only refusals


NEGATIVE_EXAMPLES = 3
#: Every answer to bad input is a documented refusal: never a 5xx, always the contract's
#: content type and body schema (the error envelope). The status code is not checked here:
#: schemathesis counts e.g. a 404 for a malformed path parameter as undocumented.
NEGATIVE_CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


def test_bad_input_never_gets_a_server_error(
    stack: Stack, record_property: Callable[[str, object], None]
) -> None:
    """Schemathesis' negative mode: invalid parameters and bodies everywhere, authenticated:
    no 5xx and no answer outside the published schemas."""
    with httpx.Client(base_url=stack.url, timeout=120) as client:
        spec = client.get("/api/openapi.json").json()
    schema = schemathesis.openapi.from_dict(spec)
    problems: list[str] = []
    cases: list[int] = []
    try:
        for result in schema.get_all_operations():
            session = _session(stack)  # an operation (logout, a password change) may revoke it
            assert isinstance(result, Ok)
            operation = result.ok()
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
                    base_url=stack.url,
                    headers=session[0],  # noqa: B023  # run() is called at once
                    cookies=session[1],  # noqa: B023
                )
                cases.append(response.status_code)
                try:
                    case.validate_response(response, checks=NEGATIVE_CHECKS)
                except Exception as failure:  # collected, asserted below
                    problems.append(f"{case.operation.label} {response.status_code}: {failure}")

            try:
                run()
            except Unsatisfiable:  # nothing to make invalid (e.g. no parameters at all)
                continue
    finally:
        stack.clock.advance(timedelta(minutes=16))
    record_property("negative_cases", len(cases))
    print(f"schemathesis negative mode: {len(cases)} cases")  # noqa: T201  # the count, for the record
    assert problems == []
    assert [status for status in cases if status >= 500] == []
    assert len(cases) > 100
