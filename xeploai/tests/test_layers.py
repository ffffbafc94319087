"""Dependencies go one way (docs/decisions/0006-layer-order.md): a module imports its own app,
the apps of the layers below it and the pure rule engine — never an app above it, and not a
peer of its own layer unless the edge is written down in ``ALLOWED`` with the reason.

Every import is read with ``ast``, those inside functions included (a function-level import is
how a cycle used to hide). Tests of an app follow the same order, plus ``xeploai.testing``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import xeploai

PACKAGE = Path(xeploai.__file__).parent

# Bottom to top. An app may import the apps of its own layer only through ALLOWED.
LAYERS: list[set[str]] = [
    {"lib"},
    {"audit"},
    {"org"},
    {"jobs"},
    {"cycles"},
    {"reviews"},
    {"ballots", "reports", "imports", "checker"},
    {"seed"},
]
# Standard library only (its own test checks that); anyone may import it.
PURE = "rules"
# The package's own ``__init__`` holds only the version: anyone may read it.
VERSION = "__init__"
# The project's wiring sits on top and may import anything; nothing below imports it.
WIRING = {
    "__init__",
    "__main__",
    "settings",
    "urls",
    "wsgi",
    "asgi",
    "cli",
    "conftest",
    "testing",
    "tests",
    "e2e",
}
# Made for tests: the tests of every app may import it.
FOR_TESTS = {"testing"}

# (importing module or package, imported module or package): why the edge is there.
ALLOWED: dict[tuple[str, str], str] = {
    ("xeploai.lib.auth", "xeploai.audit.models"): (
        "the login throttle counts failures in audit's LoginFailure table"
    ),
    ("xeploai.lib.tests.test_bulk", "xeploai.org.models"): "the bulk SQL runs on real tables",
    ("xeploai.lib.tests.test_bulk", "xeploai.cycles"): "the bulk SQL runs on real tables",
    ("xeploai.lib.tests.test_bulk", "xeploai.reviews.models"): "the bulk SQL runs on real tables",
    ("xeploai.jobs.tests.test_jobs", "xeploai.imports.tests.conftest"): (
        "the runner is exercised with the one real job kind, an import"
    ),
    ("xeploai.reviews.tests", "xeploai.ballots"): (
        "a whole round (the cell meeting's ballot, then the decision) and its documents"
    ),
    ("xeploai.reviews.tests.conftest", "xeploai.seed.demo"): "the demo bloc as a fixture",
    ("xeploai.reports.tests.test_report_plan", "xeploai.seed.generate"): (
        "the query plans need a generated country"
    ),
    ("xeploai.reports.tests.test_wide_unit", "xeploai.seed.generate"): (
        "a unit with many children from the generated country (`--widest`)"
    ),
    ("xeploai.reports.tests.test_cli", "xeploai.cli"): "`xeploai report` through the console",
    ("xeploai.imports.tests.test_read_ahead", "xeploai.cli"): (
        "the read-ahead `xeploai import` starts before Django's set-up"
    ),
    ("xeploai.imports.tests.test_hostile_files", "xeploai.checker"): (
        "every reader of a workbook, the offline checker too, refuses the same hostile files"
    ),
    ("xeploai.checker.tests.test_million_rows", "xeploai.imports.tests.bigfiles"): (
        "the same large workbook writer as the imports' own million-row test"
    ),
}


def _layer(app: str) -> int:
    for number, apps in enumerate(LAYERS):
        if app in apps:
            return number
    raise AssertionError(f"xeploai.{app} is in no layer: add it to LAYERS (and decision 0006)")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, at any depth."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            # `from xeploai.reviews import stats` names a module too
            found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
    return sorted(found)


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _allowed(module: str, imported: str) -> bool:
    return any(_under(module, a) and _under(imported, b) for a, b in ALLOWED)


def _violations() -> list[str]:
    found: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if "migrations" in relative.parts:
            continue  # history, not dependencies: a migration names its predecessors by string
        app = relative.parts[0] if len(relative.parts) > 1 else relative.stem
        if app in WIRING:
            continue
        module = _module_name(path)
        is_test = "tests" in relative.parts
        for line, name in _imports(path, module):
            parts = name.split(".")
            if parts[0] != "xeploai" or len(parts) < 2 or parts[1] == app:
                continue
            target = (
                parts[1]
                if (PACKAGE / parts[1]).exists() or (PACKAGE / f"{parts[1]}.py").exists()
                else VERSION
            )
            if _allowed(module, name):
                continue
            where = f"{relative}:{line} imports {'.'.join(parts[:-1]) or name}"
            if app == PURE:
                found.append(f"{where}: the rule engine imports only itself")
            elif target in (PURE, VERSION) or (is_test and target in FOR_TESTS):
                continue
            elif target in WIRING:
                found.append(f"{where}: wiring sits above every app")
            elif _layer(target) > _layer(app):
                found.append(f"{where}: {target} is above {app}")
            elif _layer(target) == _layer(app):
                found.append(f"{where}: {target} is a peer of {app} (not in ALLOWED)")
    return sorted(set(found))


def test_every_import_goes_down_the_layers() -> None:
    violations = _violations()
    assert not violations, "imports against the layer order:\n" + "\n".join(violations)


def test_every_app_is_in_a_layer_or_the_wiring() -> None:
    apps = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    placed = set().union(*LAYERS) | WIRING | {PURE}
    assert apps <= placed, sorted(apps - placed)


def test_every_allowed_edge_is_still_used() -> None:
    used = set()
    for path in PACKAGE.rglob("*.py"):
        module = _module_name(path)
        for _, name in _imports(path, module):
            used |= {edge for edge in ALLOWED if _under(module, edge[0]) and _under(name, edge[1])}
    assert sorted(set(ALLOWED) - used) == []


def test_the_checker_catches_an_import_inside_a_function(tmp_path: Path) -> None:
    """The reader itself: a function-level import is found, a relative one is resolved."""
    source = tmp_path / "views.py"
    source.write_text(
        "def f():\n    from xeploai.seed.demo import seed_demo\n\nfrom .models import X\n",
        encoding="utf-8",
    )
    assert _imports(source, "xeploai.org.views") == [
        (2, "xeploai.seed.demo.seed_demo"),
        (4, "xeploai.org.models.X"),
    ]
