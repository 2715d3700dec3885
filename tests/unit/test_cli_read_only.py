"""Read-only commands never create or migrate a database.

Following the README, a new admin may type ``sopbot status`` before ``sopbot db
upgrade``; that must say what to do and leave the working directory as it was,
and on a database file that exists but was never upgraded it must not create
tables behind the admin's back.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli

READ_ONLY = [
    ["status"],
    ["task", "list", "--as", "999900000000000002"],
    ["task", "show", "1", "--as", "999900000000000002"],
    ["audit", "--run", "1"],
    ["report", "--sop", "kesbangpol", "--period", "2026-TW3", "-o", "tw3.xlsx"],
    ["monev", "--period", "2026-TW3", "-o", "monev.xlsx"],
    ["org", "list"],
    ["db", "current"],
    ["health"],
    ["schedule", "show"],
]


def _ids(argv: list[str]) -> str:
    return " ".join(argv[:2])


@pytest.mark.parametrize("argv", READ_ONLY, ids=_ids)
def test_without_a_database_nothing_is_created(argv: list[str]) -> None:
    result = CliRunner().invoke(cli, argv)
    assert not Path("sopbot.sqlite3").exists(), result.output
    assert list(Path.cwd().iterdir()) == [], result.output
    if argv[0] not in ("schedule", "db", "health"):
        assert result.exit_code == 1
        assert "Basis data belum ada" in result.output
        assert "sopbot db upgrade" in result.output


@pytest.mark.parametrize("argv", READ_ONLY, ids=_ids)
def test_a_database_never_upgraded_is_not_migrated(argv: list[str]) -> None:
    Path("sopbot.sqlite3").touch()
    result = CliRunner().invoke(cli, argv)
    with sqlite3.connect("sopbot.sqlite3") as connection:
        tables = connection.execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [], result.output
    assert "Traceback" not in result.output
    assert "no such table" not in result.output
