"""Reports are made outside the update: /laporan answers at once, the files follow.

The render runs in the worker process with a test render (``report_hooks``)
that waits for a gate file, so each test decides how long "rendering" takes
and checks what the bot does meanwhile: it answers other users, its outbox
pass returns, and nothing is sent twice.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import pytest

from bot.definitions import load_catalog
from bot.engine import Engine
from bot.fakebotapi import FakeBotApi
from bot.fakebotapi.records import StoredMessage
from bot.fakebotapi.users import FakeUser
from bot.persistence.db import make_engine
from bot.persistence.migrate import upgrade
from bot.persistence.models import Organisation, Person
from bot.persistence.uow import make_uow_factory
from bot.reports.worker import ReportMaker
from bot.services.context import Services
from bot.settings import get_settings
from bot.simulate.setup import import_sample
from bot.telegram.outbox import dispatch_pending
from tests.e2e.report_hooks import failing_render, gated_render
from tests.e2e.sopbot_app import Running, running_sopbot
from tests.integration.conftest import (
    PostgresDatabases,
    pg_databases,  # noqa: F401  (the fixture)
)
from tests.integration.engine_helpers import Clock
from tests.integration.seed004_play import KASUBAG_PERENCANAAN, play_quarter

ORG = "contoh-kesbangpol-jeneponto"
KABID_IWK, ANALIS_IWK, KABID_PDN = (
    "999900000000000002",
    "999900000000000004",
    "999900000000000005",
)
FILE_WAIT = 60.0  # seconds: a cold worker process imports the renderers first


def _is_file(message: StoredMessage) -> bool:
    return "document" in message.json or "photo" in message.json


def _files(user: FakeUser) -> list[StoredMessage]:
    return [m for m in user.messages() if _is_file(m)]


def _gated(bot: Running, tmp_path: Path) -> Path:
    """Renders wait for the returned gate file; the services' maker is replaced."""
    gate = tmp_path / "render-gate"
    bot.services.reports.close()
    bot.services.reports = ReportMaker(tmp_path / "cache", render=partial(gated_render, str(gate)))
    return gate


async def _ask_report(user: FakeUser, unit_label: str) -> StoredMessage:
    """/laporan, Triwulan III 2026, then the unit; returns the menu message."""
    await user.send_command("/laporan")
    menu = await user.wait_for_message()
    await user.press(menu, "Triwulan III 2026")
    units = await user.wait_for_edit(menu)
    labels = [b["text"] for row in units.reply_markup["inline_keyboard"] for b in row]
    await user.press(units, next(label for label in labels if label.startswith(unit_label)))
    return menu


async def test_laporan_answers_at_once_and_others_are_served_while_it_renders(
    bot: Running, tmp_path: Path
) -> None:
    gate = _gated(bot, tmp_path)
    kabid = await bot.join(7101, "kabid", KABID_IWK)
    analis = await bot.join(7102, "analis", ANALIS_IWK)
    play_quarter(bot.services.engine, bot.services.uow_factory, ORG, "2026-TW3", bot.clock)

    menu = await _ask_report(kabid, "BID-IWK")
    preparing = await kabid.wait_for_edit(menu, edits=2)  # answered with the render held
    assert "Laporan sedang disiapkan" in preparing.text

    await analis.send_command("/tugas")  # another user, while the report is being made
    answer = await analis.wait_for_message()
    assert answer.text and "tugas" in answer.text.lower()
    assert not _files(kabid)

    gate.touch()
    files = [await kabid.wait_for_message(_is_file, timeout=FILE_WAIT) for _ in range(3)]
    assert [m.json.get("document", {}).get("file_name") for m in files] == [
        "laporan-kinerja-2026-TW3-BID-IWK.xlsx",
        "laporan-kinerja-2026-TW3-BID-IWK.pdf",
        None,  # the chart, as a photo
    ]
    done = await kabid.wait_for_edit(menu, edits=3)
    assert "Laporan terkirim" in done.text
    assert bot.services.reports.renders == 3


async def test_the_same_data_is_sent_from_the_cache(bot: Running, tmp_path: Path) -> None:
    _gated(bot, tmp_path).touch()  # no wait: only the count matters here
    kabid = await bot.join(7111, "kabid", KABID_IWK)
    play_quarter(bot.services.engine, bot.services.uow_factory, ORG, "2026-TW3", bot.clock)

    for asked in (1, 2):
        menu = await _ask_report(kabid, "BID-IWK")
        for _ in range(3):
            await kabid.wait_for_message(_is_file, timeout=FILE_WAIT)
        await kabid.wait_for_edit(menu, edits=3)
        assert bot.services.reports.renders == 3, f"request {asked}"
    assert bot.services.reports.hits == 3
    first, second = _files(kabid)[:3], _files(kabid)[3:]
    contents = bot.api.bot_state().files
    for a, b in zip(first, second, strict=True):
        media_a = a.json.get("document") or a.json["photo"][-1]
        media_b = b.json.get("document") or b.json["photo"][-1]
        assert contents[media_a["file_id"]].content == contents[media_b["file_id"]].content


