"""Issue 16 (3): notes only where they matter, evidence once per task (fake Bot API).

BID-IWK, Triwulan III 2026 (targets: IWK-01 82,5 %, IWK-02 150 orang, IWK-03 3,
IWK-04 1, IWK-05 68). Below 90 % of the target kendala and tindak lanjut are asked
and required; elsewhere only after "Tambah catatan". Evidence is asked once, after
the last indicator, for the whole task.
"""

from __future__ import annotations

from bot.fakebotapi.records import StoredMessage
from bot.telegram.outbox import dispatch_pending
from tests.e2e.sopbot_app import Running
from tests.e2e.test_input import (
    ANALIS,
    KABID,
    KASUBID,
    PHOTO,
    answer,
    fill_card,
    is_question,
    person,
    press,
    run_to_step,
    sheet,
)
from tests.integration.engine_helpers import single_task


def labels(message: StoredMessage) -> list[str]:
    return [b.text for row in message.buttons for b in row]


async def value(user, question: StoredMessage, typed: str) -> StoredMessage:  # type: ignore[no-untyped-def]
    assert is_question(question), question.text
    echo = await answer(user, typed)
    return await press(user, echo, "Benar, simpan")


async def test_one_prompt_per_indicator_notes_where_required_evidence_once(bot: Running) -> None:
    analyst = await bot.join(7901, "analis", ANALIS)
    task = await run_to_step(bot, 3)
    card = await fill_card(bot, analyst, task)
    first = await press(analyst, card, "Isi data indikator")
    assert "IWK-01" in first.text

    second = await value(analyst, first, "82,5")
    assert is_question(second) and "IWK-02" in second.text
    assert "Tersimpan: IWK-01 = 82,5" in second.text
    assert "Tambah catatan IWK-01" in labels(second) and "Lewati" not in labels(second)

    # 90 of 150 orang is 60 %: kendala and tindak lanjut are required, without "Lewati".
    kendala = await value(analyst, second, "90")
    assert "kendala wajib diisi" in kendala.text and not kendala.buttons
    follow = await answer(analyst, "Peserta dari dua kecamatan berhalangan")
    assert "tindak lanjut wajib diisi" in follow.text and not follow.buttons
    third = await answer(analyst, "Pelatihan susulan di bulan November")
    assert is_question(third) and "IWK-03" in third.text

    # A note where none is required: only when asked for.
    fourth = await value(analyst, third, "3")
    assert "IWK-04" in fourth.text
    note = await press(analyst, fourth, "Tambah catatan IWK-03")
    assert "IWK-03" in note.text and "kendala" in note.text.lower()
    assert labels(note) == ["Lewati"]
    tindak = await answer(analyst, "Dua kegiatan digabung")
    back = await press(analyst, tindak, "Lewati")
    assert is_question(back) and "IWK-04" in back.text

    fifth = await value(analyst, back, "1")
    evidence = await value(analyst, fifth, "68")
    assert "Tersimpan: IWK-05 = 68" in evidence.text
    assert "bukti dukung" in evidence.text.lower() and "seluruh" in evidence.text
    assert "Selesai" in labels(evidence)

    await analyst.send_photo(PHOTO, caption="daftar hadir")
    got = await analyst.wait_for_message()
    assert "1 berkas" in got.text
    await analyst.send_document(b"%PDF-1.4 laporan", "laporan.pdf")
    got = await analyst.wait_for_message()
    assert "2 berkas" in got.text
    summary = await press(analyst, got, "Selesai")
    assert "Ringkasan data kinerja" in summary.text
    assert "Bukti dukung: 2 berkas" in summary.text
    assert "Kendala: Dua kegiatan digabung" in summary.text
    assert "Bukti dukung" in labels(summary) and "Kirim" in labels(summary)

    lines = sheet(bot, task, ANALIS)
    assert lines["IWK-03"].kendala == "Dua kegiatan digabung"
    assert all(not line.evidence for line in lines.values())  # kept for the task instead
    with bot.services.uow_factory() as uow:
        kept = uow.work.task_evidence(*_run_unit(bot, task))
        assert [e.kind for e in kept] == ["photo", "document"]

    # The reviewers see how many files there are and can have them sent.
    kabid = await bot.join(7903, "kabid", KABID)
    await press(analyst, summary, "Kirim")
    engine, now = bot.services.engine, bot.clock.now
    kasubid_id = person(bot.services, KASUBID)
    engine.complete_task(single_task(engine, kasubid_id, now, 4), kasubid_id, now=now)
    await dispatch_pending(bot.application.bot, bot.services)
    notice = await kabid.wait_for_message(lambda m: "Langkah 5" in m.text)
    card = await press(kabid, notice, "Buka tugas")
    assert "Bukti dukung: 2 berkas." in card.text
    await kabid.press(card, "Lihat bukti dukung (2)")
    told = await kabid.wait_for_message(lambda m: "2 berkas di atas" in (m.text or ""))
    sent = kabid.messages()
    assert "photo" in sent[-3].json and "document" in sent[-2].json and sent[-1] is told


def _run_unit(bot: Running, task_id: int) -> tuple[int, int]:
    with bot.services.uow_factory() as uow:
        task = uow.work.task(task_id)
        assert task is not None
        return task.run_id, task.unit_id


async def test_the_summary_button_asks_for_evidence(bot: Running) -> None:
    analyst = await bot.join(7902, "analis", ANALIS)
    task = await run_to_step(bot, 3)
    card = await fill_card(bot, analyst, task)
    question = await press(analyst, card, "Isi data indikator")
    summary = await press(analyst, question, "Ringkasan")
    asked = await press(analyst, summary, "Bukti dukung")
    assert "seluruh" in asked.text and "Selesai" in labels(asked)
    await analyst.send_photo(PHOTO)
    got = await analyst.wait_for_message()
    assert "1 berkas" in got.text
