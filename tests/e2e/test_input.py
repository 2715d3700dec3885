"""The guided indicator input, through real PTB against the fake Bot API.

The conversation starts from a message carrying this feature's own FILL button
(sent with the bot's API), so the test does not depend on the task card.
"""

from __future__ import annotations

import struct
from decimal import Decimal
from pathlib import Path

from bot.domain.enums import TaskState
from bot.engine import Engine, InputLine
from bot.fakebotapi import FakeBotApi
from bot.fakebotapi.records import StoredMessage
from bot.fakebotapi.users import FakeUser
from bot.persistence.db import make_engine
from bot.persistence.uow import make_uow_factory
from bot.services.context import Services
from bot.telegram.callbacks import Action, Callback
from bot.telegram.input_keyboards import fill_keyboard
from bot.telegram.outbox import dispatch_pending
from tests.e2e.sopbot_app import Running, open_sample_services, running_sopbot
from tests.integration.engine_helpers import Clock, fill_all, finish, single_task

ORG = "contoh-kesbangpol-jeneponto"
KABID, KASUBID, ANALIS = "999900000000000002", "999900000000000003", "999900000000000004"
PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + struct.pack(">II", 1280, 960) + b"\x00" * 40


def reopen(tmp_path: Path, clock: Clock, old: Services) -> Services:
    """A new process's services on the same database file."""
    db = make_engine(f"sqlite:///{tmp_path / 'sopbot.sqlite3'}")
    uow_factory = make_uow_factory(db)
    return Services(
        uow_factory,
        old.catalog,
        Engine(uow_factory, old.catalog),
        db=db,
        clock=lambda: clock.now,
    )


def person(services: Services, nip: str) -> int:
    with services.uow_factory() as uow:
        found = uow.orgs.person_by_nip(1, nip)
        assert found is not None
        return found.id


async def run_to_step(bot: Running, step: int) -> int:
    """Start TW3 and finish the steps before ``step`` through the engine; returns its task."""
    engine, now = bot.services.engine, bot.clock.now
    engine.start_run("kesbangpol", ORG, "2026-TW3", now=now)
    finish(engine, person(bot.services, KABID), 1, now)
    finish(engine, person(bot.services, KASUBID), 2, now)
    analyst = person(bot.services, ANALIS)
    if step == 3:
        await dispatch_pending(bot.application.bot, bot.services)
        return single_task(engine, analyst, now, 3)
    task = single_task(engine, analyst, now, 3)
    fill_all(engine, task, analyst, now, Decimal(90))
    engine.complete_task(task, analyst, now=now)
    await dispatch_pending(bot.application.bot, bot.services)
    return single_task(engine, person(bot.services, KASUBID), now, 4)


async def fill_card(bot: Running, user: FakeUser, task_id: int) -> StoredMessage:
    await bot.application.bot.send_message(
        user.user_id, "Tugas pengisian data kinerja", reply_markup=fill_keyboard(task_id)
    )
    return await user.wait_for_message(lambda m: m.text == "Tugas pengisian data kinerja")


def is_question(message: StoredMessage) -> bool:
    return "Silakan ketik nilai realisasinya" in (message.text or "")


async def answer(user: FakeUser, text: str) -> StoredMessage:
    await user.send_text(text)
    return await user.wait_for_message()


async def press(user: FakeUser, message: StoredMessage, button: str) -> StoredMessage:
    await user.press(message, button)
    return await user.wait_for_message()


async def enter(user: FakeUser, question: StoredMessage, value: str) -> StoredMessage:
    """Type a value and confirm it; the next message (issue 16: no notes asked where none
    is required, no evidence per indicator)."""
    assert is_question(question), question.text
    echo = await answer(user, value)
    assert "Apakah sudah benar?" in echo.text, echo.text
    return await press(user, echo, "Benar, simpan")


def sheet(bot: Running, task_id: int, nip: str) -> dict[str, InputLine]:
    lines = bot.services.engine.input_sheet(task_id, person(bot.services, nip), now=bot.clock.now)
    return {line.code: line for line in lines}


def revisions(services: Services, indicator_id: int) -> int:
    with services.uow_factory() as uow:
        return len(uow.work.measurement_history(indicator_id, "2026-TW3"))


