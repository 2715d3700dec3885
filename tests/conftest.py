"""Shared test settings.

PostgreSQL tests run when TEST_DATABASE_URL is set; CI also sets
SOPBOT_REQUIRE_POSTGRES=1 so that an unreachable server fails the run
instead of silently skipping those tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests import properties

EXAMPLES = 200
settings.register_profile(
    "sopbot", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=EXAMPLES
)
settings.register_profile(
    "sopbot-quick",
    settings.get_profile("sopbot"),
    max_examples=max(EXAMPLES // properties.QUICK_SHARE, properties.QUICK_MIN),
)
settings.load_profile("sopbot")


def pytest_configure(config: pytest.Config) -> None:
    """The fast tier (``-m "not slow"``) tries fewer examples per property test; the full
    suite, which CI runs, tries them all (tests/properties.py)."""
    if config.getoption("markexpr", "") == "not slow":
        properties.quick = True
        settings.load_profile("sopbot-quick")


# What the test run itself is configured by; every other SOPBOT_* setting is the
# developer's (or a README walkthrough's) and must not leak into a test.
_KEPT = frozenset({"SOPBOT_REQUIRE_POSTGRES"})


def _is_deployment_setting(name: str) -> bool:
    if name in _KEPT:
        return False
    return name.startswith(("SOPBOT_", "TELEGRAM_")) or name == "DATABASE_URL"


@pytest.fixture(autouse=True)
def _isolated_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Every test starts from default settings, whatever the developer's environment says.

    The working directory is an empty one of the test's own: the default SQLite file
    (``./sopbot.sqlite3``) and a ``.env`` left by following the README are never read.
    TEST_DATABASE_URL (the suite's PostgreSQL server) is kept.
    """
    from bot.settings import get_settings

    for name in [name for name in os.environ if _is_deployment_setting(name)]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def postgres_required() -> bool:
    return os.environ.get("SOPBOT_REQUIRE_POSTGRES") == "1"
