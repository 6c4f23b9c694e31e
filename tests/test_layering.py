"""The layers of src/bravely, checked on the import graph read from the modules' own source:
(a) `bravely.clinical` never imports django; (b) `bravely.core` imports no other part of bravely
(`bravely.X`, X not core); (c) no selector module (`*/selectors.py`, `*/selectors/*`) imports a
service module (`*/services.py`, `*/services/*`); (d) no import cycle between modules.

The graph is read with `ast` (nothing is imported): every .py under src/bravely but migrations is
a module, a package's `__init__.py` being the package. Every import counts, at module level and
inside functions alike (a lazy import only moves a cycle to run time). `from pkg import name` is
the submodule `pkg.name` when there is one, else `pkg`; relative imports resolve against the
importing module's package. An edge goes to the module named, not to the parent packages Python
runs on the way. Imports by string (`import_module`, Django settings) are not seen.
The graph functions are pure (module -> set of imported modules), tested on made-up graphs.
"""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src"
Graph = dict[str, set[str]]


# Reading the graph from source


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules_under(root: Path, package: str) -> dict[str, Path]:
    """{module name: path} for every .py of `package` under root, migrations excluded."""
    return {module_name(path, root): path
            for path in sorted((root / package).rglob("*.py"))
            if "migrations" not in path.relative_to(root).parts}


