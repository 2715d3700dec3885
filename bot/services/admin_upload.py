"""issue 19: the targets workbook or the organisation file, sent by an admin in the chat.

The file is checked by the very import the command line runs (``sopbot targets
import`` / ``sopbot org import``): all or nothing, every problem with its
sheet, row and column. A file without problems is imported inside a savepoint
that is rolled back, which gives the exact list of what "Simpan" would change
(new, changed, unchanged) and writes nothing; the file is then kept
(``admin_uploads``), so "Simpan" after a restart still has it. "Simpan" imports
it for real, with the admin as the audit's actor; "Batal" (or /batal) drops it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from bot.conversation.state import AwaitingFile, ReviewingUpload
from bot.conversation.table import Effect, Event, Facts
from bot.imports import ImportFailed
from bot.imports.problems import Location, Problem
from bot.persistence.models import AdminUpload
from bot.services.admin import AdminTurn, AdminView, Choice, admin_turn
from bot.services.context import Services
from bot.services.turn import Outcome

Kind = Literal["targets", "org"]
KINDS: dict[int, Kind] = {1: "targets", 2: "org"}
SUFFIXES: dict[Kind, tuple[str, ...]] = {"targets": (".xlsx",), "org": (".yaml", ".yml", ".xlsx")}
MAX_BYTES = 5 * 1024 * 1024
SHOWN_CHANGES = 8
SHOWN_PROBLEMS = 15


def ask_file(services: Services, user_id: int, kind_number: int) -> Outcome:
    """ "Unggah target" / "Unggah berkas organisasi": the file is awaited (with the blank
    targets template attached, to fill in)."""

    def body(a: AdminTurn) -> AdminView:
        kind = KINDS.get(kind_number)
        step = a.step(Event.UPLOAD)
        if kind is None or step is None:
            return a.stale()
        a.move(step, AwaitingFile(kind=kind))  # a file kept unsaved is dropped
        document = ("templat_target.xlsx", _template()) if kind == "targets" else None
        return AdminView("ask_file", {"kind": kind}, (), step.effects, document)

    return admin_turn(services, user_id, body)


def _template() -> bytes:
    from bot.imports.targets_template import write_targets_workbook

    with tempfile.TemporaryDirectory(prefix="sopbot-template-") as folder:
        path = Path(folder) / "templat_target.xlsx"
        write_targets_workbook(path)
        return path.read_bytes()


def received(a: AdminTurn, name: str, content: bytes | None) -> AdminView:
    """The awaited file: checked and previewed (kept until "Simpan"), or its problems."""
    position = a.position
    assert isinstance(position, AwaitingFile)
    kind = position.kind
    try:
        problem = _unusable(kind, name, content)
        if problem is not None:
            raise ImportFailed([Problem(Location(), None, problem)])
        assert content is not None
        result = _dry_run(a, kind, name, content)
    except ImportFailed as failed:
        step = a.step(Event.FILE_SENT, Facts(understood=False))
        assert step is not None
        return _problems_view(kind, name, failed, step.effects)
    step = a.step(Event.FILE_SENT, Facts(understood=True))
    assert step is not None
    upload = a.uow.chats.add_upload(
        AdminUpload(
            telegram_user_id=a.turn.telegram_user_id,
            organisation_id=a.org.id,
            person_id=a.person_id,
            kind=kind,
            file_name=name,
            content=content,
            created_at=a.now,
        )
    )
    a.move(step, ReviewingUpload(kind=kind, upload_id=upload.id))
    return _changes_view(kind, name, result, upload.id, step.effects)


def _unusable(kind: Kind, name: str, content: bytes | None) -> str | None:
    wanted = " atau ".join(SUFFIXES[kind])
    if not name:  # a photo, or a file Telegram sent without a name
        return f"yang dikirim bukan berkas {wanted}; kirim berkasnya sebagai dokumen (lampiran)"
    if not name.lower().endswith(SUFFIXES[kind]):
        return f"berkas '{name}' bukan {wanted}"
    if content is None or len(content) > MAX_BYTES:
        return f"berkas '{name}' terlalu besar (paling besar {MAX_BYTES // (1024 * 1024)} MB)"
    return None


def _dry_run(a: AdminTurn, kind: Kind, name: str, content: bytes) -> Any:
    """The import's result as if saved; the savepoint is rolled back, nothing is written."""
    savepoint = a.uow.session.begin_nested()
    try:
        return _import(a, kind, name, content)
    finally:
        savepoint.rollback()


def _import(a: AdminTurn, kind: Kind, name: str, content: bytes) -> Any:
    """The command line's import of the file (raises ``ImportFailed``)."""
    with _as_file(name, content) as path:
        if kind == "targets":
            from bot.imports.targets_import import import_targets

            return import_targets(a.uow, path, a.org, actor_id=a.person_id)
        return _import_org(a, path)


