"""Plausibility prompts and required kendala in the guided input, through the fake Bot API.

BID-IWK, Triwulan III 2026 of the sample organisation (targets: IWK-01 82,5 %,
IWK-02 150 orang, IWK-03 3, IWK-04 1, IWK-05 68).
"""

from __future__ import annotations

from decimal import Decimal

from bot.fakebotapi.records import StoredMessage
from bot.services.context import Services
from tests.e2e.sopbot_app import Running
from tests.e2e.test_input import (
    ANALIS,
    ORG,
    answer,
    fill_card,
    is_question,
    person,
    press,
    run_to_step,
    sheet,
)


def labels(message: StoredMessage) -> list[str]:
    return [b.text for row in message.buttons for b in row]


def record(services: Services, code: str, period: str, value: str) -> None:
    """A figure stored directly (an earlier quarter's, entered long ago)."""
    with services.uow_factory() as uow:
        org = uow.orgs.organisation(ORG)
        assert org is not None
        indicator = uow.indicators.indicator(org.id, code)
        assert indicator is not None
        uow.work.record_measurement(indicator.id, period, value=Decimal(value), entered_by_id=None)
        uow.commit()


def flags(services: Services, indicator_id: int) -> list[str]:
    with services.uow_factory() as uow:
        current = uow.work.current_measurement(indicator_id, "2026-TW3")
        assert current is not None
        return list(current.flags)


async def test_a_jump_from_the_previous_quarter_is_shown_and_confirmed(bot: Running) -> None:
    record(bot.services, "IWK-02", "2026-TW2", "35")
    analyst = await bot.join(7301, "analis", ANALIS)
    task = await run_to_step(bot, 3)
    engine, analis_id = bot.services.engine, person(bot.services, ANALIS)
    iwk01 = sheet(bot, task, ANALIS)["IWK-01"].indicator_id
    engine.save_value(task, analis_id, iwk01, now=bot.clock.now, value=Decimal("82.5"))

    card = await fill_card(bot, analyst, task)
    question = await press(analyst, card, "Isi data indikator")
    assert "IWK-02" in question.text and "Triwulan II 2026: 35" in question.text
    echo = await answer(analyst, "147")
    assert "Realisasi yang terbaca: 147 orang" in echo.text
    assert "Perhatian: nilai ini 4,2 kali triwulan lalu (35); batas kewajaran 3 kali." in echo.text
    assert labels(echo) == ["Ya, nilai ini benar", "Ketik ulang"]

    again = await press(analyst, echo, "Ketik ulang")
    assert is_question(again) and "IWK-02" in again.text
    ordinary = await answer(analyst, "60")  # 60 after 35: no concern
    assert "Perhatian" not in ordinary.text
    assert labels(ordinary) == ["Benar, simpan", "Ketik ulang"]
    again = await press(analyst, ordinary, "Ketik ulang")
    echo = await answer(analyst, "147")
    following = await press(analyst, echo, "Ya, nilai ini benar")
    assert "Tersimpan: IWK-02 = 147" in following.text
    # 98 % of the target: no kendala asked (issue 16), only offered.
    assert "Tambah catatan IWK-02" in labels(following) and "Lewati" not in labels(following)
    iwk02 = sheet(bot, task, ANALIS)["IWK-02"]
    assert iwk02.value == Decimal(147)
    assert flags(bot.services, iwk02.indicator_id) == ["jump"]


async def test_a_percentage_over_100_asks_for_confirmation(bot: Running) -> None:
    with bot.services.uow_factory() as uow:  # an indicator without a maximum
        org = uow.orgs.organisation(ORG)
        assert org is not None
        indicator = uow.indicators.indicator(org.id, "IWK-01")
        assert indicator is not None
        indicator.max_value = None
        uow.commit()
    analyst = await bot.join(7302, "analis", ANALIS)
    task = await run_to_step(bot, 3)
    card = await fill_card(bot, analyst, task)
    question = await press(analyst, card, "Isi data indikator")
    assert "IWK-01" in question.text
    echo = await answer(analyst, "105")
    assert "Perhatian: 105% melebihi 100%, padahal ini indikator persentase." in echo.text
    assert "Capaian: 127,27%" in echo.text
    kendala = await press(analyst, echo, "Ya, nilai ini benar")
    assert "Tersimpan: IWK-01 = 105" in kendala.text
    iwk01 = sheet(bot, task, ANALIS)["IWK-01"].indicator_id
    assert flags(bot.services, iwk01) == ["over_100"]


async def test_below_the_threshold_kendala_is_required_and_submit_waits_for_it(
    bot: Running,
) -> None:
    analyst = await bot.join(7303, "analis", ANALIS)
    task = await run_to_step(bot, 3)
    engine, analis_id, now = bot.services.engine, person(bot.services, ANALIS), bot.clock.now
    lines = sheet(bot, task, ANALIS)
    for code, value in {"IWK-01": "82.5", "IWK-03": "3", "IWK-04": "1", "IWK-05": "40"}.items():
        engine.save_value(task, analis_id, lines[code].indicator_id, now=now, value=Decimal(value))

    card = await fill_card(bot, analyst, task)
    question = await press(analyst, card, "Isi data indikator")
    assert "IWK-02" in question.text
    echo = await answer(analyst, "90")
    assert "Capaian: 60,00%" in echo.text and labels(echo) == ["Benar, simpan", "Ketik ulang"]
    kendala = await press(analyst, echo, "Benar, simpan")
    assert "Capaian 60,00% di bawah 90%: kendala wajib diisi" in kendala.text
    assert not kendala.buttons  # no "Lewati"
    empty = await answer(analyst, "   ")
    assert "masih kosong" in empty.text and not empty.buttons
    follow = await answer(analyst, "Peserta dari dua kecamatan berhalangan")
    assert "tindak lanjut wajib diisi" in follow.text and not follow.buttons
    evidence = await answer(analyst, "Pelatihan susulan di bulan November")
    assert labels(evidence) == ["Selesai"]  # the task's evidence, asked once
    summary = await press(analyst, evidence, "Selesai")
    assert "Ringkasan data kinerja" in summary.text
    assert "Kendala: Peserta dari dua kecamatan berhalangan" in summary.text
    # IWK-05 (40 of 68: 58,82 %) was saved without a kendala.
    assert "Capaian di bawah 90%: kendala dan tindak lanjut wajib diisi" in summary.text
    assert "Kendala dan tindak lanjut belum diisi: 1 indikator" in summary.text

    refused = await press(analyst, summary, "Kirim")
    assert "Belum dapat dikirim: 1 indikator dengan capaian di bawah 90%" in refused.text
    assert "IWK-05" in refused.text and "IWK-02" not in refused.text
    assert labels(refused) == ["Isi IWK-05"]
    question = await press(analyst, refused, "Isi IWK-05")
    assert is_question(question) and "Isian saat ini: 40" in question.text
    echo = await answer(analyst, "40")
    kendala = await press(analyst, echo, "Benar, simpan")
    assert "kendala wajib diisi" in kendala.text and not kendala.buttons
    follow = await answer(analyst, "Survei indeks belum selesai")
    summary = await answer(analyst, "Survei susulan")  # a single edit: back to the summary
    assert "wajib diisi" not in summary.text
    done = await press(analyst, summary, "Kirim")
    assert "telah dikirim" in done.text
    assert sheet(bot, task, ANALIS)["IWK-05"].tindak_lanjut == "Survei susulan"
    assert follow.text  # the tindak lanjut question was asked
