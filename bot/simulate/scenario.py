"""One quarter of SOP 004 played through the real bot, the fake Bot API standing in for phones.

Everything a person reads comes from the real Application: notices, task
cards, the guided input, the review. The scenario only does what each person
would do (open the invite link, press a button, type a figure) at simulated
times; the clock moves between their actions.
"""

from __future__ import annotations

import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory
from zoneinfo import ZoneInfo

from telegram.ext import AIORateLimiter, Application

from bot.domain.schedules import next_firings
from bot.engine.context import calendar_of
from bot.fakebotapi import FakeBotApi
from bot.fakebotapi.records import StoredMessage
from bot.fakebotapi.users import FakeUser
from bot.imports.invites import create_invite
from bot.persistence.models import MeasurementState
from bot.services.context import Services
from bot.simulate import admin_scene, bulk
from bot.simulate.setup import SAMPLE_SLUG, open_sample_services, running_bot
from bot.simulate.transcript import format_chat, format_versions, write_transcripts
from bot.telegram.board import keeper_of, refresh_boards
from bot.telegram.outbox import dispatch_pending
from bot.telegram.reminders import send_due_reminders

SOP = "kesbangpol-jeneponto-pengumpulan-data-kinerja"
UNIT = "BID-IWK"
ZONE = ZoneInfo("Asia/Makassar")
REPORT_WAIT = 120.0
"""Seconds to wait for each report file (the first report imports the render libraries)."""
# The people of the sample organisation who act (role, NIP, Telegram id).
CAST = {
    "kabid": ("kabid", "999900000000000002", 910002),
    "kasubid": ("kasubid", "999900000000000003", 910003),
    "analis": ("analis", "999900000000000004", 910004),
    "kasubag": ("kasubag_perencanaan", "999900000000000001", 910001),
}
# What the analyst types for BID-IWK's five indicators (targets: 82,5 %, 150 orang,
# 3 kegiatan, 1 dokumen, 68 indeks), and the Kasubid's correction after the return.
FIGURES = {"IWK-01": "82,5%", "IWK-02": "142", "IWK-03": "3", "IWK-04": "1", "IWK-05": "70,4"}
CORRECTED = ("IWK-02", "148")
# Last quarter's approved IWK-02 (TW II): 40 orang. The analyst's 142 is 3,6 times
# that, beyond the default jump factor of 3, so the bot asks to confirm it.
PREVIOUS = ("IWK-02", "2026-TW2", Decimal(40))
CONFIRM_CONCERN = "Ya, nilai ini benar"
PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + struct.pack(">II", 1280, 960) + b"\x00" * 40
"""The analyst's evidence: a photo of the attendance list (only its header matters here)."""
# The office's Telegram group, where the admin (the Kasubag Perencanaan) registers the board.
GROUP = (-1001000, "Kesbangpol Jeneponto")
Scene = Callable[["Stage"], Awaitable[None]]
SCENES: tuple[Scene, ...] = (
    # Played in this order after everyone joined, before the quarter's trigger; one line each.
    admin_scene.play,  # issue 19: invites made in the chat, targets uploaded and saved
)


@dataclass
class SimClock:
    now: datetime

    def at(self, day: int, hour: int, minute: int = 0) -> None:
        self.now = self.now.replace(day=day, hour=hour, minute=minute)


@dataclass
class Stage:
    api: FakeBotApi
    application: Application
    services: Services
    clock: SimClock
    people: dict[str, FakeUser] = field(default_factory=dict)

    async def deliver(self) -> None:
        """What the engine decided goes out now, and the group's board follows (the bot
        also does these every 2 and 5 s)."""
        await dispatch_pending(self.application.bot, self.services)
        await refresh_boards(self.application.bot, self.services, keeper_of(self.application))


def _has(text: str) -> Callable[[StoredMessage], bool]:
    return lambda message: text in message.text


def _button(text: str) -> Callable[[StoredMessage], bool]:
    return lambda message: any(text in b.text for row in message.buttons for b in row)


async def _join(stage: Stage, key: str) -> None:
    role, nip, user_id = CAST[key]
    with stage.services.uow_factory() as uow:
        org = uow.orgs.organisation(SAMPLE_SLUG)
        assert org is not None
        unit = UNIT if role != "kasubag_perencanaan" else "SUBAG-PRC"
        code = create_invite(
            uow, org, role_key=role, unit_code=unit, person_ref=nip, days=7, now=stage.clock.now
        ).code
        uow.commit()
    with stage.services.uow_factory() as uow:
        person = uow.orgs.person_by_nip(org.id, nip)
        name = person.name.split()[0] if person else key
    user = stage.api.user(user_id, name)
    await user.send_command("/start", code)
    await user.wait_for_message(_has("Selamat datang"))
    stage.people[key] = user