async def test_full_entry_with_wrong_input_restart_evidence_edit_and_submit(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    clock = Clock()
    services = open_sample_services(tmp_path, clock)
    async with running_sopbot(fake_api, services, clock) as bot:
        kasubid = await bot.join(7002, "kasubid", KASUBID)
        analyst = await bot.join(7003, "analis", ANALIS)
        task = await run_to_step(bot, 3)
        card = await fill_card(bot, analyst, task)

        first = await press(analyst, card, "Isi data indikator")
        assert "Indikator 1/5 — IWK-01" in first.text
        assert "Satuan: %" in first.text and "Target periode ini: 82,5" in first.text
        assert "Triwulan I 2026: belum ada" in first.text

        for typed, expected in [
            ("delapan puluh", "tidak berisi angka"),
            ("-5", "tidak boleh negatif"),
            ("1e9", "lebih dari satu angka"),
            ("850", "melebihi batas indikator ini (100 %)"),
            ("   ", "Belum ada angka"),
        ]:
            refused = await answer(analyst, typed)
            assert expected in refused.text, (typed, refused.text)
            assert "Contoh" in refused.text
            assert is_question(refused) and "IWK-01" in refused.text  # the question again

        echo = await answer(analyst, "82,5")
        assert "Realisasi yang terbaca: 82,5 %" in echo.text
        assert "Capaian: 100,00% (Sangat Tinggi)" in echo.text
        iwk01 = sheet(bot, task, ANALIS)["IWK-01"].indicator_id
        await analyst.press(echo, "Benar, simpan")
        await analyst.press(echo, "Benar, simpan", force=True)  # a double tap
        second = await analyst.wait_for_message()
        # 100 % of the target: no kendala asked; the next indicator, with a way to add one.
        assert "Tersimpan: IWK-01 = 82,5" in second.text and "IWK-02" in second.text
        await analyst.wait_until(lambda: not echo.buttons)
        assert revisions(bot.services, iwk01) == 1
        kendala = await press(analyst, second, "Tambah catatan IWK-01")
        assert "kendala" in kendala.text
    # The bot stops here and starts again, as a new process on the same database.
    services = reopen(tmp_path, clock, services)
    async with running_sopbot(fake_api, services, clock) as bot:
        follow = await answer(analyst, "Undangan peserta terlambat disebar")
        assert "tindak lanjut" in follow.text
        second = await press(analyst, follow, "Lewati")
        line = sheet(bot, task, ANALIS)["IWK-01"]
        assert line.kendala == "Undangan peserta terlambat disebar"
        assert line.tindak_lanjut is None
        assert line.value == Decimal("82.5")

        assert "Indikator 2/5 — IWK-02" in second.text
        reason = await press(analyst, second, "Belum ada data")
        assert "ketik alasannya" in reason.text
        empty = await answer(analyst, "  ")
        assert "masih kosong" in empty.text
        message = await answer(analyst, "Rekap peserta dari kecamatan belum masuk")
        assert "Tersimpan: IWK-02 = belum ada data" in message.text and "IWK-03" in message.text
        message = await enter(analyst, message, "3")
        message = await enter(analyst, message, "1")
        evidence = await enter(analyst, message, "70,25")
        assert "bukti dukung" in evidence.text and "seluruh tugas" in evidence.text
        photo = await analyst.send_photo(PHOTO, caption="daftar hadir")
        received = await analyst.wait_for_message()
        assert "1 berkas" in received.text
        with bot.services.uow_factory() as uow:
            stored = uow.work.task(task)
            assert stored is not None
            (kept,) = uow.work.task_evidence(stored.run_id, stored.unit_id)
            assert kept.file_id == photo.json["photo"][-1]["file_id"]
        summary = await press(analyst, received, "Selesai")

        assert "Ringkasan data kinerja Triwulan III 2026" in summary.text
        assert "belum ada data (Rekap peserta dari kecamatan belum masuk)" in summary.text
        assert "Kendala: Undangan peserta terlambat disebar" in summary.text
        assert "Bukti dukung: 1 berkas" in summary.text
        labels = [b.text for row in summary.buttons for b in row]
        assert labels == [f"Ubah IWK-0{i}" for i in range(1, 6)] + ["Bukti dukung", "Kirim"]

        again = await press(analyst, summary, "Ubah IWK-03")
        assert "Isian saat ini: 3" in again.text
        summary = await enter(analyst, again, "4")
        assert "Ringkasan" in summary.text and "Realisasi 4 · Capaian 133,33%" in summary.text

        done = await press(analyst, summary, "Kirim")
        assert "telah dikirim" in done.text and "Kasubid/ Kasubag" in done.text
        with bot.services.uow_factory() as uow:
            stored = uow.work.task(task)
            assert stored is not None and stored.state is TaskState.DONE
        notice = await kasubid.wait_for_message(lambda m: "Langkah 4" in (m.text or ""))
        assert "Tugas baru" in notice.text
        # One message says it all: who has the work now is in the reply, and the outbox pass
        # that reached the Kasubid (events in order) sent the analyst no second "Selesai".
        assert "Rahmawati Sampel" in done.text
        assert not any("Selesai: langkah 3" in (m.text or "") for m in analyst.messages())

        before = len(analyst.messages())
        stale = await analyst.wait_answered(await analyst.press(card, "Isi data indikator"))
        assert "sudah diproses" in (stale.answer.get("text") or "")  # a toast; the buttons go
        await analyst.wait_until(lambda: not card.buttons)
        assert len(analyst.messages()) == before
        assert sheet(bot, task, ANALIS)["IWK-03"].value == Decimal(4)


async def test_a_returned_task_shows_the_reason_and_opens_only_the_named_indicator(
    bot: Running,
) -> None:
    kabid_id = person(bot.services, KABID)
    kasubid = await bot.join(7102, "kasubid", KASUBID)
    await bot.join(7101, "kabid", KABID)
    task = await run_to_step(bot, 4)
    engine, now = bot.services.engine, bot.clock.now
    kasubid_id = person(bot.services, KASUBID)
    engine.complete_task(task, kasubid_id, now=now)
    iwk02 = sheet(bot, task, KASUBID)["IWK-02"].indicator_id
    review = single_task(engine, kabid_id, now, 5)
    reason = "Realisasi IWK-02 belum sesuai daftar hadir"
    engine.decide(review, kabid_id, approve=False, reason=reason, now=now, correct=[iwk02])
    returned = single_task(engine, kasubid_id, now, 4)

    card = await fill_card(bot, kasubid, returned)
    question = await press(kasubid, card, "Isi data indikator")
    assert reason in question.text
    assert "Indikator 1/1 — IWK-02" in question.text and "Isian saat ini: 90" in question.text

    iwk01 = sheet(bot, task, KASUBID)["IWK-01"].indicator_id
    stale_edit = Callback(Action.EDIT, returned, iwk01).encode()
    refused = await kasubid.press(card, stale_edit, force=True)
    await kasubid.wait_answered(refused)
    assert "tidak dapat diubah" in (await kasubid.wait_for_message()).text

    evidence = await enter(kasubid, question, "140")
    assert "bukti dukung" in evidence.text  # none sent for this unit yet: asked once
    summary = await press(kasubid, evidence, "Selesai")
    assert reason in summary.text
    labels = [b.text for row in summary.buttons for b in row]
    assert labels == ["Ubah IWK-02", "Bukti dukung", "Kirim"]
    done = await press(kasubid, summary, "Kirim")
    assert "telah dikirim" in done.text
    lines = sheet(bot, returned, KASUBID)
    assert lines["IWK-02"].value == Decimal(140)
    assert lines["IWK-01"].value == Decimal(90)


async def test_submit_with_gaps_lists_them_with_buttons(bot: Running) -> None:
    analyst = await bot.join(7201, "analis", ANALIS)
    task = await run_to_step(bot, 3)
    card = await fill_card(bot, analyst, task)
    question = await press(analyst, card, "Isi data indikator")
    summary = await press(analyst, question, "Ringkasan")
    assert "Belum diisi: 5 indikator" in summary.text
    missing = await press(analyst, summary, "Kirim")
    assert "5 indikator belum diisi" in missing.text
    assert next(b.text for row in missing.buttons for b in row) == "Isi IWK-01"
    again = await press(analyst, missing, "Isi IWK-05")
    assert "IWK-05" in again.text and is_question(again)


async def test_a_kendala_too_long_asks_again_with_the_saved_value(bot: Running) -> None:
    """Issue 18: the re-prompt after a kendala over 1,000 characters read "IWK-01 = ."."""
    await bot.join(7002, "kasubid", KASUBID)
    analyst = await bot.join(7003, "analis", ANALIS)
    task = await run_to_step(bot, 3)
    card = await fill_card(bot, analyst, task)
    await press(analyst, card, "Isi data indikator")
    echo = await answer(analyst, "82,5")
    await analyst.press(echo, "Benar, simpan")
    following = await analyst.wait_for_message()  # the next indicator, with the note button
    assert "Tersimpan: IWK-01 = 82,5" in following.text
    note = await press(analyst, following, "Tambah catatan IWK-01")
    assert "IWK-01" in note.text and "kendala" in note.text.lower()
    again = await answer(analyst, "kendala " * 130)
    assert "terlalu panjang" in again.text
    assert "Tersimpan: IWK-01 = 82,5." in again.text, again.text
    assert sheet(bot, task, ANALIS)["IWK-01"].kendala is None
