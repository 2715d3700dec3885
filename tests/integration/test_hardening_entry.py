"""Issue 18: free text is cleaned wherever it enters; names come from the organisation
file or the admin, never from a Telegram profile; invite guessing is throttled."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.imports.invites import InviteError, create_invite
from bot.imports.org_file import read_org_file
from bot.imports.org_import import import_org
from bot.imports.problems import Problems
from bot.services.onboarding import (
    ACCOUNT_LIMIT,
    OnboardingError,
    Throttled,
    redeem_invite,
)
from bot.simulate.setup import SAMPLE_SLUG
from tests.integration.engine_helpers import (
    Clock,
    fill_all,
    finish,
    person_id,
    single_task,
)
from tests.integration.engine_helpers import make_engine as make_sop_engine

KABID, KASUBID, ANALIS = "999900000000000002", "999900000000000003", "999900000000000004"
RLO, ZWSP, LRI, PDI = "\u202e", "\u200b", "\u2066", "\u2069"


def test_kendala_tindak_lanjut_no_data_and_reasons_are_cleaned(uow_factory, sample_org) -> None:
    engine, clock = make_sop_engine(uow_factory), Clock()
    now = clock.now
    engine.start_run("kesbangpol", SAMPLE_SLUG, "2026-TW3", now=now)
    finish(engine, person_id(uow_factory, SAMPLE_SLUG, KABID), 1, now)  # steps 1-2: plain
    kasubid = person_id(uow_factory, SAMPLE_SLUG, KASUBID)
    finish(engine, kasubid, 2, now)
    analyst = person_id(uow_factory, SAMPLE_SLUG, ANALIS)
    task = single_task(engine, analyst, now, 3)
    lines = engine.input_sheet(task, analyst, now=now)
    first, second = lines[0].indicator_id, lines[1].indicator_id
    engine.save_value(
        task,
        analyst,
        first,
        now=now,
        value=Decimal(40),
        kendala=f"Anggaran {RLO}<script>{ZWSP} terlambat",
        tindak_lanjut=f"{LRI}Koordinasi{PDI} BPKAD 👍",
    )
    engine.save_value(task, analyst, second, now=now, no_data_reason=f"Survei{ZWSP} belum{RLO}")
    with uow_factory() as uow:
        one = uow.work.current_measurement(first, "2026-TW3")
        two = uow.work.current_measurement(second, "2026-TW3")
        assert one is not None and two is not None
        assert one.kendala == "Anggaran <script> terlambat"
        assert one.tindak_lanjut == "Koordinasi BPKAD 👍"
        assert two.no_data_reason == "Survei belum"
    fill_all(engine, task, analyst, now)
    engine.complete_task(task, analyst, now=now)
    finish(engine, kasubid, 4, now)
    kabid = person_id(uow_factory, SAMPLE_SLUG, KABID)
    review = single_task(engine, kabid, now, 5)
    engine.decide(review, kabid, approve=False, now=now, reason=f"{RLO}Kurang{ZWSP} bukti")
    with uow_factory() as uow:
        (decision,) = uow.work.decisions_for_task(review)
        assert decision.reason == "Kurang bukti"


def test_names_in_the_organisation_file_are_cleaned(uow_factory, tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    path.write_text(
        "organisasi: {slug: dinas-uji, nama: Dinas Uji}\n"
        "unit:\n"
        f'  - {{kode: BID-1, nama: "Bidang{ZWSP} Satu", jenis: bidang}}\n'
        "pegawai:\n"
        f'  - {{nama: "Budi {RLO}Contoh", nip: "999900000000000101"}}\n'
        "peran:\n"
        '  - {pegawai: "999900000000000101", peran: kabid, unit: BID-1}\n',
        encoding="utf-8",
    )
    problems = Problems()
    data = read_org_file(path, problems)
    problems.raise_if_any()
    with uow_factory() as uow:
        import_org(uow, data, None)
        uow.commit()
    with uow_factory() as uow:
        org = uow.orgs.organisation("dinas-uji")
        assert org is not None
        person = uow.orgs.person_by_nip(org.id, "999900000000000101")
        assert person is not None and person.name == "Budi Contoh"
        unit = uow.orgs.unit(org.id, "BID-1")
        assert unit is not None and unit.name == "Bidang Satu"


def _org(uow):
    org = uow.orgs.organisation(SAMPLE_SLUG)
    assert org is not None
    return org


def test_an_invite_without_a_person_carries_the_admins_name(uow_factory, sample_org) -> None:
    now = Clock().now
    with uow_factory() as uow:
        with pytest.raises(InviteError, match="nama"):
            create_invite(
                uow, _org(uow), role_key="analis", unit_code="BID-IWK", person_ref=None,
                days=7, now=now,
            )  # fmt: skip
        code = create_invite(
            uow, _org(uow), role_key="analis", unit_code="BID-IWK", person_ref=None,
            name=f"Sari {ZWSP}Wulandari", days=7, now=now,
        ).code  # fmt: skip
        uow.commit()
    with uow_factory() as uow:
        joined = redeem_invite(
            uow, code, telegram_user_id=7001, display_name=f"{RLO}Admin Palsu", now=now
        )
        uow.commit()
    assert joined.person_name == "Sari Wulandari"
    with uow_factory() as uow:
        person = uow.orgs.person_by_telegram_id(7001)
        assert person is not None and person.name == "Sari Wulandari"
        events = [e for e in uow.audit.events_for("invite", joined_invite_id(uow, code))]
        assert all("Admin Palsu" not in str(e.after) for e in events)


def joined_invite_id(uow, code: str) -> int:
    invite = uow.orgs.invite(code)
    assert invite is not None
    return invite.id


def test_an_old_invite_without_person_or_name_does_not_take_the_profile_name(
    uow_factory, sample_org
) -> None:
    from bot.persistence.models import Invite

    now = Clock().now
    with uow_factory() as uow:
        org = _org(uow)
        unit = uow.orgs.unit(org.id, "BID-IWK")
        uow.orgs.add(
            Invite(
                code="lama-tanpa-nama",
                organisation_id=org.id,
                role_key="analis",
                unit=unit,
                created_at=now,
                expires_at=now + timedelta(days=7),
            )
        )
        uow.commit()
    with uow_factory() as uow, pytest.raises(OnboardingError, match="nama"):
        redeem_invite(uow, "lama-tanpa-nama", telegram_user_id=7002, display_name="X", now=now)
    with uow_factory() as uow:
        assert uow.orgs.person_by_telegram_id(7002) is None


def test_wrong_codes_are_throttled_per_account_and_audited(uow_factory, sample_org) -> None:
    clock = Clock()
    with uow_factory() as uow:
        good = create_invite(
            uow, _org(uow), role_key="kabid", unit_code="BID-IWK", person_ref=KABID,
            days=7, now=clock.now,
        ).code  # fmt: skip
        uow.commit()

    def attempt(code: str, user: int = 7100) -> None:
        with uow_factory() as uow:
            try:
                redeem_invite(uow, code, telegram_user_id=user, display_name="Tebak", now=clock.now)
            finally:
                uow.commit()  # a refusal is remembered (the attempt and its audit)

    for n in range(ACCOUNT_LIMIT):
        with pytest.raises(OnboardingError, match="tidak dikenal"):
            attempt(f"tebakan{n}")
    # The next try, even with the right code, is refused: guessing is slowed, not answered.
    with pytest.raises(Throttled, match="Terlalu banyak") as refused:
        attempt(good)
    assert "jam" in str(refused.value) or "menit" in str(refused.value)
    # Another account is not held back by this one.
    with pytest.raises(OnboardingError, match="tidak dikenal"):
        attempt("tebakan-lain", user=7200)
    with uow_factory() as uow:
        invite = uow.orgs.invite(good)
        assert invite is not None and invite.used_at is None
        audited = uow.audit.events_for("telegram_user", 7100)
        assert all("Tebak" not in str(e.after) for e in audited)  # no profile name
        actions = [e.action for e in audited]
        assert actions.count("invite_failed") == ACCOUNT_LIMIT
        assert "invite_throttled" in actions
    # An hour later the account may try again (the attempts are in the database, so a
    # restart forgets nothing and changes nothing).
    clock.now += timedelta(hours=1, minutes=1)
    attempt(good)
    with uow_factory() as uow:
        person = uow.orgs.person_by_telegram_id(7100)
        assert person is not None and person.name != "Tebak"


def test_many_accounts_guessing_at_once_are_throttled_overall(
    uow_factory, sample_org, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.services.onboarding as onboarding

    monkeypatch.setattr(onboarding, "OVERALL_LIMIT", 6)
    clock = Clock()
    for user in range(6):
        with uow_factory() as uow, pytest.raises(OnboardingError, match="tidak dikenal"):
            try:
                redeem_invite(uow, f"x{user}", telegram_user_id=8100 + user, display_name="T",
                              now=clock.now)  # fmt: skip
            finally:
                uow.commit()
    with uow_factory() as uow, pytest.raises(Throttled, match="Terlalu banyak"):
        redeem_invite(uow, "x", telegram_user_id=8200, display_name="T", now=clock.now)
