"""Report files kept on disk by the report's data hash, so the same data is not rendered twice.

An entry is one file ``<data sha256>-<variant>.<format>`` in the cache
directory. The data hash is :func:`bot.reports.provenance.data_digest` (what
``sopbot verify`` checks); the *variant* is a short digest of what a file
prints that the data hash leaves out on purpose (titles, the timeliness
sentences, number precision, the legend) and of the rendering code itself, so
a new layout or a changed indicator precision is rendered afresh rather than
served from an older file. The moment the report was generated is not part of
the key: a file served from the cache says when it was first made.

Each entry starts with one line of JSON (the file's name and MIME type), then
the file's bytes; nothing is unpickled from disk. Writes go through a
temporary file and a rename, so a reader never sees half a file. The
directory is bounded: after each write the least recently used entries are
removed until the total is under the limit. Blocking file I/O: it is used in
the report worker process (``bot.reports.worker``), never on the bot's event loop.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from bot.reports.model import PerformanceReport
from bot.reports.provenance import data_digest

_PACKAGE = Path(__file__).resolve().parents[1]
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
DEFAULT_MAX_BYTES = 256 * 1024 * 1024


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the ``bot`` package's files (code, templates, fonts): a deploy that changes
    any of them starts a fresh generation of cached files."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(_PACKAGE)).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def cache_key(report: PerformanceReport) -> str:
    """``<data sha256>-<variant>``: see the module doc."""
    printed = (
        repr(replace(report, units=(), generated_at=_EPOCH)),
        [
            (u.code, u.timeliness, repr(u.summary), [(r.sasaran, r.precision) for r in u.rows])
            for u in report.units
        ],
        code_fingerprint(),
    )
    variant = hashlib.sha256(repr(printed).encode("utf-8")).hexdigest()[:16]
    return f"{data_digest(report)}-{variant}"


def default_directory() -> Path:
    """``<temp>/sopbot-laporan-<uid>``, private to this user (else a fresh private directory)."""
    directory = Path(tempfile.gettempdir()) / f"sopbot-laporan-{os.getuid()}"
    try:
        directory.mkdir(mode=0o700, exist_ok=True)
        info = directory.stat()
        if info.st_uid == os.getuid() and not info.st_mode & 0o077:
            return directory
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix="sopbot-laporan-"))


class ReportCache:
    """Rendered report files by (cache key, format) in ``directory``, at most ``max_bytes``."""

    def __init__(self, directory: Path | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._directory = directory
        self.max_bytes = max_bytes

    @property
    def directory(self) -> Path:
        if self._directory is None:
            self._directory = default_directory()
        self._directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self._directory

    def _path(self, key: str, fmt: str) -> Path:
        return self.directory / f"{key}.{fmt}"

    def get(self, key: str, fmt: str) -> tuple[str, str, bytes] | None:
        """(file name, MIME type, bytes) stored for ``key`` and ``fmt``, or None."""
        path = self._path(key, fmt)
        try:
            content = path.read_bytes()
            os.utime(path)  # recently used: evicted last
        except OSError:
            return None
        header, sep, data = content.partition(b"\n")
        try:
            meta = json.loads(header)
            name, mime = str(meta["name"]), str(meta["mime"])
        except (ValueError, KeyError, TypeError):
            return None
        return (name, mime, data) if sep else None

    def put(self, key: str, fmt: str, name: str, mime: str, data: bytes) -> None:
        """Store one file, then remove the least recently used entries beyond the limit."""
        header = json.dumps({"name": name, "mime": mime}, ensure_ascii=True).encode() + b"\n"
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(header)
                out.write(data)
            os.replace(temporary, self._path(key, fmt))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        self.trim()

    def trim(self) -> None:
        entries = []
        for path in self.directory.iterdir():
            if path.name.startswith(".part-"):
                continue
            with contextlib.suppress(OSError):
                info = path.stat()
                entries.append((info.st_mtime, info.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda entry: entry[0]):
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
