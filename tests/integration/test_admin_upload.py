"""issue 19: a targets workbook sent in the chat, on SQLite and PostgreSQL: a file with a
problem changes nothing, the preview (a rolled-back savepoint) changes nothing but the kept
file and the chat's position, and "Simpan" writes what the preview said."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine as DbEngine

from bot.conversation.state import ADMIN_SLOT, ReviewingUpload
from bot.definitions import load_catalog
from bot.engine import Engine
from bot.imports.targets_template import write_targets_workbook
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.services import admin_upload, conversation
from bot.services.context import Services
from tests.integration.conftest import table_snapshot
from tests.integration.seed004_play import KASUBAG_PERENCANAAN

ROOT = Path(__file__).resolve().parents[2]
ADMIN_CHAT = 990001
KEPT = {"chat_states", "admin_uploads", "audit_events"}
"""What a check may write: the menu's position, the kept file, and (on "Batal") its audit."""


def _services(uow_factory: Callable[[], SqlAlchemyUnitOfWork], slug: str) -> Services:
    with uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        person = uow.orgs.person_by_nip(org.id, KASUBAG_PERENCANAAN)  # type: ignore[union-attr]
        assert person is not None
        person.telegram_user_id = ADMIN_CHAT
        uow.commit()
    catalog = load_catalog([ROOT / "sop_definitions"])
    now = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)
    return Services(uow_factory, catalog, Engine(uow_factory, catalog), clock=lambda: now)


def _workbook(tmp_path: Path, tw4: object) -> bytes:
    path = tmp_path / "target.xlsx"
    write_targets_workbook(path, [], [{"kode": "IWK-02", "tahun": 2026, "tw4": tw4}])
    return path.read_bytes()


def _send(services: Services, content: bytes):  # type: ignore[no-untyped-def]
    item = {"kind": "document", "file_id": "f", "file_name": "target.xlsx", "file_unique_id": "u"}
    return conversation.file_sent(services, ADMIN_CHAT, item, content)


def _data(engine: DbEngine) -> dict[str, list[tuple[object, ...]]]:
    return {k: v for k, v in table_snapshot(engine).items() if k not in KEPT}


def test_checked_previewed_then_saved(
    engine: DbEngine,
    uow_factory: Callable[[], SqlAlchemyUnitOfWork],
    sample_org: str,
    tmp_path: Path,
) -> None:
    services = _services(uow_factory, sample_org)
    before = _data(engine)
    admin_upload.ask_file(services, ADMIN_CHAT, 1)

    bad = _send(services, _workbook(tmp_path, "seratus"))
    assert bad.admin is not None and bad.admin.view == "problems"
    assert _data(engine) == before

    good = _send(services, _workbook(tmp_path, 120))
    assert good.admin is not None and good.admin.view == "changes"
    assert ("diubah", "Target IWK-02 Triwulan IV 2026: 100 → 120") in good.admin.context["changes"]
    assert _data(engine) == before  # the preview wrote nothing
    position = conversation.conversation_of(services, ADMIN_CHAT).at(ADMIN_SLOT)
    assert isinstance(position, ReviewingUpload)

    saved = admin_upload.save(services, ADMIN_CHAT, position.upload_id)
    assert saved.admin is not None and saved.admin.view == "saved"
    with uow_factory() as uow:
        org = uow.orgs.organisation(sample_org)
        indicator = uow.indicators.indicator(org.id, "IWK-02")  # type: ignore[union-attr]
        assert indicator is not None
        tw4 = next(t.value for t in indicator.targets if t.period == "2026-TW4")
        assert tw4 == 120
        assert uow.chats.upload(position.upload_id) is None


def test_batal_leaves_the_data_as_it_was(
    engine: DbEngine,
    uow_factory: Callable[[], SqlAlchemyUnitOfWork],
    sample_org: str,
    tmp_path: Path,
) -> None:
    services = _services(uow_factory, sample_org)
    before = _data(engine)
    admin_upload.ask_file(services, ADMIN_CHAT, 1)
    _send(services, _workbook(tmp_path, 130))
    position = conversation.conversation_of(services, ADMIN_CHAT).at(ADMIN_SLOT)
    assert isinstance(position, ReviewingUpload)
    admin_upload.discard(services, ADMIN_CHAT, position.upload_id)
    assert _data(engine) == before
    assert table_snapshot(engine)["admin_uploads"] == []
