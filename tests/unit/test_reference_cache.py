"""The process's reference rows follow the database's counter (bot.persistence.reference)."""

from __future__ import annotations

from collections.abc import Callable

from bot.persistence.reference import ReferenceCache


def _reader(value: str, calls: list[str]) -> Callable[[], str]:
    def read() -> str:
        calls.append(value)
        return value

    return read


def test_rows_are_read_once_per_version() -> None:
    cache, calls = ReferenceCache(), list[str]()
    assert cache.get(3, "k", _reader("a", calls)) == "a"
    assert cache.get(3, "k", _reader("b", calls)) == "a"
    assert calls == ["a"]


def test_a_newer_version_drops_what_was_kept() -> None:
    cache, calls = ReferenceCache(), list[str]()
    cache.get(3, "k", _reader("a", calls))
    assert cache.get(4, "k", _reader("b", calls)) == "b"
    assert cache.get(4, "k", _reader("c", calls)) == "b"


def test_an_older_snapshot_reads_for_itself_and_keeps_nothing() -> None:
    """A transaction that began before another committed an import must neither see the
    new rows nor leave its old ones for the transactions after the import."""
    cache, calls = ReferenceCache(), list[str]()
    cache.get(5, "k", _reader("new", calls))
    assert cache.get(4, "k", _reader("old", calls)) == "old"
    assert cache.get(5, "k", _reader("again", calls)) == "new"
    assert cache.get(4, "other", _reader("old-other", calls)) == "old-other"
    assert cache.get(5, "other", _reader("new-other", calls)) == "new-other"
