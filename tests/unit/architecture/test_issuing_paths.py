"""Rule 1 by what code reaches (docs/rules.md): from every entry of the back office (public
service function, CLI command, job, route, background task), the only path to a call that
issues a document in Qonto goes through ``services.finalization.finalize_document``, and only
the two finalize routes (API and web, interactive finalizer sessions) reach that.

The call graph (``issuing_paths``) covers ``def`` and ``async def``, methods, nested functions,
module aliases and functions handed around by reference; unresolved attributes are linked by
name. The last tests prove the proof: a synthetic service function or CLI command that issues
a quote makes the check fail, naming it.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Mapping
from pathlib import Path

import pytest
import typer

import verone
from tests.unit.architecture.issuing_paths import Graph, build
from verone.backoffice import jobs
from verone.backoffice.config import Settings
from verone.backoffice.services import finalization
from verone.cli import app as cli_app

SRC = Path(verone.__file__).parent.parent
PACKAGES = ("verone.backoffice", "verone.cli", "verone.qonto")
SERVICES = "verone.backoffice.services."
FINALIZE = "verone.backoffice.services.finalization.finalize_document"
#: The route endpoints through which an interactive finalizer confirms (each takes a
#: ``Finalizer…`` context; role and token are checked again inside ``finalize_document``, before
#: any Qonto write).
FINALIZE_ENDPOINTS = frozenset(
    {
        "verone.backoffice.api.routes.documents._add_finalize.finalize",
        "verone.backoffice.api.routes.invoices.finalize_workflow",
        "verone.backoffice.web.routes.document_actions.finalize",
    }
)
#: The module-level route code that reaches ``finalize_document``: those endpoints, the API's
#: shared helper and the factories that register the endpoint on each kind's router.
FINALIZE_ROUTES = frozenset(
    {
        "verone.backoffice.api.routes.documents.run_finalization",
        "verone.backoffice.api.routes.documents._add_finalize",
        "verone.backoffice.api.routes.documents.add_issue_routes",
        "verone.backoffice.api.routes.invoices.finalize_workflow",
        "verone.backoffice.web.routes.document_actions.finalize",
    }
)
#: References that look like an issuing call and are not: the domain's local status move,
#: done once Qonto has issued (``complete_issue`` records an issue, it does not make one).
PROBE = "verone.backoffice.integrations.qonto_probes.QontoProbes.credit_note_creation_available"
NOT_ISSUING = frozenset(
    {
        ("verone.backoffice.services.finalization.complete_issue", "document.finalize"),
        # the diagnosis probes the credit-note endpoint with an empty body, which Qonto refuses
        # (404: no credit-note API; 4xx: it exists); the body is checked below
        (PROBE, "CREDIT_NOTE_PATH"),
    }
)

#: The background tasks known today: a new one must appear here (and in the drivers).
BACKGROUND_TASKS = frozenset(
    {
        "verone.backoffice.services.webhooks.process_event",
        "verone.backoffice.web.routes.banking._run_sync",
    }
)
ROUTE_MODULES = ("verone.backoffice.api.routes.", "verone.backoffice.web.routes.")


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build(SRC, PACKAGES)


def _module_level(graph: Graph, qualname: str) -> bool:
    function = graph.functions[qualname]
    return function.cls is None and qualname == f"{function.module}.{function.node.name}"


def entries(graph: Graph) -> dict[str, str]:
    """Every entry of the back office, by qualified name, with its kind."""
    found: dict[str, str] = {}
    for qualname, function in graph.functions.items():
        if not _module_level(graph, qualname):
            continue
        name = function.node.name
        if function.module.startswith(SERVICES) and not name.startswith("_"):
            found[qualname] = "service"
        elif function.module == "verone.cli" or function.module.startswith("verone.cli."):
            found[qualname] = "cli"  # every module-level function of the CLI, commands or not
        elif function.module == jobs.__name__:
            found[qualname] = "job"
        elif function.module.startswith(ROUTE_MODULES):
            found[qualname] = "route"
    for qualname in graph.task_callbacks():
        found[qualname] = "background task"
    return found


def issuing_entries(graph: Graph, *, stop: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """Entry → one path to an issuing call, for every entry that reaches one."""
    result: dict[str, list[str]] = {}
    for entry in sorted(entries(graph)):
        reached = graph.reaching(entry, stop=stop, ignore=NOT_ISSUING)
        if reached:
            sink, path = next(iter(sorted(reached.items())))
            result[entry] = [*path, sink]
    return result


def test_the_graph_sees_the_issuing_calls(graph: Graph) -> None:
    """The sinks are found where they are: the gateway's three issuing methods and the one
    service helper that calls them (if this fails, the analysis went blind)."""
    with_sinks = {
        qualname
        for qualname, function in graph.functions.items()
        if function.sinks and qualname.startswith("verone.backoffice.")
    }
    assert with_sinks == {
        "verone.backoffice.integrations.qonto_gateway.QontoApiGateway.finalize",
        "verone.backoffice.integrations.qonto_gateway.QontoApiGateway.issue_quote",
        "verone.backoffice.integrations.qonto_gateway.QontoApiGateway.create_credit_note",
        "verone.backoffice.services.finalization._issue",
        "verone.backoffice.services.finalization.complete_issue",
        PROBE,
    }
    assert graph.reaching(FINALIZE, ignore=NOT_ISSUING)


def test_every_entry_is_known_to_the_graph(graph: Graph) -> None:
    """Services, CLI commands, jobs and background tasks found by introspection are entries."""
    known = entries(graph)
    kinds = {kind: {q for q, k in known.items() if k == kind} for kind in set(known.values())}
    commands = _cli_callbacks()
    assert commands, "no CLI command found"
    assert commands <= set(known), f"CLI commands unseen by the graph: {commands - set(known)}"
    job_functions = {
        f"{job.run.__module__}.{job.run.__qualname__}" for job in jobs.default_jobs(_settings())
    }
    assert job_functions <= kinds["job"]
    assert BACKGROUND_TASKS == kinds["background task"], "a new background task: drive it"
    assert len(kinds["service"]) > 100
    assert FINALIZE_ROUTES <= kinds["route"]


def test_only_the_confirmed_finalization_reaches_an_issuing_call(graph: Graph) -> None:
    reaching = issuing_entries(graph)
    unexpected = {
        entry: " → ".join(path)
        for entry, path in reaching.items()
        if entry != FINALIZE and entry not in FINALIZE_ROUTES
    }
    assert unexpected == {}
    assert FINALIZE in reaching
    assert FINALIZE_ROUTES <= set(reaching)


def test_every_path_to_an_issuing_call_goes_through_finalize_document(graph: Graph) -> None:
    """Cut ``finalize_document`` out: nothing else reaches an issuing call."""
    bypass = issuing_entries(graph, stop=frozenset({FINALIZE}))
    assert {e: " → ".join(p) for e, p in bypass.items() if e != FINALIZE} == {}
    callers = {e for e in entries(graph) if e != FINALIZE and graph.reaches(e, FINALIZE)}
    assert callers == FINALIZE_ROUTES
    for endpoint in FINALIZE_ENDPOINTS:
        node = graph.functions[endpoint].node
        ctx = next(a for a in node.args.args if a.arg == "ctx")
        assert isinstance(ctx.annotation, ast.Name), endpoint
        assert ctx.annotation.id.startswith("Finalizer"), endpoint
    signature = inspect.signature(finalization.finalize_document)
    assert signature.parameters["confirmation_token"].default is inspect.Parameter.empty
    assert signature.parameters["confirmation_key"].default is inspect.Parameter.empty


def test_the_credit_note_probe_sends_an_empty_body(graph: Graph) -> None:
    """The one raw request to an issuing path: a POST whose body is the empty object, which
    cannot issue a credit note (Qonto needs the invoice and the lines)."""
    bodies = [
        keyword.value
        for node in ast.walk(graph.functions[PROBE].node)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "json_body"
    ]
    assert len(bodies) == 1
    assert isinstance(bodies[0], ast.Dict)
    assert bodies[0].keys == []


# ---------------------------------------------------------------------- the proof is proved

ROGUE_SERVICE = """
from verone.backoffice.services import common as shared


