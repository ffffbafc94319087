"""The package itself: standard library and its own modules only, every rule key documented,
every clause known, doctests run (and every module that should have examples has some)."""

from __future__ import annotations

import ast
import doctest
import importlib
import pkgutil
import re
import sys
from pathlib import Path

import pytest

import xeploai.rules as rules
from xeploai.rules import CENTRAL, RULES

PACKAGE = Path(rules.__file__).parent
DOCS = PACKAGE.parents[1] / "docs" / "rules.md"


def _modules() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "tests" not in p.relative_to(PACKAGE).parts]


def test_no_module_imports_django_or_anything_outside_the_standard_library() -> None:
    stdlib = sys.stdlib_module_names
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top != "django", f"{path} imports {name}"
                own = name == "xeploai.rules" or name.startswith("xeploai.rules.")
                assert top in stdlib or own, f"{path} imports {name}"


def test_every_rule_key_appears_in_docs_rules_md() -> None:
    documented = set(re.findall(r"`([a-z_]+\.[a-z_0-9.]+)`", DOCS.read_text(encoding="utf-8")))
    missing = sorted(set(RULES) - documented)
    assert not missing, f"keys missing from docs/rules.md: {missing}"


def test_every_clause_key_is_a_known_rule() -> None:
    for ruleset in CENTRAL.values():
        unknown = sorted(set(ruleset.clauses) - set(RULES))
        assert not unknown, f"{ruleset.key}: {unknown}"


def test_every_rule_is_used_by_a_central_rule_set() -> None:
    used = set().union(*(set(rs.clauses) for rs in CENTRAL.values()))
    # The civil-service scale's rules cite the decree of their year (rules/civil.py), not a
    # party rule set.
    state = {key for key in RULES if key.startswith("civil.")}
    assert state == {"civil.no_points", "civil.points_range", "civil.level_above_points"}
    assert sorted(set(RULES) - used - state - {"facts.invalid", "facts.duplicate"}) == []


def test_public_api_is_explicit() -> None:
    for name in rules.__all__:
        assert hasattr(rules, name), name


# Modules that are data only (a rule set's clauses, settings and forms): nothing to show by
# example that the rule set tests do not show better.
WITHOUT_EXAMPLES = frozenset(
    {
        "xeploai.rules.rulesets.qd124",
        "xeploai.rules.rulesets.qd132",
        "xeploai.rules.rulesets.qd366",
    }
)


@pytest.mark.parametrize(
    "module",
    sorted(
        m.name
        for m in pkgutil.walk_packages(rules.__path__, "xeploai.rules.")
        if ".tests" not in m.name
    ),
)
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    if module in WITHOUT_EXAMPLES:
        assert result.attempted == 0, f"{module} has examples now: drop it from the list"
    else:
        assert result.attempted > 0, f"{module}: no doctest example ran"