def imports_of(tree: ast.AST, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules that one module's source imports, anywhere in it."""
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # from . / .. / .x import y: up (level - 1) from the package
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return found


def import_graph(root: Path, package: str = "bravely") -> Graph:
    paths = modules_under(root, package)
    known = set(paths)
    return {name: imports_of(ast.parse(path.read_text(), str(path)), name,
                             path.name == "__init__.py", known) - {name}
            for name, path in paths.items()}


# The rules, on any graph


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _is_layer(module: str, layer: str) -> bool:
    parts = module.split(".")
    return layer in parts[1:]


def clinical_importing_django(graph: Graph) -> list[tuple[str, str]]:
    return sorted((m, i) for m, imported in graph.items() if _in(m, "bravely.clinical")
                  for i in imported if _in(i, "django"))


def core_importing_apps(graph: Graph) -> list[tuple[str, str]]:
    return sorted((m, i) for m, imported in graph.items() if _in(m, "bravely.core")
                  for i in imported if _in(i, "bravely") and i != "bravely"
                  and not _in(i, "bravely.core"))


def selectors_importing_services(graph: Graph) -> list[tuple[str, str]]:
    return sorted((m, i) for m, imported in graph.items() if _is_layer(m, "selectors")
                  for i in imported if _in(i, "bravely") and _is_layer(i, "services"))


def reachable(graph: Graph, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for child in graph.get(todo.pop(), set()) & graph.keys():
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def import_cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one module (modules that reach each other
    through imports), each sorted, largest first. Modules outside the graph are ignored."""
    reach = {module: reachable(graph, module) for module in graph}
    components = {frozenset({m, *(n for n in reach[m] if m in reach[n])}) for m in graph}
    return sorted((sorted(c) for c in components if len(c) > 1), key=lambda c: (-len(c), c))


# The rules on made-up graphs

CLEAN = {
    "bravely.clinical.ladder": {"dataclasses"},
    "bravely.core.models": {"django.db", "bravely.core.forms"},
    "bravely.core.forms": {"django"},
    "bravely.shop.selectors": {"bravely.shop.models", "bravely.core.models"},
    "bravely.shop.services": {"bravely.shop.selectors", "bravely.shop.models"},
    "bravely.shop.models": {"django.db", "bravely.core.models"},
}


def test_a_clean_graph_passes_every_rule():
    assert import_cycles(CLEAN) == []
    assert core_importing_apps(CLEAN) == []
    assert selectors_importing_services(CLEAN) == []
    assert clinical_importing_django(CLEAN) == []


def test_a_cycle_is_reported_with_its_modules_and_a_self_import_is_not():
    graph = {**CLEAN, "bravely.shop.models": {"bravely.shop.services"},
             "bravely.a": {"bravely.b"}, "bravely.b": {"bravely.a", "bravely.b"}}
    assert import_cycles(graph) == [
        ["bravely.shop.models", "bravely.shop.selectors", "bravely.shop.services"],
        ["bravely.a", "bravely.b"]]
    assert import_cycles({"bravely.a": {"bravely.a", "os"}}) == []


def test_core_importing_another_app_is_reported():
    graph = {**CLEAN, "bravely.core.views": {"django.http", "bravely.shop.models", "bravely",
                                             "bravely.core.models", "bravely.settings"}}
    assert core_importing_apps(graph) == [("bravely.core.views", "bravely.settings"),
                                          ("bravely.core.views", "bravely.shop.models")]


def test_a_selector_importing_a_service_is_reported():
    graph = {**CLEAN, "bravely.shop.selectors": {"bravely.shop.services.orders"},
             "bravely.shop.selectors.carts": {"bravely.audit.services"},
             "bravely.shop.views": {"bravely.shop.services"}}
    assert selectors_importing_services(graph) == [
        ("bravely.shop.selectors", "bravely.shop.services.orders"),
        ("bravely.shop.selectors.carts", "bravely.audit.services")]


def test_clinical_importing_django_is_reported():
    graph = {**CLEAN, "bravely.clinical": {"django"},
             "bravely.clinical.ladder": {"django.utils.timezone", "djangoish"}}
    assert clinical_importing_django(graph) == [
        ("bravely.clinical", "django"), ("bravely.clinical.ladder", "django.utils.timezone")]


# Reading source


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_imports_are_resolved_from_source(tmp_path):
    root = write(tmp_path, {
        "bravely/__init__.py": "",
        "bravely/shop/__init__.py": "from . import models\n",
        "bravely/shop/models.py": "import django.db\nfrom .. import core\n",
        "bravely/shop/views.py": ("from bravely.shop import models, helper_name\n"
                                  "from .selectors.carts import cart\n"
                                  "def lazy():\n    import bravely.core.forms\n"),
        "bravely/shop/selectors/__init__.py": "from .carts import cart\n",
        "bravely/shop/selectors/carts.py": "from ..services import buy\n",
        "bravely/shop/services.py": "",
        "bravely/shop/migrations/0001_initial.py": "import bravely.shop.services\n",
        "bravely/core/__init__.py": "",
        "bravely/core/forms.py": "",
    })
    graph = import_graph(root)
    assert "bravely.shop.migrations.0001_initial" not in graph
    assert graph["bravely.shop"] == {"bravely.shop.models"}
    assert graph["bravely.shop.models"] == {"django.db", "bravely.core"}
    assert graph["bravely.shop.views"] == {"bravely.shop.models", "bravely.shop",
                                           "bravely.shop.selectors.carts", "bravely.core.forms"}
    assert graph["bravely.shop.selectors"] == {"bravely.shop.selectors.carts"}
    assert selectors_importing_services(graph) == [("bravely.shop.selectors.carts",
                                                    "bravely.shop.services")]


def test_a_cycle_in_a_source_tree_is_found_also_through_a_lazy_import(tmp_path):
    root = write(tmp_path, {
        "bravely/__init__.py": "",
        "bravely/core/__init__.py": "",
        "bravely/core/models.py": "def later():\n    from bravely.shop.models import Order\n",
        "bravely/shop/__init__.py": "",
        "bravely/shop/models.py": "from bravely.core import models\n",
    })
    graph = import_graph(root)
    assert import_cycles(graph) == [["bravely.core.models", "bravely.shop.models"]]
    assert core_importing_apps(graph) == [("bravely.core.models", "bravely.shop.models")]


# The rules on the real tree


@pytest.fixture(scope="module")
def real():
    graph = import_graph(SRC)
    assert {"bravely.core.models", "bravely.clinical.ladder"} <= graph.keys()
    return graph


def lines(found) -> str:
    return "\n".join(" -> ".join(entry) for entry in found)


def test_clinical_does_not_import_django(real):
    found = clinical_importing_django(real)
    assert not found, "clinical imports django:\n" + lines(found)


def test_core_imports_no_other_app(real):
    found = core_importing_apps(real)
    assert not found, "core imports other apps:\n" + lines(found)


def test_selectors_do_not_import_services(real):
    found = selectors_importing_services(real)
    assert not found, "selectors import services:\n" + lines(found)


def test_there_is_no_import_cycle(real):
    found = import_cycles(real)
    assert not found, "import cycles (each line one cycle's modules):\n" + "\n".join(
        ", ".join(cycle) for cycle in found)
