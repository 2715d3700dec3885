"""issue 19: the admin's menu through real PTB and the fake Bot API: invites made with
buttons, who has not joined, the targets workbook sent as a document (checked, previewed,
saved only on "Simpan", kept over a restart), a run started, figures reopened; and
someone who is not an admin sees none of it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.fakebotapi import FakeBotApi
from bot.fakebotapi.records import StoredMessage
from bot.fakebotapi.users import FakeUser
from bot.imports.targets_template import write_targets_workbook
from bot.persistence.models import AdminUpload, AuditEvent
from bot.simulate.setup import SAMPLE_SLUG
from tests.e2e.sopbot_app import Running, open_sample_services, running_sopbot
from tests.e2e.test_input import reopen
from tests.integration.engine_helpers import Clock
from tests.integration.seed004_play import KASUBAG_PERENCANAAN, play_quarter

ADMIN_NIP = KASUBAG_PERENCANAAN
ANALIS_PDN = "999900000000000007"
ANALIS_IWK = "999900000000000004"


async def _admin(bot: Running) -> FakeUser:
    return await bot.join(8001, "kasubag_perencanaan", ADMIN_NIP, unit="SUBAG-PRC")


async def _say(user: FakeUser, text: str) -> StoredMessage:
    if text.startswith("/"):
        await user.send_command(text)
    else:
        await user.send_text(text)
    return await user.wait_for_message()


async def _press(user: FakeUser, message: StoredMessage, label: str) -> StoredMessage:
    await user.press(message, label)
    return await user.wait_for_message()


def _label(message: StoredMessage, starts: str) -> str:
    for row in message.buttons:
        for button in row:
            if button.text.startswith(starts):
                return button.text
    raise AssertionError(f"no button starting {starts!r}: {message.buttons}")


def _actors(bot: Running, action: str) -> list[int]:
    """Who did ``action`` (entries with an actor only), oldest first."""
    with bot.services.uow_factory() as uow:
        return list(
            uow.audit.session.scalars(
                select(AuditEvent.actor_id)
                .where(AuditEvent.action == action, AuditEvent.actor_id.is_not(None))
                .order_by(AuditEvent.id)
            )
        )


def _tw4(bot: Running, code: str = "IWK-01") -> str:
    with bot.services.uow_factory() as uow:
        org = uow.orgs.organisation(SAMPLE_SLUG)
        indicator = uow.indicators.indicator(org.id, code)  # type: ignore[union-attr]
        assert indicator is not None
        return str(next(t.value for t in indicator.targets if t.period == "2026-TW4"))


def _workbook(tmp_path: Path, tw4: object) -> bytes:
    path = tmp_path / "target_2026.xlsx"
    write_targets_workbook(path, [], [{"kode": "IWK-01", "tahun": 2026, "tw4": tw4}])
    return path.read_bytes()


async def test_an_invite_made_with_buttons_is_forwarded_and_opened(bot: Running) -> None:
    admin = await _admin(bot)
    assert "/admin — menu admin" in (await _say(admin, "/bantuan")).text
    menu = await _say(admin, "/admin")
    assert "Menu admin" in menu.text and "Bapak/Ibu" in menu.text
    units = await _press(admin, menu, "Buat undangan")
    assert "pilih unit" in units.text
    roles = await _press(admin, units, _label(units, "BID-PDN"))
    assert "Politik Dalam Negeri" in roles.text and "Pilih peran" in roles.text
    assert not units.buttons  # the unit is chosen: its buttons are gone
    people = await _press(admin, roles, _label(roles, "Analis"))
    first = people.buttons[0][0].text
    assert first == f"Fitriani Contoh ({ANALIS_PDN})"  # the file's analis of BID-PDN first
    await admin.press(people, first)
    made = await admin.wait_for_message()
    assert "Undangan dibuat" in made.text and "Fitriani Contoh" in made.text
    link = await admin.wait_for_message()
    assert "Yth. Bapak/Ibu Fitriani Contoh" in link.text
    code = link.text.split("?start=")[1].split()[0]

    fitriani = bot.api.user(8101, "Fitri")
    await fitriani.send_command("/start", code)
    joined = await fitriani.wait_for_message()
    assert "Selamat datang, Fitriani Contoh" in joined.text and "Politik" in joined.text
    # the other invites are the test's own (``bot.join``), made without an actor
    assert _actors(bot, "invite_created") == [bot.person_id(ADMIN_NIP)]


async def test_who_has_not_joined_and_a_reissued_invite(bot: Running) -> None:
    admin = await _admin(bot)
    menu = await _say(admin, "/admin")
    pending = await _press(admin, menu, "Belum bergabung")
    assert "BID-PDN" in pending.text and "Fitriani Contoh — belum diundang" in pending.text
    assert "Nurul Hidayah" not in pending.text  # the admin joined
    await admin.press(pending, "Kirim ulang: Fitriani Contoh")
    made = await admin.wait_for_message()
    assert "Undangan baru" in made.text
    await admin.wait_for_message()  # the message to forward
    assert pending.buttons  # the list stays, for the next person
    again = await _press(admin, await _say(admin, "/admin"), "Belum bergabung")
    assert "Fitriani Contoh — undangan berlaku sampai" in again.text


async def test_targets_workbook_with_an_error_corrected_and_saved(
    bot: Running, tmp_path: Path
) -> None:
    admin = await _admin(bot)
    menu = await _say(admin, "/admin")
    asked = await _press(admin, menu, "Unggah target (Excel)")
    assert "berkas target (.xlsx)" in asked.text
    template = await admin.wait_for_message()
    assert template.kind == "document"
    assert template.json["document"]["file_name"] == "templat_target.xlsx"

    await admin.send_document(_workbook(tmp_path, "seratus"), "target_2026.xlsx")
    refused = await admin.wait_for_message()
    assert "tidak ada data yang diubah" in refused.text
    assert "Sheet Target, baris 2, kolom TW4: 'seratus' bukan angka" in refused.text
    before = _tw4(bot)

    await admin.send_document(_workbook(tmp_path, 95), "target_2026.xlsx")
    preview = await admin.wait_for_message()
    assert "tidak ada masalah" in preview.text
    assert "Target: 0 baru, 1 diubah, 0 tetap" in preview.text
    assert f"Target IWK-01 Triwulan IV 2026: {before.rstrip('0').rstrip('.')} → 95" in (
        preview.text
    )
    assert _tw4(bot) == before  # nothing written before "Simpan"
    saved = await _press(admin, preview, "Simpan")
    assert "Tersimpan" in saved.text and "1 diubah" in saved.text
    assert _tw4(bot).startswith("95")
    # the other import is the sample's own, from the command line (no actor)
    assert _actors(bot, "targets_import") == [bot.person_id(ADMIN_NIP)]


async def test_a_kept_upload_survives_a_restart(fake_api: FakeBotApi, tmp_path: Path) -> None:
    clock = Clock()
    services = open_sample_services(tmp_path, clock)
    async with running_sopbot(fake_api, services, clock) as bot:
        admin = await _admin(bot)
        asked = await _press(admin, await _say(admin, "/admin"), "Unggah target (Excel)")
        assert "berkas target" in asked.text
        await admin.wait_for_message()  # the template
        await admin.send_document(_workbook(tmp_path, 97), "target_2026.xlsx")
        preview = await admin.wait_for_message()
        assert "Simpan" in str(preview.buttons)
    services = reopen(tmp_path, clock, services)  # a new process on the same database
    async with running_sopbot(fake_api, services, clock) as bot:
        saved = await _press(admin, preview, "Simpan")
        assert "Tersimpan" in saved.text
        assert _tw4(bot).startswith("97")
        with bot.services.uow_factory() as uow:
            assert uow.audit.session.scalars(select(AdminUpload)).all() == []


async def test_batal_discards_the_kept_file(bot: Running, tmp_path: Path) -> None:
    admin = await _admin(bot)
    before = _tw4(bot)
    await _press(admin, await _say(admin, "/admin"), "Unggah target (Excel)")
    await admin.wait_for_message()
    await admin.send_document(_workbook(tmp_path, 12), "target_2026.xlsx")
    preview = await admin.wait_for_message()
    gone = await _press(admin, preview, "Batal")
    assert "tidak disimpan" in gone.text
    assert _tw4(bot) == before

    await _press(admin, await _say(admin, "/admin"), "Unggah target (Excel)")
    await admin.wait_for_message()
    await admin.send_document(_workbook(tmp_path, 13), "target_2026.xlsx")
    await admin.wait_for_message()
    left = await _say(admin, "/batal")
    assert "Berkas yang belum disimpan dibuang" in left.text
    assert _tw4(bot) == before
    with bot.services.uow_factory() as uow:
        assert uow.audit.session.scalars(select(AdminUpload)).all() == []


async def test_a_run_started_with_buttons_reaches_the_first_step(bot: Running) -> None:
    admin = await _admin(bot)
    kabid = await bot.join(8002, "kabid", "999900000000000002")
    sops = await _press(admin, await _say(admin, "/admin"), "Mulai pelaksanaan")
    periods = await _press(admin, sops, sops.buttons[0][0].text)
    labels = [row[0].text for row in periods.buttons]
    assert labels == ["Triwulan III 2026", "Triwulan IV 2026", "Triwulan II 2026"]
    started = await _press(admin, periods, "Triwulan III 2026")
    assert "Pelaksanaan #" in started.text and "Triwulan III 2026" in started.text
    notice = await kabid.wait_for_message(lambda m: "Langkah 1" in (m.text or ""))
    assert "Tugas baru" in notice.text


async def test_approved_figures_reopened_with_a_typed_reason(bot: Running) -> None:
    admin = await _admin(bot)
    analis = await bot.join(8003, "analis", ANALIS_IWK)
    run_id = play_quarter(
        bot.services.engine, bot.services.uow_factory, SAMPLE_SLUG, "2026-TW3", bot.clock
    )
    runs = await _press(admin, await _say(admin, "/admin"), "Buka kembali data")
    units = await _press(admin, runs, _label(runs, f"Pelaksanaan #{run_id}"))
    asked = await _press(admin, units, _label(units, "BID-IWK"))
    assert "Ketik alasan" in asked.text
    done = await _say(admin, "IWK-01 salah ketik, mohon diperbaiki")
    assert "dibuka kembali" in done.text and "IWK-01 salah ketik" in done.text
    assert _actors(bot, "unit_reopened") == [bot.person_id(ADMIN_NIP)]
    assert analis is not None


async def test_someone_who_is_not_an_admin_sees_none_of_it(bot: Running) -> None:
    analis = await bot.join(8004, "analis", ANALIS_IWK)
    unknown = await _say(analis, "/entahlah")
    answer = await _say(analis, "/admin")
    assert answer.text == unknown.text  # as an unknown command
    assert "admin" not in answer.text.lower()
    await analis.press(answer, "Am:1", force=True)  # a forged admin button
    record = await analis.wait_until(lambda: _answered(bot, 8004))
    assert record.answer.get("text") == "Tombol ini sudah tidak berlaku."
    assert analis.messages()[-1].message_id == answer.message_id  # nothing else was sent
    help_text = await _say(analis, "/bantuan")
    assert "/admin" not in help_text.text
    stranger = bot.api.user(8999, "Orang Asing")
    refused = await _say(stranger, "/admin")
    assert "belum terdaftar" in refused.text


def _answered(bot: Running, user_id: int):  # type: ignore[no-untyped-def]
    done = [c for c in bot.api.callbacks() if c.user_id == user_id and c.answered]
    return done[-1] if done else None


ORG_FILE = """organisasi: {slug: contoh-kesbangpol-jeneponto}
pegawai:
  - {nama: "Pegawai Baru Contoh", nip: "999900000000000099"}
