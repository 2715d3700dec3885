"""Does a report file still match the database? Read its stamp, compare digests.

A report file (XLSX, PDF or HTML) carries a stamp (:mod:`bot.reports.provenance`):
which report it is and the SHA-256 of its data, plus each row's short
digest. :func:`read_report_stamp` reads them back; the caller rebuilds the
report from the database (``bot.reports.files.produce``) and :func:`compare`
says whether the data is the same and, row by row, which figures changed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from io import BytesIO

from bot.reports.model import PerformanceReport
from bot.reports.provenance import (
    Stamp,
    changed_rows,
    data_digest,
    parse_rows,
    parse_stamp,
    row_digests,
)


class UnreadableReport(ValueError):
    """Not a report file sopbot made, or one without a stamp."""


@dataclass(frozen=True)
class FileStamp:
    kind: str
    """``xlsx``, ``pdf`` or ``html``."""
    stamp: Stamp
    rows: dict[str, str] = field(default_factory=dict)
    """Row digests by ``UNIT/KODE``; empty when the file does not list them."""


@dataclass(frozen=True)
class Verdict:
    matches: bool
    recorded: str
    current: str
    changed: tuple[str, ...] = ()
    """Rows whose figures (or their provenance) differ, as ``UNIT/KODE``."""
    rows_known: bool = False
    """Whether the file listed its rows' digests (so ``changed`` means something)."""


_META = re.compile(r'<meta\s+name="sopbot-digest"\s+content="([^"]*)"', re.IGNORECASE)
_ROW_ATTRS = re.compile(r'data-key="([^"]+)"\s+data-digest="([0-9a-f]{16})"')


def read_report_stamp(data: bytes) -> FileStamp:
    """The stamp and row digests of a report file; ``UnreadableReport`` when there is none."""
    if data.startswith(b"%PDF"):
        kind, stamp, rows = "pdf", *_read_pdf(data)
    elif data.startswith(b"PK"):
        from bot.reports.provenance_xlsx import read_xlsx_stamp

        try:
            stamp, rows = read_xlsx_stamp(data)
        except Exception as exc:  # openpyxl raises many kinds for a damaged zip
            raise UnreadableReport(f"berkas XLSX tidak dapat dibaca ({exc})") from exc
        kind = "xlsx"
    else:
        kind, stamp, rows = "html", *_read_html(data)
    if stamp is None:
        raise UnreadableReport(
            "tidak ada sidik data sopbot di berkas ini (bukan laporan sopbot, "
            "atau dibuat sebelum laporan memuat sidik data)"
        )
    return FileStamp(kind, stamp, rows)


def compare(recorded: FileStamp, report: PerformanceReport) -> Verdict:
    """The file's digest against the report rebuilt from the database."""
    current = data_digest(report)
    if current == recorded.stamp.sha256:
        return Verdict(True, recorded.stamp.sha256, current, rows_known=bool(recorded.rows))
    changed = changed_rows(recorded.rows, row_digests(report)) if recorded.rows else []
    return Verdict(
        False, recorded.stamp.sha256, current, tuple(changed), rows_known=bool(recorded.rows)
    )


def _read_pdf(data: bytes) -> tuple[Stamp | None, dict[str, str]]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(BytesIO(data))
        meta = reader.metadata or {}
        subject = str(meta.get("/Subject") or "")
        keywords = str(meta.get("/Keywords") or "")
        stamp = parse_stamp(subject)
        if stamp is None:  # metadata stripped (printed to PDF again...): the last page's text
            for page in reversed(reader.pages):
                stamp = parse_stamp(" ".join((page.extract_text() or "").split()))
                if stamp is not None:
                    break
    except (PyPdfError, ValueError, KeyError) as exc:
        raise UnreadableReport(f"berkas PDF tidak dapat dibaca ({exc})") from exc
    return stamp, parse_rows(keywords)


def _read_html(data: bytes) -> tuple[Stamp | None, dict[str, str]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableReport("bukan berkas XLSX, PDF atau HTML") from exc
    meta = _META.search(text)
    stamp = parse_stamp(html.unescape(meta.group(1))) if meta else None
    if stamp is None:
        stamp = parse_stamp(html.unescape(text))
    rows = {key: digest for key, digest in _ROW_ATTRS.findall(text)}
    return stamp, rows