async def _open_latest_task(user: FakeUser, step_text: str) -> StoredMessage:
    notice = await user.wait_for_message(_has(step_text))
    await user.press(notice, "Buka tugas")
    return await user.wait_for_message(_has(step_text))


async def _finish_plain(user: FakeUser, step_text: str) -> None:
    card = await _open_latest_task(user, step_text)
    await user.press(card, "Selesai")
    await user.wait_for_edit(card)


def _record_previous_quarter(services: Services) -> None:
    """TW II's figure, as the previous quarter's run left it (approved)."""
    code, period, value = PREVIOUS
    with services.uow_factory() as uow:
        org = uow.orgs.organisation(SAMPLE_SLUG)
        assert org is not None
        indicator = uow.indicators.indicator(org.id, code)
        assert indicator is not None
        uow.work.record_measurement(
            indicator.id, period, value=value, entered_by_id=None, state=MeasurementState.APPROVED
        )
        uow.commit()


async def play_quarter(stage: Stage) -> None:
    """From the trigger on 10 October 2026 (a Saturday) to SELESAI on Monday 19 October."""
    clock, engine = stage.clock, stage.services.engine
    for key in CAST:
        await _join(stage, key)
    await _register_group(stage)
    for scene in SCENES:
        await scene(stage)

    # The trigger: "setiap tanggal 10 awal Triwulan", moved to Monday 12 October 08.00.
    definition = stage.services.catalog.get(SOP).definition
    with stage.services.uow_factory() as uow:
        org = uow.orgs.organisation(SAMPLE_SLUG)
        assert org is not None
        calendar = calendar_of(org)
    firing = next_firings(
        definition.triggers[0],
        calendar,
        after=clock.now,
        count=1,
        default_time=time(8, 0),
        frequency=definition.frequency,
    )[0]
    clock.now = firing.at
    _record_previous_quarter(stage.services)
    engine.start_run(SOP, SAMPLE_SLUG, str(firing.period), now=clock.now, units=[UNIT])
    await stage.deliver()

    kabid, kasubid, analis, kasubag = (stage.people[k] for k in CAST)
    clock.at(12, 8, 10)
    await _finish_plain(kabid, "Langkah 1")  # the Kabid assigns the Kasubid
    await stage.deliver()
    clock.at(12, 8, 40)
    await _finish_plain(kasubid, "Langkah 2")  # the Kasubid orders the analyst
    await stage.deliver()
    clock.at(12, 10, 0)
    card = await _open_latest_task(analis, "Langkah 3")  # the analyst's figures
    # issue 16: all five in one message, then the task's evidence once
    await bulk.enter_at_once(analis, card, FIGURES, evidence=PHOTO)
    await stage.deliver()
    clock.at(13, 9, 0)  # the morning after: the reminder sweep reminds the Kasubid
    await send_due_reminders(stage.application.bot, stage.services)
    reminder = await kasubid.wait_for_message(_has("Pengingat"))
    await kasubid.press(reminder, "Buka tugas")  # a reminder opens the same task card
    card = await kasubid.wait_for_message(_has("Langkah 4"))  # the Kasubid's report
    await kasubid.press(card, "Ajukan")
    await kasubid.wait_for_message(_has("telah dikirim"))
    await stage.deliver()

    clock.at(13, 9, 45)  # the Kabid returns it, naming IWK-02
    card = await _open_latest_task(kabid, "Langkah 5")
    await kabid.press(card, "Kembalikan")
    await kabid.wait_for_message(_has("alasan"))
    tick = next(b.text for row in card.buttons for b in row if CORRECTED[0] in b.text)
    await kabid.press(card, tick)
    await kabid.send_text("IWK-02: jumlah peserta tidak sesuai daftar hadir, mohon dicek ulang")
    await kabid.wait_for_message(_has("dikembalikan"))
    await stage.deliver()

    # The correction (1 Hari, due Wednesday 09.45) waits: the sweep reminds the
    # Kasubid each working morning, and after two working days tells the Kabid.
    for day in (15, 16, 19):
        clock.at(day, 7, 30)
        await send_due_reminders(stage.application.bot, stage.services)
        await stage.deliver()  # the board says how late
    await kabid.wait_for_message(_has("Perlu perhatian"))
    clock.at(19, 9, 0)  # the correction
    card = await _open_latest_task(kasubid, "Langkah 4")
    await bulk.enter_by_sheet(stage.api, kasubid, card, {CORRECTED[0]: int(CORRECTED[1])})
    await stage.deliver()
    clock.at(19, 10, 0)  # approved
    card = await _open_latest_task(kabid, "Langkah 5")
    await kabid.press(card, "Setujui")
    await kabid.wait_for_edit(card)
    await stage.deliver()

    clock.at(19, 11, 0)  # hand-off to the Kasubag Perencanaan
    await _finish_plain(kasubag, "Langkah 6")
    await stage.deliver()
    await kasubag.wait_for_message(_has("menyelesaikan semua langkahnya"))
    # ...and with it the quarter's report: XLSX, PDF and the chart. Made in the report
    # worker process, whose first report also imports (and, in the container, compiles)
    # the rendering libraries: seconds on a busy machine, hence the longer wait.
    for _ in range(3):
        await kasubag.wait_for_message(_is_file, timeout=REPORT_WAIT)


