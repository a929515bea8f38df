"""The app's layers: imports run one way only (docs/layout.md), and no module imports itself
back through others."""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from django.conf import settings

GUIDE = settings.BASE_DIR / "guide"
# Lowest first. A module may import from its own layer or a lower one, never a higher one.
LAYERS = [
    ["guide.text", "guide.visibility", "guide.seo"],
    ["guide.models"],
    ["guide.serving"],
    ["guide.platform", "guide.search", "guide.history", "guide.charts", "guide.forms"],
    ["guide.progress", "guide.signals", "guide.sitemaps", "guide.templatetags", "guide.admin"],
    ["guide.views", "guide.context_processors", "guide.management", "guide.apps"],
    ["guide.urls"],
]


def module_name(path: Path) -> str:
    parts = path.relative_to(settings.BASE_DIR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The guide modules `path` imports, wherever the import statement is."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return {name for name in found if name.startswith("guide.")}


def app_modules() -> dict[str, set[str]]:
    modules = {
        module_name(path): path for path in GUIDE.rglob("*.py") if "migrations" not in path.parts
    }
    # "from guide.models import Skill" names a module and a class: keep the modules.
    return {
        name: {i for i in imports_of(path) if i in modules} - {name}
        for name, path in modules.items()
    }


def layer_of(module: str) -> int:
    for rank, layer in enumerate(LAYERS):
        if any(module == top or module.startswith(f"{top}.") for top in layer):
            return rank
    raise AssertionError(f"{module} is in no layer: add it to LAYERS (docs/layout.md)")


def test_every_import_runs_down_or_across():
    upward = [
        f"{module} -> {imported}"
        for module, imported_modules in app_modules().items()
        if module != "guide"
        for imported in imported_modules
        if layer_of(imported) > layer_of(module)
    ]
    assert upward == []


def test_no_module_imports_itself_back():
    graph = app_modules()
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise AssertionError(f"an import cycle: {error.args[1]}") from None


def test_few_modules_sit_directly_in_the_app():
    assert len(list(GUIDE.glob("*.py"))) <= 16
