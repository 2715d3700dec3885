"""One scheduler across processes: a PostgreSQL advisory lock, taken over when the leader dies."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from bot.scheduling.leader import Leadership
from tests.integration.conftest import BACKENDS

HOLD = """
import sys, time
from bot.scheduling.leader import Leadership
lead = Leadership(sys.argv[1])
print("leader" if lead.acquire() else "follower", flush=True)
time.sleep(120)
"""


@pytest.mark.parametrize("backend", [BACKENDS[1]], indirect=True)
def test_one_leader_and_a_take_over_when_it_is_killed(db_url: str) -> None:
    leader = subprocess.Popen(
        [sys.executable, "-c", HOLD, db_url], stdout=subprocess.PIPE, text=True
    )
    try:
        assert leader.stdout is not None and leader.stdout.readline().strip() == "leader"
        second = Leadership(db_url)
        assert second.acquire() is False  # a second process does not lead
        leader.kill()  # kill -9: no clean release
        leader.wait(timeout=10)
        deadline = time.monotonic() + 60
        while not second.acquire():
            assert time.monotonic() < deadline, "nobody took over within a minute"
            time.sleep(0.2)
        assert second.held
        third = Leadership(db_url)
        assert third.acquire() is False
        second.release()
        assert third.acquire() is True
        third.release()
    finally:
        if leader.poll() is None:
            leader.kill()


@pytest.mark.parametrize("backend", [BACKENDS[0]], indirect=True)
def test_sqlite_has_one_process_and_it_leads(db_url: str) -> None:
    assert Leadership(db_url).acquire() is True
