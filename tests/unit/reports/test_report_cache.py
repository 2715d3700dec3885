"""Report files by data hash: the report travels to the worker process, the key, the bound."""

from __future__ import annotations

import os
import pickle
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from bot.reports.cache import ReportCache, cache_key
from bot.reports.model import PerformanceReport
from bot.reports.provenance import data_digest
from tests.unit.reports.factory import quarterly_report, yearly_report


def _with_row(report: PerformanceReport, **changes: object) -> PerformanceReport:
    section = report.units[0]
    rows = (replace(section.rows[0], **changes), *section.rows[1:])  # type: ignore[arg-type]
    return replace(report, units=(replace(section, rows=rows), *report.units[1:]))


def test_a_report_pickles_whole_for_the_worker_process() -> None:
    for report in (quarterly_report(), yearly_report()):
        copy = pickle.loads(pickle.dumps(report))
        assert copy == report
        assert data_digest(copy) == data_digest(report)
        assert copy.generated_at.tzinfo is not None


def test_the_key_is_the_data_hash_and_ignores_when_the_report_was_made() -> None:
    report = quarterly_report()
    key = cache_key(report)
    assert key.startswith(data_digest(report) + "-")
    later = replace(report, generated_at=report.generated_at + timedelta(days=3))
    assert cache_key(later) == key


def test_other_data_or_other_printing_is_another_key() -> None:
    report = quarterly_report()
    key = cache_key(report)
    assert cache_key(_with_row(report, realisasi=Decimal(12))) != key
    # the data hash leaves out how a number is printed; the file does not
    precision = _with_row(report, precision=report.units[0].rows[0].precision + 1)
    assert data_digest(precision) == data_digest(report)
    assert cache_key(precision) != key
    assert cache_key(replace(report, title="Laporan lain")) != key


def test_stored_files_come_back_with_their_name_and_type(tmp_path: Path) -> None:
    cache = ReportCache(tmp_path)
    assert cache.get("k", "pdf") is None
    cache.put("k", "pdf", "laporan.pdf", "application/pdf", b"%PDF-1.7\n\x00\n")
    assert cache.get("k", "pdf") == ("laporan.pdf", "application/pdf", b"%PDF-1.7\n\x00\n")
    assert cache.get("k", "xlsx") is None
    (tmp_path / "k.pdf").write_bytes(b"not a header")
    assert cache.get("k", "pdf") is None  # a damaged entry is a miss, not an error


def test_the_directory_keeps_the_most_recently_used_within_its_bound(tmp_path: Path) -> None:
    cache = ReportCache(tmp_path, max_bytes=2_500)
    for n, key in enumerate(("a", "b", "c")):
        cache.put(key, "xlsx", f"{key}.xlsx", "x", b"." * 1_000)
        os.utime(tmp_path / f"{key}.xlsx", (1_000 + n, 1_000 + n))
    assert cache.get("a", "xlsx") is None  # the oldest went when "c" came
    assert cache.get("b", "xlsx") is not None  # and "b" is now the most recently used
    cache.put("d", "xlsx", "d.xlsx", "x", b"." * 1_000)
    assert cache.get("c", "xlsx") is None
    assert {p.name for p in tmp_path.iterdir()} == {"b.xlsx", "d.xlsx"}