peran:
  - {pegawai: "999900000000000099", peran: analis, unit: BID-KNPK}
  - {pegawai: "999900000000000099", peran: analis, unit: BID-NONE}
"""


async def test_an_organisation_file_checked_corrected_and_saved(bot: Running) -> None:
    admin = await _admin(bot)
    asked = await _press(admin, await _say(admin, "/admin"), "Unggah berkas organisasi")
    assert "berkas organisasi" in asked.text
    await admin.send_document(ORG_FILE.encode(), "organisasi.yaml")
    refused = await admin.wait_for_message()
    assert "Bagian peran, butir 2, kolom unit: unit 'BID-NONE' tidak ada" in refused.text
    fixed = ORG_FILE.replace("BID-NONE", "BID-PDN")
    await admin.send_document(fixed.encode(), "organisasi.yaml")
    preview = await admin.wait_for_message()
    assert "Pegawai Baru Contoh (999900000000000099) (baru)" in preview.text
    assert "Peran analis BID-PDN: Pegawai Baru Contoh (baru)" in preview.text
    saved = await _press(admin, preview, "Simpan")
    assert "Pegawai: 1 baru" in saved.text
    pending = await _press(admin, await _say(admin, "/admin"), "Belum bergabung")
    assert "Pegawai Baru Contoh — belum diundang" in pending.text
    assert _actors(bot, "org_import") == [bot.person_id(ADMIN_NIP)]
