"""The package's layers: documents and rendering never load a widget library, no widget writes a
document itself, and no module imports a module that imports it back."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "audit_widgets"


def test_the_documents_and_the_rendering_load_without_ipywidgets():
    code = ("import sys\n"
            "import audit_widgets.documents.build, audit_widgets.documents.report, audit_widgets.documents.certificate\n"
            "import audit_widgets.documents.letters, audit_widgets.render.results, audit_widgets.render.charts\n"
            "import audit_widgets.batch.runner, audit_widgets.batch.local, audit_widgets.cli\n"
            "print(sorted(m for m in sys.modules if m.startswith(('ipywidgets', 'audit_widgets.widgets'))))\n")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def _imports(path: Path) -> set[str]:
    """The package modules a module imports at its top level (not inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(("audit_widgets", *path.relative_to(PACKAGE).with_suffix("").parts))
    if path.name == "__init__.py":
        package = package.removesuffix(".__init__") + ".__init__"
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")[: -node.level]
            module = ".".join(base + ([node.module] if node.module else []))
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("audit_widgets"):
            found.add(node.module)
    return found


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(("audit_widgets", *(parts[:-1] if parts[-1] == "__init__" else parts)))


def test_no_module_level_import_cycle():
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}
    graph = {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}
    # A package importing its own submodules (cli/__init__ registering the commands) is not a cycle.
    for name, path in modules.items():
        if path.name == "__init__.py":
            graph[name] = {m for m in graph[name] if not m.startswith(name + ".")}
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append(trail[trail.index(target):] + [target] if target in trail else [node, target])
            elif target not in state:
                visit(target, trail + [target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_no_widget_writes_a_document():
    """Documents are written by the document registry (documents/registry.py), never by a widget."""
    writers = [p.name for p in (PACKAGE / "widgets").glob("*.py")
               if any(word in p.read_text(encoding="utf-8") for word in ("write_report", "write_certificate",
                                                                          "write_refusal_letter", "html_to_pdf"))]
    assert writers == []


def test_the_calls_between_store_mixins_are_declared_and_provided():
    """StoreBase declares, for the type checker, each method one mixin calls on another; the
    Workbench that combines them provides each, with the declared parameters."""
    import inspect

    from audit_widgets.store.repository import Workbench

    tree = ast.parse((PACKAGE / "store" / "base.py").read_text(encoding="utf-8"))
    store_base = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "StoreBase")
    block = next(n for n in store_base.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    declared = {f.name: [a.arg for a in (*f.args.args, *f.args.kwonlyargs)] for f in block.body
                if isinstance(f, ast.FunctionDef)}
    assert len(declared) == 21
    for name, params in declared.items():
        provided = getattr(Workbench, name)
        assert provided.__qualname__.split(".")[0] != "StoreBase", name  # a real mixin's method
        assert list(inspect.signature(provided).parameters) == params, name