async def test_a_failed_render_is_told_to_the_member(bot: Running, tmp_path: Path) -> None:
    bot.services.reports.close()
    bot.services.reports = ReportMaker(tmp_path / "cache", render=failing_render)
    kabid = await bot.join(7121, "kabid", KABID_IWK)
    play_quarter(bot.services.engine, bot.services.uow_factory, ORG, "2026-TW3", bot.clock)

    menu = await _ask_report(kabid, "BID-IWK")
    told = await kabid.wait_for_message(timeout=FILE_WAIT)
    assert "gagal dibuat" in told.text and "/laporan" in told.text
    assert "Triwulan III 2026" in told.text
    edited = await kabid.wait_for_edit(menu, edits=3)
    assert "gagal dibuat" in edited.text  # the status message no longer says "disiapkan"
    assert not _files(kabid)


async def test_the_completion_report_is_made_once_outside_the_pass_and_sent_once_each(
    bot: Running, tmp_path: Path
) -> None:
    gate = _gated(bot, tmp_path)
    kasubag = await bot.join(7131, "kasubag_perencanaan", KASUBAG_PERENCANAAN, unit="SUBAG-PRC")
    second_admin = await bot.join(7132, "kabid", KABID_PDN, unit="BID-PDN")
    with bot.services.uow_factory() as uow:  # two recipients of the report: the admins
        org = uow.session.query(Organisation).filter_by(slug=ORG).one()
        org.admins.append(uow.session.query(Person).filter_by(nip=KABID_PDN).one())
        uow.commit()
    play_quarter(bot.services.engine, bot.services.uow_factory, ORG, "2026-TW3", bot.clock)

    started = time.monotonic()
    await dispatch_pending(bot.application.bot, bot.services)  # the pass does not wait for it
    assert time.monotonic() - started < 5
    assert not _files(kasubag) and not _files(second_admin)

    gate.touch()
    for user in (kasubag, second_admin):
        files = [await user.wait_for_message(_is_file, timeout=FILE_WAIT) for _ in range(3)]
        names = [m.json["document"]["file_name"] for m in files if "document" in m.json]
        assert names == ["laporan-kinerja-2026-TW3.xlsx", "laporan-kinerja-2026-TW3.pdf"]
    assert bot.services.reports.renders == 3  # once for both recipients

    before = len(kasubag.messages()) + len(second_admin.messages())
    await dispatch_pending(bot.application.bot, bot.services)
    await dispatch_pending(bot.application.bot, bot.services)
    assert len(kasubag.messages()) + len(second_admin.messages()) == before
    with bot.services.uow_factory() as uow:
        assert not uow.audit.pending_events()


async def test_a_completion_report_that_cannot_be_made_is_told_once(
    bot: Running, tmp_path: Path
) -> None:
    bot.services.reports.close()
    bot.services.reports = ReportMaker(tmp_path / "cache", render=failing_render)
    kasubag = await bot.join(7141, "kasubag_perencanaan", KASUBAG_PERENCANAAN, unit="SUBAG-PRC")
    play_quarter(bot.services.engine, bot.services.uow_factory, ORG, "2026-TW3", bot.clock)
    await dispatch_pending(bot.application.bot, bot.services)

    told = await kasubag.wait_for_message(lambda m: "gagal dibuat" in m.text, timeout=FILE_WAIT)
    assert "Triwulan III 2026" in told.text and "/laporan" in told.text
    before = len(kasubag.messages())
    await dispatch_pending(bot.application.bot, bot.services)
    assert len(kasubag.messages()) == before and not _files(kasubag)
    with bot.services.uow_factory() as uow:
        assert not uow.audit.pending_events()  # told, not retried for ever


@pytest.fixture
async def pg_report_bot(
    pg_databases: PostgresDatabases,  # noqa: F811
    fake_api: FakeBotApi,
    tmp_path: Path,
) -> AsyncIterator[Running]:
    """The real sopbot on a PostgreSQL database of its own: the worker reads it itself."""
    url = pg_databases.create()
    upgrade(url)
    db = make_engine(url)
    uow_factory = make_uow_factory(db)
    import_sample(uow_factory)
    catalog = load_catalog([get_settings().definitions_dir])
    clock = Clock()
    services = Services(
        uow_factory,
        catalog,
        Engine(uow_factory, catalog),
        db=db,
        clock=lambda: clock.now,
        reports=ReportMaker(tmp_path / "cache"),
    )
    async with running_sopbot(fake_api, services, clock) as running:
        yield running


@pytest.mark.postgres
async def test_the_worker_reads_a_postgresql_database_itself(pg_report_bot: Running) -> None:
    bot = pg_report_bot
    kabid = await bot.join(7151, "kabid", KABID_IWK)
    play_quarter(bot.services.engine, bot.services.uow_factory, ORG, "2026-TW3", bot.clock)

    menu = await _ask_report(kabid, "BID-IWK")
    files = [await kabid.wait_for_message(_is_file, timeout=FILE_WAIT) for _ in range(3)]
    assert files[0].json["document"]["file_name"] == "laporan-kinerja-2026-TW3-BID-IWK.xlsx"
    assert "Triwulan III 2026" in files[0].text  # the caption, made in the worker
    done = await kabid.wait_for_edit(menu, edits=3)
    assert "Laporan terkirim" in done.text
