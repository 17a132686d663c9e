"""A conservative call graph over the source, to find every path to an issuing Qonto call.

Rule 1 (docs/rules.md): only ``services.finalization.finalize_document`` reaches the calls that
issue a document. This module parses every module of the given source roots (``def`` and
``async def``, methods and nested functions, module aliases and ``from`` imports resolved) and
links a function to everything it *references*, not only what it calls: a function handed to
``BackgroundTasks.add_task``, ``Job(...)``, ``run_in_threadpool`` or a lambda is an edge too.

Over-approximation on purpose: an attribute that cannot be resolved (``x.m``) is linked to
every method named ``m`` of the source, and an unresolved ``x.finalize`` / ``x.issue_quote`` /
``x.create_credit_note`` is an issuing call whatever ``x`` is. Issuing calls (the sinks):

- the Qonto client's issuing resource methods, seen as an attribute chain
  (``….client_invoices.finalize``, ``….quotes.create``, ``….quotes.finalize``,
  ``….credit_notes.create``), sync or async;
- the gateway's issuing methods (``QontoGateway`` / ``QontoApiGateway`` ``finalize``,
  ``issue_quote``, ``create_credit_note``), resolved or by name.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

#: Method names that issue a document when called on a gateway (the port's issuing calls).
GATEWAY_ISSUING = frozenset({"finalize", "issue_quote", "create_credit_note"})
#: ``(resource attribute, method)`` pairs of the Qonto client that issue a document.
CLIENT_ISSUING = frozenset(
    {
        ("client_invoices", "finalize"),
        ("quotes", "create"),
        ("quotes", "finalize"),
        ("credit_notes", "create"),
    }
)
#: A raw request path that issues (``POST`` on it), outside the Qonto library's resources:
#: ``{}`` stands for a formatted part of an f-string.
ISSUING_PATH = re.compile(
    r"^/v2/(quotes|credit_notes)/?$|^/v2/(client_invoices|quotes)/.+/finalize$"
)
#: The library, where the paths legitimately live (its issuing methods are the sinks above).
LIBRARY = "verone.qonto"


@dataclass
class Function:
    qualname: str
    module: str
    cls: str | None
    node: ast.FunctionDef | ast.AsyncFunctionDef
    #: resolved qualnames of referenced functions
    refs: set[str] = field(default_factory=set)
    #: unresolved attribute names referenced (``x.m`` → ``m``), with the dotted text
    attributes: set[tuple[str, str]] = field(default_factory=set)
    #: issuing calls found directly in the body (text of the reference)
    sinks: set[str] = field(default_factory=set)


def _dotted(node: ast.AST) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call | ast.Subscript):
        inner = _dotted(node.func if isinstance(node, ast.Call) else node.value)
        parts.append(f"{inner or '?'}()")
        return ".".join(reversed(parts))
    return None


def module_name(root: Path, path: Path) -> str:
    relative = path.relative_to(root).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


class Graph:
    def __init__(self) -> None:
        self.functions: dict[str, Function] = {}
        self.classes: dict[str, ast.ClassDef] = {}
        self.imports: dict[str, dict[str, str]] = {}
        self.by_method_name: dict[str, set[str]] = {}
        self.constants: dict[str, str] = {}

    # ------------------------------------------------------------------ building

    def add_source(self, module: str, source: str, *, is_package: bool = False) -> None:
        tree = ast.parse(source)
        aliases: dict[str, str] = {}
        package = module if is_package else module.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        aliases[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        aliases[top] = top
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
        self.imports[module] = aliases
        for statement in tree.body:
            target = value = None
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target, value = statement.targets[0], statement.value
            elif isinstance(statement, ast.AnnAssign):
                target, value = statement.target, statement.value
            if (
                isinstance(target, ast.Name)
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            ):
                self.constants[f"{module}.{target.id}"] = value.value
        self._collect(module, tree.body, prefix=module, cls=None)

    def _collect(self, module: str, body: Iterable[ast.stmt], prefix: str, cls: str | None) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                name = f"{prefix}.{node.name}"
                self.classes[name] = node
                self._collect(module, node.body, prefix=name, cls=name)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}.{node.name}"
                self.functions[name] = Function(name, module, cls, node)
                if cls is not None:
                    self.by_method_name.setdefault(node.name, set()).add(name)
                self._collect(module, node.body, prefix=name, cls=None)
            else:
                # functions defined under if/try/with at module level
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.stmt):
                        self._collect(module, [child], prefix, cls)

    def add_tree(self, root: Path, package_dir: Path) -> None:
        for path in sorted(package_dir.rglob("*.py")):
            self.add_source(
                module_name(root, path), path.read_text(), is_package=path.name == "__init__.py"
            )

    # ------------------------------------------------------------------ resolving

    def _resolve_name(self, function: Function, name: str) -> str | None:
        """A bare name, seen from inside ``function``: nested def, module member or import."""
        scope = function.qualname
        while scope:
            candidate = f"{scope}.{name}"
            if candidate in self.functions or candidate in self.classes:
                return candidate
            if scope == function.module:
                break
            scope = scope.rpartition(".")[0]
        imported = self.imports.get(function.module, {}).get(name)
        return imported

    def _follow(self, dotted: str) -> str:
        """``pkg.mod.f`` through re-exports (``from .x import f`` in a package)."""
        for _ in range(5):
            if dotted in self.functions or dotted in self.classes:
                return dotted
            module, _, member = dotted.rpartition(".")
            target = self.imports.get(module, {}).get(member)
            if target is None:
                # a class attribute: pkg.mod.C.m with pkg.mod.C re-exported
                head, _, attr = dotted.rpartition(".")
                followed = self._follow_once(head)
                if followed is not None and followed != head:
                    dotted = f"{followed}.{attr}"
                    continue
                return dotted
            dotted = target
        return dotted

    def _follow_once(self, dotted: str) -> str | None:
        module, _, member = dotted.rpartition(".")
        return self.imports.get(module, {}).get(member)

    def _targets(self, qualname: str) -> set[str]:
        qualname = self._follow(qualname)
        if qualname in self.functions:
            return {qualname}
        if qualname in self.classes:
            # calling or handing a class: its constructor and __call__
            return {f"{qualname}.{m}" for m in ("__init__", "__call__", "__post_init__")} & set(
                self.functions
            )
        return set()

    def link(self) -> None:
        for function in self.functions.values():
            self._link(function)

    def _link(self, function: Function) -> None:
        outside_library = not function.module.startswith(LIBRARY)
        for node in ast.walk(function.node):
            if outside_library and self._issuing_path(function, node):
                function.sinks.add(_dotted(node) or f"path {ast.unparse(node)}")
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                resolved = self._resolve_name(function, node.id)
                if resolved is not None:
                    function.refs |= self._targets(resolved)
            elif isinstance(node, ast.Attribute):
                self._link_attribute(function, node)

    def _issuing_path(self, function: Function, node: ast.AST) -> bool:
        """A literal, f-string or module constant naming an issuing request path."""
        text: str | None = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(
                str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values
            )
        elif isinstance(node, ast.Name | ast.Attribute) and isinstance(
            getattr(node, "ctx", None), ast.Load
        ):
            dotted = _dotted(node)
            if dotted is not None and "()" not in dotted:
                head, _, rest = dotted.partition(".")
                resolved = self._resolve_name(function, head) or f"{function.module}.{head}"
                text = self.constants.get(self._follow(".".join(filter(None, [resolved, rest]))))
        return text is not None and ISSUING_PATH.match(text) is not None

    def _link_attribute(self, function: Function, node: ast.Attribute) -> None:
        text = _dotted(node) or f"?.{node.attr}"
        value = node.value
        if isinstance(value, ast.Attribute) and (value.attr, node.attr) in CLIENT_ISSUING:
            function.sinks.add(text)
            return
        # module.f / Class.m / self.m
        base = _dotted(value)
        if base is not None and "()" not in base:
            head, _, rest = base.partition(".")
            if head in ("self", "cls") and function.cls is not None and not rest:
                targets = self._targets(f"{function.cls}.{node.attr}")
                if targets:
                    function.refs |= targets
                    return
            resolved_head = self._resolve_name(function, head)
            if resolved_head is not None:
                candidate = ".".join(filter(None, [resolved_head, rest, node.attr]))
                targets = self._targets(candidate)
                if targets:
                    function.refs |= targets
                    return
                if self._follow(resolved_head) in self.functions or self._is_module(resolved_head):
                    return  # a module's non-function member (constant, class attribute)
        if node.attr in GATEWAY_ISSUING:
            function.sinks.add(text)
            return
        function.attributes.add((node.attr, text))
        function.refs |= self.by_method_name.get(node.attr, set())

    def _is_module(self, name: str) -> bool:
        return name in self.imports

    # ------------------------------------------------------------------ questions

    def reaching(
        self,
        entry: str,
        *,
        stop: frozenset[str] = frozenset(),
        ignore: frozenset[tuple[str, str]] = frozenset(),
    ) -> dict[str, list[str]]:
        """Every sink reachable from ``entry`` (not walking through ``stop``), each with one path.

        ``ignore`` holds ``(function, reference text)`` pairs known not to issue (e.g. the
        domain's own ``document.finalize(...)``, the local status move).
        """
        found: dict[str, list[str]] = {}
        seen = {entry}
        queue: list[tuple[str, list[str]]] = [(entry, [entry])]
        while queue:
            current, path = queue.pop()
            function = self.functions.get(current)
            if function is None:
                continue
            for sink in function.sinks:
                if (current, sink) not in ignore:
                    found.setdefault(f"{current}: {sink}", path)
            for ref in sorted(function.refs):
                if ref in seen or ref in stop:
                    continue
                seen.add(ref)
                queue.append((ref, [*path, ref]))
        return found

    def reaches(self, entry: str, target: str) -> bool:
        seen = {entry}
        queue = [entry]
        while queue:
            current = queue.pop()
            if current == target:
                return True
            function = self.functions.get(current)
            for ref in function.refs if function else ():
                if ref not in seen:
                    seen.add(ref)
                    queue.append(ref)
        return False

    def task_callbacks(self) -> Iterator[str]:
        """Functions handed to a ``BackgroundTasks.add_task`` (the first argument)."""
        for function in self.functions.values():
            for node in ast.walk(function.node):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "add_task"
                    and node.args
                ):
                    target = _dotted(node.args[0])
                    if target is None:
                        continue
                    head, _, rest = target.partition(".")
                    resolved = self._resolve_name(function, head)
                    if resolved is None:
                        continue
                    yield from self._targets(".".join(filter(None, [resolved, rest])))


def build(root: Path, packages: Iterable[str], extra: dict[str, str] | None = None) -> Graph:
    """The graph of ``packages`` (dotted, under ``root``), plus ``extra`` modules' sources."""
    graph = Graph()
    for package in packages:
        graph.add_tree(root, root / package.replace(".", "/"))
    for module, source in (extra or {}).items():
        graph.add_source(module, source)
    graph.link()
    return graph
