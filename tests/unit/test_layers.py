"""Handlers translate; services decide: no handler opens a unit of work or calls the engine.

The import rules (``lint-imports``, contracts in pyproject.toml) keep the
persistence package out of the handlers; this test keeps its back doors shut
too: ``services.uow_factory`` and ``services.engine`` (whose calls each open a
transaction) are the services' business, never a handler's.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HANDLERS = sorted((Path(__file__).resolve().parents[2] / "handlers").glob("*.py"))
FORBIDDEN = {"uow_factory", "engine", "session"}


def _uses(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN:
            found.append(f"{path.name}:{node.lineno}: .{node.attr}")
        if isinstance(node, ast.Name) and node.id in FORBIDDEN:
            found.append(f"{path.name}:{node.lineno}: {node.id}")
    return found


@pytest.mark.parametrize("path", HANDLERS, ids=lambda p: p.name)
def test_no_handler_opens_a_unit_of_work(path: Path) -> None:
    assert _uses(path) == []


def test_the_check_sees_a_unit_of_work(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("def f(services):\n    with services.uow_factory() as uow:\n        pass\n")
    assert _uses(sample) == ["bad.py:2: .uow_factory"]


def test_scheduling_does_not_import_telegram() -> None:
    root = Path(__file__).resolve().parents[2] / "bot" / "scheduling"
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("telegram", "bot.telegram")), path
