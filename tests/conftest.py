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

settings.register_profile(
    "sopbot", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=200
)
settings.load_profile("sopbot")


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts from default settings, whatever the developer's environment says."""
    from bot.settings import get_settings

    for name in ("SOPBOT_TIMEZONE", "SOPBOT_WORK_START", "SOPBOT_WORK_END", "SOPBOT_TRIGGER_HOUR"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def postgres_required() -> bool:
    return os.environ.get("SOPBOT_REQUIRE_POSTGRES") == "1"
