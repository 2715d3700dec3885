"""Joining with an invite, refusing strangers, /bantuan and /tugas, through real PTB."""

from __future__ import annotations

import pytest

from tests.e2e.sopbot_app import Running

KABID_IWK = "999900000000000002"


async def test_a_stranger_is_told_to_ask_for_an_invite(bot: Running) -> None:
    stranger = bot.api.user(5001, "Orang Asing")
    for send in (stranger.send_text("halo"), stranger.send_command("/tugas")):
        await send
        reply = await stranger.wait_for_message()
        assert "belum terdaftar" in reply.text
        assert "tautan undangan" in reply.text
    # Nothing else: no task, no data, only the way in.
    assert len(stranger.messages()) == 2


async def test_an_invite_links_the_account_once(bot: Running) -> None:
    code = bot.invite("kabid", "BID-IWK", KABID_IWK)
    user = bot.api.user(5002, "Andi")
    await user.send_command("/start", code)
    joined = await user.wait_for_message()
    assert "Selamat datang, Andi Baso Fiktif" in joined.text
    assert "Kabid" in joined.text and "Bidang Ideologi" in joined.text

    await user.send_command("/start", code)  # the link tapped again
    again = await user.wait_for_message()
    assert "sudah terhubung" in again.text

    other = bot.api.user(5003, "Penyusup")
    await other.send_command("/start", code)
    assert "sudah dipakai" in (await other.wait_for_message()).text

    await user.send_command("/bantuan")
    help_text = (await user.wait_for_message()).text
    for command in ("/tugas", "/status", "/bantuan", "/batal"):
        assert command in help_text


async def test_unknown_and_expired_codes_are_refused(bot: Running) -> None:
    user = bot.api.user(5004, "Rahma")
    await user.send_command("/start", "kode-salah")
    assert "tidak dikenal" in (await user.wait_for_message()).text
    code = bot.invite("kasubid", "BID-IWK", "999900000000000003", days=1)
    bot.clock.advance(days=2)
    await user.send_command("/start", code)
    assert "kedaluwarsa" in (await user.wait_for_message()).text


async def test_tugas_lists_open_tasks_with_due_time(bot: Running) -> None:
    code = bot.invite("kabid", "BID-IWK", KABID_IWK)
    user = bot.api.user(5005, "Andi")
    await user.send_command("/start", code)
    await user.wait_for_message()
    await user.send_command("/tugas")
    assert "Tidak ada tugas" in (await user.wait_for_message()).text

    bot.services.engine.start_run(
        "kesbangpol", "contoh-kesbangpol-jeneponto", "2026-TW3", now=bot.clock.now
    )
    bot.clock.advance(minutes=30)
    await user.send_command("/tugas")
    listing = await user.wait_for_message()
    assert "Langkah 1: Menugaskan Kasubag/Kasubid" in listing.text
    assert "Triwulan III 2026" in listing.text
    assert "Senin, 12 Oktober 2026 08.15 WITA" in listing.text
    assert "terlambat 15 menit" in listing.text


async def test_a_database_that_is_down_gets_an_apology_not_a_trace(
    bot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    from sqlalchemy.exc import OperationalError

    user = bot.api.user(5006, "Andi")
    await user.send_command("/start", bot.invite("kabid", "BID-IWK", KABID_IWK))
    await user.wait_for_message()

    def database_down():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    working = bot.services.uow_factory
    bot.services.uow_factory = database_down
    try:
        await user.send_command("/tugas")
        apology = (await user.wait_for_message()).text
    finally:
        bot.services.uow_factory = working
    assert "sedang gangguan" in apology  # issue 18: the database is out of reach
    assert "Traceback" not in apology and "OperationalError" not in apology
    assert any("tidak dapat dihubungi" in r.getMessage() for r in caplog.records)
    assert bot.api.token not in caplog.text

    await user.send_command("/tugas")  # back up: nothing was lost
    assert "Tidak ada tugas" in (await user.wait_for_message()).text


async def test_guessing_invite_codes_is_slowed_with_a_clear_message(bot: Running) -> None:
    """Issue 18: 5 wrong codes an hour per account; the 6th try, even the right code, waits."""
    from bot.services.onboarding import ACCOUNT_LIMIT

    code = bot.invite("kabid", "BID-IWK", KABID_IWK)
    guesser = bot.api.user(5002, "Penebak")
    for n in range(ACCOUNT_LIMIT):
        await guesser.send_command("/start", f"tebakan{n}")
        assert "tidak dikenal" in (await guesser.wait_for_message()).text
    await guesser.send_command("/start", code)
    refused = await guesser.wait_for_message()
    assert "Terlalu banyak kode undangan yang salah" in refused.text
    assert "coba lagi dalam" in refused.text
    with bot.services.uow_factory() as uow:
        invite = uow.orgs.invite(code)
        assert invite is not None and invite.used_at is None