async def _quietly(port, document):
    return port.issue_quote(document, "client", "key")


def issue_quote_now(uow, gateway, document_id):
    document = shared.get_document(uow, document_id)
    return _quietly(gateway, document)


class Issuer:
    def __init__(self, client):
        self._client = client

    async def go(self, params):
        return await self._client.quotes.create(params)


def with_the_client(client, params):
    return Issuer(client).go(params)
"""

ROGUE_COMMAND = """
import typer

from verone.backoffice.services import rogue as r

app = typer.Typer()


@app.command("devis-direct")
def issue_directly(document_id: str) -> None:
    r.issue_quote_now(None, None, document_id)
"""

ROGUE_ALIASED_COMMAND = """
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway as G


def burn(gateway: G, document) -> None:
    G.create_credit_note(gateway, document, "inv", "key")
"""


def test_the_proof_catches_a_new_issuing_service_function_and_cli_command() -> None:
    graph = build(
        SRC,
        PACKAGES,
        extra={
            "verone.backoffice.services.rogue": ROGUE_SERVICE,
            "verone.cli.rogue": ROGUE_COMMAND,
            "verone.cli.aliased": ROGUE_ALIASED_COMMAND,
        },
    )
    reaching = issuing_entries(graph)
    assert {
        "verone.backoffice.services.rogue.issue_quote_now",
        "verone.backoffice.services.rogue.with_the_client",
        "verone.cli.rogue.issue_directly",
        "verone.cli.aliased.burn",
    } <= set(reaching)
    assert reaching["verone.cli.rogue.issue_directly"][-1].endswith("port.issue_quote")
    assert reaching["verone.backoffice.services.rogue.with_the_client"][-1].endswith(
        "self._client.quotes.create"
    )


def test_the_proof_catches_a_route_or_job_that_bypasses_finalize_document() -> None:
    graph = build(
        SRC,
        PACKAGES,
        extra={
            "verone.backoffice.web.routes.rogue": (
                "from verone.backoffice.services import finalization\n"
                "async def quick(ctx, document):\n"
                "    return finalization._issue(ctx.uow, ctx.gateway, document, 'k')\n"
            ),
            "verone.backoffice.jobs_extra": (
                "PATH = '/v2/quotes'\n"
                "def raw_job(context, qonto_id):\n"
                "    client = context.qonto_client\n"
                "    path = f'/v2/client_invoices/{qonto_id}/finalize'\n"
                "    client.execute(client.core.prepare('POST', path, None))\n"
                "def raw_quote(client):\n"
                "    client.execute(client.core.prepare('POST', PATH, None, json_body={'a': 1}))\n"
            ),
        },
    )
    reaching = issuing_entries(graph)
    assert "verone.backoffice.web.routes.rogue.quick" in reaching
    raw = {
        q: f.sinks
        for q, f in graph.functions.items()
        if q.startswith("verone.backoffice.jobs_extra")
    }
    assert all(raw.values()), raw


def _cli_callbacks() -> set[str]:
    found: set[str] = set()

    def walk(command: object) -> None:
        subcommands = getattr(command, "commands", None)
        if isinstance(subcommands, Mapping):
            for sub in subcommands.values():
                walk(sub)
            return
        callback = getattr(command, "callback", None)
        if callable(callback):
            found.add(f"{callback.__module__}.{callback.__qualname__}")

    walk(typer.main.get_command(cli_app))
    return found


def _settings() -> Settings:
    return Settings.model_construct(
        outbox_job_interval_seconds=1.0, pdf_job_interval_seconds=1.0, sync_job_interval_seconds=1.0
    )
