"""What differs per document kind lives in ``domain/kinds.py``: outside ``domain/``, the back
office (services, routes, integrations, repositories, templates) may branch on a specific kind
in at most ``MAX_BRANCHES`` places, and the CLI decides no permission itself.

A branch on the kind is code that names a specific kind to decide something: a comparison or
membership test with a ``DocumentType`` member (or a policy constant ``INVOICE``, ``QUOTE``,
``CREDIT_NOTE``), a ``match`` case on one, a dispatch table keyed by them (one per table), or a
template ``{% if %}`` on a document's type. A lookup by the kind a caller asked for
(``document.document_type is document_type``) names no kind and is not counted.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import verone.backoffice
import verone.cli
from verone.backoffice.domain.kinds import KINDS
from verone.backoffice.services.outbox.write import ISSUING, Operation

BACKOFFICE = Path(verone.backoffice.__file__).parent
CLI = Path(verone.cli.__file__).parent
MAX_BRANCHES = 10
POLICY_NAMES = frozenset({"INVOICE", "QUOTE", "CREDIT_NOTE"})
TEMPLATE_BRANCH = re.compile(
    r"{%-?\s*(?:el)?if\b[^%]*(?:document_type|\bkind\b|['\"](?:invoice|quote|credit_note)['\"])"
)


def _names_a_kind(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id == "DocumentType":
            return True
        return (
            node.attr in POLICY_NAMES
            and isinstance(node.value, ast.Name)
            and (node.value.id == "kinds")
        )
    if isinstance(node, ast.Name):
        return node.id in POLICY_NAMES
    if isinstance(node, ast.Set | ast.Tuple | ast.List):
        return any(_names_a_kind(element) for element in node.elts)
    return False


def kind_branches(source: str) -> list[int]:
    """Line numbers of the branches on a specific kind in one Python module."""
    found: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            if any(_names_a_kind(operand) for operand in (node.left, *node.comparators)):
                found.append(node.lineno)
        elif isinstance(node, ast.match_case):
            if any(
                isinstance(p, ast.MatchValue) and _names_a_kind(p.value)
                for p in ast.walk(node.pattern)
            ):
                found.append(node.pattern.lineno)
        elif isinstance(node, ast.Dict):
            if any(key is not None and _names_a_kind(key) for key in node.keys):
                found.append(node.lineno)
    return sorted(found)


def branches_outside_the_domain() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for path in sorted(BACKOFFICE.rglob("*.py")):
        relative = path.relative_to(BACKOFFICE)
        if relative.parts[0] == "domain" or "migrations" in relative.parts:
            continue
        lines = kind_branches(path.read_text(encoding="utf-8"))
        if lines:
            found[str(relative)] = lines
    for path in sorted(BACKOFFICE.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        lines = [text.count("\n", 0, m.start()) + 1 for m in TEMPLATE_BRANCH.finditer(text)]
        if lines:
            found[str(path.relative_to(BACKOFFICE))] = lines
    return found


def test_the_counter_sees_each_form_of_branch() -> None:
    source = """
if document.document_type is DocumentType.INVOICE: pass
x = a if kind in (DocumentType.QUOTE, DocumentType.CREDIT_NOTE) else b
table = {DocumentType.INVOICE: 1, DocumentType.QUOTE: 2}
match document.document_type:
    case DocumentType.QUOTE: pass
if document.kind is INVOICE: pass
if document.document_type is document_type: pass
if document.kind.payable: pass
"""
    assert kind_branches(source) == [2, 3, 4, 6, 7]
    assert TEMPLATE_BRANCH.search("{% if doc.document_type == 'invoice' %}")
    assert not TEMPLATE_BRANCH.search("{{ labels.KIND_TITLE[doc.document_type] }}")


def test_services_routes_and_templates_do_not_branch_on_the_kind() -> None:
    found = branches_outside_the_domain()
    total = sum(len(lines) for lines in found.values())
    assert total <= MAX_BRANCHES, found


def test_commands_decide_no_permission_and_look_nobody_up() -> None:
    """Permissions and lookups are the services' (``services.users.attributed_user_id``)."""
    for path in sorted(CLI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                assert node.id != "PermissionDenied", path.name
            if isinstance(node, ast.Attribute):
                # a repository reached from a command: ``uow.users``, ``uow.documents``, …
                if isinstance(node.value, ast.Name) and node.value.id == "uow":
                    raise AssertionError(f"{path.name}:{node.lineno} uses uow.{node.attr}")


def test_each_kind_s_issue_call_is_one_of_the_outbox_s_issuing_operations() -> None:
    assert {Operation(kind.issue_call) for kind in KINDS} == set(ISSUING)