def _import_org(a: AdminTurn, path: Path) -> Any:
    from bot.imports.org_file import read_org_file
    from bot.imports.org_import import import_org
    from bot.imports.problems import Problems

    problems = Problems()
    data = read_org_file(path, problems)
    if data.org is not None and data.org.slug and data.org.slug != a.org.slug:
        problems.add(
            data.org.location,
            "slug",
            f"berkas untuk organisasi '{data.org.slug}', bukan '{a.org.slug}' "
            "(organisasi Bapak/Ibu)",
        )
    problems.raise_if_any()
    return import_org(a.uow, data, a.org.slug, actor_id=a.person_id)


@contextmanager
def _as_file(name: str, content: bytes) -> Iterator[Path]:
    """The upload as a file of its own name (the imports read paths and go by the suffix)."""
    safe = Path(name).name or "berkas"
    with tempfile.TemporaryDirectory(prefix="sopbot-upload-") as folder:
        path = Path(folder) / safe
        path.write_bytes(content)
        yield path


def _counts(kind: Kind, result: Any) -> list[tuple[str, Any]]:
    if kind == "targets":
        return [("Indikator", result.indicators), ("Target", result.targets)]
    return [("Unit", result.units), ("Pegawai", result.people), ("Peran", result.roles)]


def _changes_view(
    kind: Kind, name: str, result: Any, upload_id: int, effects: tuple[Effect, ...]
) -> AdminView:
    changes = list(result.changes)
    context = {
        "kind": kind,
        "name": name,
        "counts": _counts(kind, result),
        "changes": changes[:SHOWN_CHANGES],
        "more": max(0, len(changes) - SHOWN_CHANGES),
        "warnings": list(getattr(result, "warnings", []))[:5],
    }
    rows = (
        (
            Choice("Simpan", Event.SAVE_UPLOAD, upload_id),
            Choice("Batal", Event.DISCARD_UPLOAD, upload_id),
        ),
    )
    return AdminView("changes", context, rows, effects)


def _problems_view(
    kind: Kind, name: str, failed: ImportFailed, effects: tuple[Effect, ...]
) -> AdminView:
    problems = [str(p) for p in failed.problems]
    context = {
        "kind": kind,
        "name": name,
        "problems": problems[:SHOWN_PROBLEMS],
        "more": max(0, len(problems) - SHOWN_PROBLEMS),
        "total": len(problems),
    }
    return AdminView("problems", context, (), effects)


def save(services: Services, user_id: int, upload_id: int) -> Outcome:
    """ "Simpan": the kept file imported for real, the admin as the audit's actor."""

    def body(a: AdminTurn) -> AdminView:
        position = a.position
        if not isinstance(position, ReviewingUpload) or position.upload_id != upload_id:
            return a.stale()
        upload = a.uow.chats.upload(upload_id)
        if upload is None:
            return a.stale()
        name, content, kind = upload.file_name, upload.content, position.kind
        a.uow.chats.drop_upload(upload_id)
        savepoint = a.uow.session.begin_nested()  # a failed import leaves nothing behind
        try:
            result = _import(a, kind, name, content)
        except ImportFailed as failed:  # the organisation changed since the check
            savepoint.rollback()
            step = a.step(Event.SAVE_UPLOAD, Facts(saved=False))
            assert step is not None
            a.move(step)
            return _problems_view(kind, name, failed, step.effects)
        savepoint.commit()
        step = a.step(Event.SAVE_UPLOAD, Facts(saved=True))
        assert step is not None
        a.move(step)
        context = {"kind": kind, "name": name, "counts": _counts(kind, result)}
        return AdminView("saved", context, (), step.effects)

    return admin_turn(services, user_id, body)


def discard(services: Services, user_id: int, upload_id: int) -> Outcome:
    """ "Batal": the kept file is dropped; nothing was written."""

    def body(a: AdminTurn) -> AdminView:
        position = a.position
        step = a.step(Event.DISCARD_UPLOAD)
        if step is None or not isinstance(position, ReviewingUpload):
            return a.stale()
        if position.upload_id != upload_id:
            return a.stale()
        a.move(step)  # drops the kept file
        return AdminView("discarded", {"kind": position.kind}, (), step.effects)

    return admin_turn(services, user_id, body)


def text_instead(a: AdminTurn) -> AdminView:
    """Text while a file, or "Simpan"/"Batal", is awaited: say so again."""
    position = a.position
    step = a.step(Event.TEXT_TYPED)
    effects = step.effects if step else ()
    kind = position.kind if isinstance(position, AwaitingFile | ReviewingUpload) else "targets"
    waiting = "file" if isinstance(position, AwaitingFile) else "decision"
    return AdminView("upload_waiting", {"kind": kind, "waiting": waiting}, (), effects)
