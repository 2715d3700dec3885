"""The pinned completeness board in the office group, through the real bot and the fake Bot API.

The tests run the board pass themselves (``refresh_boards``) after moving the
clock, as the bot's job does every few seconds.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from telegram.ext import AIORateLimiter

from bot import app
from bot.engine import Engine
from bot.fakebotapi import FakeBotApi
from bot.fakebotapi.users import FakeGroup
from bot.persistence.db import make_engine
from bot.persistence.models import GroupChat, Organisation
from bot.persistence.uow import make_uow_factory
from bot.services.context import Services
from bot.simulate import setup
from bot.telegram.board import BoardKeeper, keeper_of, refresh_boards
from tests.e2e.sopbot_app import Running, open_sample_services, running_sopbot
from tests.integration.engine_helpers import Clock, fill_all, single_task

ORG = "contoh-kesbangpol-jeneponto"
SOP = "kesbangpol-jeneponto-pengumpulan-data-kinerja"
ADMIN = "999900000000000001"  # the Kasubag Perencanaan, the sample organisation's admin
KABID, KASUBID, ANALIS = "999900000000000002", "999900000000000003", "999900000000000004"
GROUP = -1001234


@pytest.fixture(autouse=True)
def quick_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot's limiter spaces a group's messages 3 s apart (20 a minute); these tests
    check the board's own debounce and budget, so the spacing is cut to 10 ms."""
    quick = lambda: AIORateLimiter(group_max_rate=1, group_time_period=0.01)  # noqa: E731
    monkeypatch.setattr(app, "_rate_limiter", quick)


async def _register(bot: Running) -> FakeGroup:
    admin = await bot.join(9001, "kasubag_perencanaan", ADMIN, unit="SUBAG-PRC")
    group = bot.api.group(GROUP, "Kesbangpol Jeneponto")
    await admin.send_command("/daftargrup", chat=group)
    await group.wait_for_message(lambda m: "terdaftar" in (m.text or ""))
    return group


def _start(bot: Running) -> None:
    bot.services.engine.start_run(
        SOP, ORG, "2026-TW3", now=bot.clock.now, units=["BID-IWK", "BID-PDN"]
    )


async def _pass(bot: Running, keeper: BoardKeeper, seconds: int = 0, **delta: int) -> int:
    bot.clock.advance(seconds=seconds, **delta)
    return await refresh_boards(bot.application.bot, bot.services, keeper)


def _boards(bot: Running) -> list:
    return [m for m in bot.api.sent(GROUP) if "Papan Kelengkapan" in (m.text or "")]


def _iwk(text: str) -> str:
    """The BID-IWK row of the board."""
    return next(line for line in text.splitlines() if "Bidang Ideologi" in line)


class Work:
    """BID-IWK's people moving SOP 004 on, as the engine sees them."""

    def __init__(self, bot: Running) -> None:
        self.bot, self.engine = bot, bot.services.engine
        self.kabid, self.kasubid, self.analis = (bot.person_id(n) for n in (KABID, KASUBID, ANALIS))

    def task(self, person: int, step: int) -> int:
        return single_task(self.engine, person, self.bot.clock.now, step)

    def up_to_draft(self) -> None:
        now = self.bot.clock.now
        self.engine.complete_task(self.task(self.kabid, 1), self.kabid, now=now)
        self.engine.complete_task(self.task(self.kasubid, 2), self.kasubid, now=now)
        fill_all(self.engine, self.task(self.analis, 3), self.analis, now)

    def submit(self) -> None:
        now = self.bot.clock.now
        self.engine.complete_task(self.task(self.analis, 3), self.analis, now=now)
        self.engine.complete_task(self.task(self.kasubid, 4), self.kasubid, now=now)

    def decide(self, approve: bool) -> None:
        reason = None if approve else "Periksa lagi"
        task = self.task(self.kabid, 5)
        self.engine.decide(task, self.kabid, approve=approve, reason=reason, now=self.bot.clock.now)