async def _register_group(stage: Stage) -> None:
    """The admin adds the bot to the office group and registers it for the board."""
    group = stage.api.group(*GROUP)
    await stage.people["kasubag"].send_command("/daftargrup", chat=group)
    await group.wait_for_message(_has("terdaftar"))


def group_transcript(api: FakeBotApi) -> str:
    """The group's chat, then every version of each board (a board is edited in place)."""
    chat_id, title = GROUP
    parts = [format_chat(f"Grup {title}", api.transcript(chat_id), ZONE)]
    for message in api.sent(chat_id):
        if message.history:
            pinned = " (disematkan)" if message.message_id in api.group(chat_id).pinned else ""
            name = f"Papan pesan {message.message_id}{pinned}: setiap versi"
            parts.append(format_versions(name, message, ZONE))
    return "\n".join(parts)


def _is_file(message: StoredMessage) -> bool:
    return "document" in message.json or "photo" in message.json


def received_files(api: FakeBotApi, user: FakeUser) -> dict[str, bytes]:
    """The files the bot sent ``user``, by file name (a photo is named after the documents)."""
    files: dict[str, bytes] = {}
    stem = "laporan"
    messages = user.messages()
    # Only what came with the run's end (the admin's scene gave the Kasubag a template).
    ends = [i for i, m in enumerate(messages) if "menyelesaikan semua langkahnya" in (m.text or "")]
    for message in messages[ends[-1] if ends else 0 :]:
        document = message.json.get("document")
        if document is not None:
            name = document.get("file_name") or f"berkas-{message.message_id}"
            stem = name.rsplit(".", 1)[0]
            files[name] = api.bot_state().files[document["file_id"]].content
        elif "photo" in message.json:
            largest = message.json["photo"][-1]
            files[f"{stem}-grafik.png"] = api.bot_state().files[largest["file_id"]].content
    return files


def _sim_limiter() -> AIORateLimiter:
    """Telegram's limits, but 20 a minute per group counted in simulated time: the quarter
    passes in seconds here, so the group board's edits are hours apart, not 3 s."""
    return AIORateLimiter(
        overall_max_rate=1, overall_time_period=1 / 29, group_max_rate=1, group_time_period=0.01
    )


async def simulate(out_dir: Path | None) -> dict[str, str]:
    """Play the quarter and return each person's transcript.

    ``out_dir`` receives the transcripts and the report files the Kasubag
    Perencanaan received when the run completed (XLSX, PDF, chart).
    """
    clock = SimClock(datetime(2026, 10, 9, 9, 0, tzinfo=ZONE))
    with TemporaryDirectory(prefix="sopbot-simulate-") as workdir:
        services = open_sample_services(Path(workdir), lambda: clock.now)
        try:
            async with (
                FakeBotApi(clock=lambda: clock.now.timestamp()) as api,
                running_bot(
                    api.url, api.token, services, poll_timeout=1, rate_limiter=_sim_limiter()
                ) as app,
            ):
                stage = Stage(api, app, services, clock)
                await play_quarter(stage)
                chats = {
                    key: format_chat(
                        f"Percakapan {CAST[key][0]} ({user.user['first_name']})",
                        api.transcript(user.user_id),
                        ZONE,
                    )
                    for key, user in stage.people.items()
                }
                chats["grup"] = group_transcript(api)
                reports = received_files(api, stage.people["kasubag"])
        finally:
            services.close()
    if out_dir is not None:
        write_transcripts(out_dir, chats)
        for name, content in reports.items():
            (out_dir / name).write_bytes(content)
    return chats
