"""The apps depend one way (docs/architecture.md), and tests reach into other apps only through their factories."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# What each app's code (tests and migrations aside) may import of the others: courses ← exercises ← progress ←
# gamification; audit is called by all and calls no one; accounts uses no learning app (they register hooks).
MAY_IMPORT = {
    "config": set(),
    "audit": set(),
    "accounts": {"audit", "config"},
    "courses": {"accounts", "audit", "config"},
    "exercises": {"courses", "accounts", "audit", "config"},
    "progress": {"exercises", "courses", "accounts", "audit", "config"},
    "gamification": {"progress", "exercises", "courses", "accounts", "audit", "config"},
}
# Shared by the tests of several apps: posting an admin form as the browser would.
SHARED_TEST_HELPERS = {"tests.admin_forms"}


def imports(path: Path) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.append(node.module)
        elif isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
    return modules


def python_files(app: str, *, tests: bool) -> list[Path]:
    return [
        path
        for path in (ROOT / app).rglob("*.py")
        if ("tests" in path.relative_to(ROOT).parts) == tests and "migrations" not in path.parts
    ]


def test_apps_depend_one_way():
    wrong = [
        f"{path.relative_to(ROOT)} imports {module}"
        for app, allowed in MAY_IMPORT.items()
        for path in python_files(app, tests=False)
        for module in imports(path)
        if module.split(".")[0] in MAY_IMPORT and module.split(".")[0] not in allowed | {app}
    ]
    assert wrong == []


def test_tests_use_other_apps_only_through_their_factories_and_import_no_conftest():
    def refused(app: str, module: str) -> bool:
        parts = module.split(".")
        another_apps_internals = len(parts) > 2 and parts[1] == "tests" and parts[0] != app and parts[2] != "factories"
        cross_app_tests = parts[0] == "tests" and module not in SHARED_TEST_HELPERS
        return "conftest" in parts or another_apps_internals or cross_app_tests

    wrong = [
        f"{path.relative_to(ROOT)} imports {module}"
        for app in MAY_IMPORT
        for path in python_files(app, tests=True)
        for module in imports(path)
        if refused(app, module)
    ]
    assert wrong == []