async def test_only_an_admin_registers_the_group(bot: Running) -> None:
    group = bot.api.group(GROUP, "Kesbangpol Jeneponto")
    stranger = bot.api.user(9100, "Tamu")
    await stranger.send_command("/daftargrup", chat=group)
    assert "belum terdaftar di sopbot" in (await group.wait_for_message()).text
    kabid = await bot.join(9002, "kabid", KABID)
    await kabid.send_command("/daftargrup", chat=group)
    assert "hanya admin" in (await group.wait_for_message()).text
    admin = await bot.join(9001, "kasubag_perencanaan", ADMIN, unit="SUBAG-PRC")
    await admin.send_command("/daftargrup")  # in the private chat
    assert "di grup kantor" in (await admin.wait_for_message()).text
    with bot.services.uow_factory() as uow:
        assert uow.oversight.group(GROUP) is None

    await admin.send_command("/daftargrup", chat=group)
    reply = (await group.wait_for_message()).text
    assert "Grup Kesbangpol Jeneponto terdaftar" in reply
    admin_id = bot.person_id(ADMIN)
    with bot.services.uow_factory() as uow:
        registered = uow.oversight.group(GROUP)
        assert registered is not None and registered.active
        assert registered.registered_by_id == admin_id
    assert _boards(bot) == []  # no run yet: nothing to show

    # One chat, one organisation: another organisation's group is not taken over.
    with bot.services.uow_factory() as uow:
        other = Organisation(slug="lain", name="Dinas Lain")
        uow.orgs.add(other)
        uow.orgs.flush()
        uow.oversight.add(GroupChat(organisation_id=other.id, chat_id=-1009999, title="Lain"))
        uow.commit()
    theirs = bot.api.group(-1009999, "Lain")
    await admin.send_command("/daftargrup", chat=theirs)
    assert "organisasi lain" in (await theirs.wait_for_message()).text


async def test_one_pinned_board_follows_the_work(bot: Running) -> None:
    group = await _register(bot)
    keeper = keeper_of(bot.application)  # shared with /daftargrup's own pass, as in the bot
    _start(bot)
    assert await _pass(bot, keeper) == 1
    [board] = _boards(bot)
    assert group.pinned == [board.message_id]
    assert "Triwulan III 2026 (berjalan)" in board.text
    assert "belum mulai" in _iwk(board.text) and "2 belum mulai" in board.text
    assert "batas Senin, 12 Oktober 2026 08.15 WITA" in board.text

    work = Work(bot)
    work.up_to_draft()
    assert await _pass(bot, keeper, 10) == 1
    assert "sedang diisi" in _iwk(board.text)
    work.submit()
    assert await _pass(bot, keeper, 10) == 1
    assert "diajukan" in _iwk(board.text)
    work.decide(approve=False)
    assert await _pass(bot, keeper, 10) == 1
    assert "dikembalikan (putaran 2)" in _iwk(board.text)
    # The correction (1 Hari) is not done: a working day and two hours later it is late.
    assert await _pass(bot, keeper, hours=26) == 1
    assert "dikembalikan (putaran 2) — terlambat" in _iwk(board.text)
    assert "2 terlambat" in board.text  # BID-PDN has not even started
    fill_all(work.engine, work.task(work.kasubid, 4), work.kasubid, bot.clock.now)
    work.engine.complete_task(work.task(work.kasubid, 4), work.kasubid, now=bot.clock.now)
    work.decide(approve=True)
    assert await _pass(bot, keeper, 10) == 1
    assert "disetujui" in _iwk(board.text) and "terlambat" not in _iwk(board.text)
    assert "1 belum mulai · 1 disetujui" in board.text

    # Always the same message, edited in place, and still the pinned one.
    assert _boards(bot) == [board] and len(board.history) == 5
    assert group.pinned == [board.message_id]
    with bot.services.uow_factory() as uow:
        [row] = uow.oversight.boards_of_group(uow.oversight.group(GROUP).id)  # type: ignore[union-attr]
        assert (row.message_id, row.pinned, row.dirty) == (board.message_id, True, False)


