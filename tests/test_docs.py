"""The repository explains itself: docs/ is indexed and linked, its links resolve, nothing points outside the
repository, and the API guide's error table is the code's list of error codes."""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.conf import settings

from config.openapi import ERROR_CODES

ROOT = Path(settings.BASE_DIR)
DOCS = ROOT / "docs"
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", ROOT / "bench" / "README.md", *sorted(DOCS.glob("*.md"))]


def test_every_docs_file_is_in_the_index_and_the_readme_links_the_index():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    linked = set(LINK.findall(index))
    assert {path.name for path in DOCS.glob("*.md") if path.name != "README.md"} <= linked
    assert "docs/README.md" in set(LINK.findall((ROOT / "README.md").read_text(encoding="utf-8")))


def test_every_relative_link_resolves():
    broken = []
    for path in markdown_files():
        for target in LINK.findall(path.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("/"):
                continue
            if not (path.parent / target).exists():
                broken.append(f"{path.relative_to(ROOT)} -> {target}")
    assert broken == []


OUTSIDE = "shared" + "/"  # the design notes' folder beside the repository (spelled apart: this file holds no reference)
NOT_OURS = {".venv", ".git", "node_modules", "staticfiles", "media", "test-results", "htmlcov"}


def test_nothing_points_outside_the_repository():
    ours = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in NOT_OURS]
        ours += [Path(folder) / name for name in files if name.endswith((".py", ".md"))]
    outside = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ours
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OUTSIDE in line
    ]
    assert outside == []


def test_the_api_guide_lists_exactly_the_error_codes():
    guide = (DOCS / "api.md").read_text(encoding="utf-8")
    table = guide.split("## Errors", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| \d{3} \| `([a-z_]+)` \|", table, flags=re.MULTILINE))
    assert listed == set(ERROR_CODES)
