"""Tests never read the working directory's database or the developer's environment.

Following the README leaves ``./sopbot.sqlite3`` (and perhaps a ``.env`` or an
exported ``SOPBOT_NOW``) in the repository; a test that read them would pass or
fail depending on what the developer did before.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_working_directory_is_an_empty_one_of_the_tests_own() -> None:
    here = Path.cwd().resolve()
    assert here != ROOT
    assert ROOT not in here.parents
    assert list(here.iterdir()) == []


def test_no_deployment_setting_reaches_a_test() -> None:
    leaked = [
        name
        for name in os.environ
        if (name.startswith(("SOPBOT_", "TELEGRAM_")) or name == "DATABASE_URL")
        and name != "SOPBOT_REQUIRE_POSTGRES"
    ]
    assert leaked == []


def test_the_default_database_is_not_the_repositorys() -> None:
    from bot.settings import get_settings

    assert get_settings().database_url == "sqlite:///sopbot.sqlite3"
    assert not Path("sopbot.sqlite3").exists()
