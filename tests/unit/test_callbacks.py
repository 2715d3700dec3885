import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.telegram.callbacks import Action, Callback, decode, pattern


@given(st.sampled_from(Action), st.integers(0, 10**12 - 1), st.none() | st.integers(0, 10**12 - 1))
def test_round_trip_within_telegram_limit(action: Action, task: int, argument: int | None) -> None:
    callback = Callback(action, task, argument)
    data = callback.encode()
    assert len(data.encode()) <= 64
    assert decode(data) == callback


@pytest.mark.parametrize(
    "data", [None, "", "o", "o:", "Z:1", "9:1", "o:x", "o:1:2:3", "oo:1", " o:1"]
)
def test_foreign_data_is_refused(data: str | None) -> None:
    assert decode(data) is None


def test_pattern_matches_only_its_actions() -> None:
    import re

    regex = re.compile(pattern(Action.APPROVE, Action.RETURN))
    assert regex.match("a:1") and regex.match("k:2")
    assert not regex.match("o:1")