async def test_changes_within_the_interval_make_one_edit(bot: Running) -> None:
    await _register(bot)
    keeper = keeper_of(bot.application)  # shared with /daftargrup's own pass, as in the bot
    _start(bot)
    await _pass(bot, keeper)
    [board] = _boards(bot)
    assert await _pass(bot, keeper, 30) == 0  # nothing changed: no edit
    assert board.history == []

    work = Work(bot)
    work.up_to_draft()
    assert await _pass(bot, keeper, 1) == 1  # the first change after a quiet spell: at once
    work.submit()
    assert await _pass(bot, keeper, 3) == 0  # within 10 s of the last edit: waits
    work.decide(approve=False)
    assert await _pass(bot, keeper, 3) == 0
    with bot.services.uow_factory() as uow:
        assert uow.oversight.boards_of_group(uow.oversight.group(GROUP).id)[0].dirty  # type: ignore[union-attr]
    assert await _pass(bot, keeper, 4) == 1  # both changes in one edit
    assert len(board.history) == 2
    assert "dikembalikan" in _iwk(board.text) and "diajukan" not in _iwk(board.text)


async def test_the_group_budget_holds_back_edits(bot: Running) -> None:
    await _register(bot)
    keeper = keeper_of(bot.application)
    keeper.min_interval, keeper.budget.per_window = timedelta(0), 2
    _start(bot)
    assert await _pass(bot, keeper) == 1
    Work(bot).up_to_draft()
    assert await _pass(bot, keeper, 1) == 1
    Work(bot).submit()
    assert await _pass(bot, keeper, 1) == 0  # two board messages this minute already
    assert await _pass(bot, keeper, 60) == 1


async def test_a_restarted_bot_edits_the_same_message(fake_api: FakeBotApi, tmp_path: Path) -> None:
    clock = Clock()
    first = open_sample_services(tmp_path, clock)
    async with setup.running_bot(fake_api.url, fake_api.token, first) as application:
        bot = Running(fake_api, application, first, clock)
        group = await _register(bot)
        _start(bot)
        await _pass(bot, keeper_of(application))
        Work(bot).up_to_draft()
    url = str(first.db.url)  # type: ignore[union-attr]
    first.close()

    db = make_engine(url)  # a new process: nothing but the database carries over
    uow_factory = make_uow_factory(db)
    second = Services(
        uow_factory,
        first.catalog,
        Engine(uow_factory, first.catalog),
        db=db,
        clock=lambda: clock.now,
    )
    async with running_sopbot(fake_api, second, clock) as bot:
        assert await _pass(bot, keeper_of(bot.application), 10) == 1
        [board] = _boards(bot)
        assert "sedang diisi" in _iwk(board.text) and len(board.history) == 1
        assert group.pinned == [board.message_id]


async def test_a_deleted_board_is_posted_and_pinned_again(bot: Running) -> None:
    group = await _register(bot)
    keeper = keeper_of(bot.application)  # shared with /daftargrup's own pass, as in the bot
    _start(bot)
    await _pass(bot, keeper)
    [old] = _boards(bot)
    await group.delete(old)
    Work(bot).up_to_draft()
    assert await _pass(bot, keeper, 10) == 1
    new = _boards(bot)[-1]
    assert new.message_id != old.message_id and not new.deleted
    assert "sedang diisi" in _iwk(new.text)
    assert group.pinned == [new.message_id]
    with bot.services.uow_factory() as uow:
        [row] = uow.oversight.boards_of_group(uow.oversight.group(GROUP).id)  # type: ignore[union-attr]
        assert row.message_id == new.message_id and row.pinned


async def test_a_bot_removed_from_the_group_stops_posting_there(bot: Running) -> None:
    group = await _register(bot)
    keeper = keeper_of(bot.application)  # shared with /daftargrup's own pass, as in the bot
    _start(bot)
    await _pass(bot, keeper)
    await group.remove_bot()
    Work(bot).up_to_draft()
    assert await _pass(bot, keeper, 10) == 0  # a 403, handled
    with bot.services.uow_factory() as uow:
        assert not uow.oversight.group(GROUP).active  # type: ignore[union-attr]
    edits = bot.api.stats()["requests"].get("editMessageText", 0)
    Work(bot).submit()
    assert await _pass(bot, keeper, 10) == 0
    assert bot.api.stats()["requests"].get("editMessageText", 0) == edits  # not even tried
