"""issue 19: the admin's menu against the in-memory unit of work. Each call is one update:
the admin check, the change with the admin as the audit's actor, and where the menu
waits next, as the transition table's admin block says."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import select

from bot.cli.audit import ACTIONS, run_audit
from bot.conversation.state import (
    ADMIN_SLOT,
    AwaitingFile,
    ChoosingPeriod,
    InvitingPerson,
    InvitingRole,
    ReopenReason,
    ReviewingUpload,
)
from bot.conversation.table import Effect
from bot.imports.targets_template import write_targets_workbook
from bot.persistence.models import AdminUpload, AuditEvent, Run
from bot.render.texts import render
from bot.services import admin, admin_runs, admin_upload, conversation
from bot.services.admin import Section
from tests.integration.engine_helpers import fill_all, finish, single_task
from tests.unit.services.conftest import SOP, World

BOT = "sopbot_kantor_bot"
FITRIANI = "999900000000000007"  # analis BID-PDN in the sample file, no Telegram account


def _shown(outcome) -> str:  # type: ignore[no-untyped-def]
    """The message the handler renders for an admin outcome (the template must render)."""
    assert outcome.admin is not None
    return render("admin", view=outcome.admin.view, **outcome.admin.context)


def _admin(world: World) -> int:
    return world.chat_of("admin")


def _slot(world: World, chat: int):  # type: ignore[no-untyped-def]
    return conversation.conversation_of(world.services, chat).at(ADMIN_SLOT)


def _audit(world: World, action: str) -> list[SimpleNamespace]:
    """(actor_id, after) of the audit entries of ``action``, oldest first."""
    with world.uow_factory() as uow:
        rows = uow.audit.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
        return [SimpleNamespace(actor_id=r.actor_id, after=r.after) for r in rows]


def _unit_id(world: World, code: str) -> int:
    with world.uow_factory() as uow:
        org = uow.orgs.organisation(world.slug)
        unit = uow.orgs.unit(org.id, code)  # type: ignore[union-attr]
        assert unit is not None
        return unit.id


def _role_index(world: World, key: str) -> int:
    shown = admin.menu(world.services, _admin(world), Section.INVITE)
    assert shown.admin is not None
    unit = admin.invite_unit(world.services, _admin(world), _unit_id(world, "BID-PDN"))
    assert unit.admin is not None
    labels = [row[0].label for row in unit.admin.rows]
    from bot.services.members import role_name

    return labels.index(role_name(world.services.catalog, key))


# --- who may ---------------------------------------------------------------------------------
def test_someone_who_is_not_an_admin_gets_nothing_and_changes_nothing(world: World) -> None:
    services, chat = world.services, world.chat_of("analis")
    calls = [
        admin.menu(services, chat),
        admin.menu(services, chat, Section.PENDING),
        admin.invite_unit(services, chat, _unit_id(world, "BID-PDN")),
        admin.reissue(services, chat, 1, bot_username=BOT),
        admin_upload.ask_file(services, chat, 1),
        admin_runs.choose_sop(services, chat, 0),
        admin_runs.choose_run(services, chat, 1),
    ]
    for outcome in calls:
        assert outcome.admin is not None and outcome.admin.refused
        assert outcome.admin.rows == () and outcome.admin.context == {}
    assert conversation.conversation_of(services, chat).empty
    stranger = admin.menu(services, 42)
    assert stranger.stranger and stranger.admin is None


# --- invites ---------------------------------------------------------------------------------
def test_an_invite_made_with_buttons_unit_role_person(world: World) -> None:
    services, chat = world.services, _admin(world)
    menu = admin.menu(services, chat)
    assert menu.admin is not None and menu.admin.view == "menu"
    units = admin.menu(services, chat, Section.INVITE)
    assert units.admin is not None
    assert any("BID-PDN" in row[0].label for row in units.admin.rows)
    index = _role_index(world, "analis")
    assert isinstance(_slot(world, chat), InvitingRole)

    people = admin.invite_role(services, chat, index)
    assert people.admin is not None and people.admin.effects == (Effect.ASK_PERSON,)
    assert isinstance(_slot(world, chat), InvitingPerson)
    labels = [row[0].label for row in people.admin.rows]
    assert labels[0].startswith("Fitriani Contoh")  # the analis of BID-PDN in the file first
    assert not any("Muh. Ilham" in label for label in labels)  # has a Telegram account

    fitriani = people.admin.rows[0][0].number
    made = admin.invite_person(services, chat, fitriani, bot_username=BOT)
    assert made.admin is not None and made.admin.view == "invite"
    link = made.admin.context["link"]
    assert link.startswith(f"https://t.me/{BOT}?start=")
    assert _slot(world, chat) is None
    with world.uow_factory() as uow:
        invite = uow.orgs.invite(link.rsplit("=", 1)[1])
        assert invite is not None and invite.person_id == fitriani
        assert invite.role_key == "analis" and invite.unit.code == "BID-PDN"
    [audit] = _audit(world, "invite_created")
    assert audit.actor_id == world.people["admin"]


def test_an_old_button_of_the_wizard_changes_nothing(world: World) -> None:
    services, chat = world.services, _admin(world)
    stale = admin.invite_role(services, chat, 0)  # no unit chosen
    assert stale.admin is not None and stale.admin.view == "stale"
    assert "sudah tidak berlaku" in _shown(stale)
    person = admin.invite_person(services, chat, world.people["kabid"], bot_username=BOT)
    assert person.admin is not None and person.admin.view == "stale"
    assert _audit(world, "invite_created") == []


def test_not_joined_per_unit_and_role_and_a_reissued_invite(world: World) -> None:
    services, chat = world.services, _admin(world)
    pending = admin.menu(services, chat, Section.PENDING)
    assert pending.admin is not None and pending.admin.view == "pending"
    waiting = pending.admin.context["waiting"]
    names = {w.person for w in waiting}
    assert "Fitriani Contoh" in names and "Andi Baso Fiktif" not in names  # Andi joined
    fitriani = next(w for w in waiting if w.person == "Fitriani Contoh")
    assert fitriani.invite == "belum diundang" and fitriani.unit.startswith("BID-PDN")
    assert [w.unit for w in waiting] == sorted(w.unit for w in waiting)

    first = admin.reissue(services, chat, fitriani.assignment_id, bot_username=BOT)
    second = admin.reissue(services, chat, fitriani.assignment_id, bot_username=BOT)
    assert first.admin is not None and second.admin is not None
    codes = [o.admin.context["code"] for o in (first, second) if o.admin]
    with world.uow_factory() as uow:
        old, new = (uow.orgs.invite(code) for code in codes)
        assert old is not None and new is not None
        assert old.expires_at <= world.clock.now < new.expires_at  # the older one stops
    again = admin.menu(services, chat, Section.PENDING)
    assert again.admin is not None
    shown = next(w for w in again.admin.context["waiting"] if w.person == "Fitriani Contoh")
    assert shown.invite == "berlaku"
    reissued = _audit(world, "invite_reissued")
    assert len(reissued) == 2 and {a.actor_id for a in reissued} == {world.people["admin"]}
    assert "Fitriani Contoh" in _shown(again) and "Kirim ulang" in _shown(again)
    with world.uow_factory() as uow:  # she opens a link meanwhile
        person = uow.orgs.person_by_id(fitriani_id(world))
        assert person is not None
        person.telegram_user_id = 123
        uow.commit()
    late = admin.reissue(services, chat, fitriani.assignment_id, bot_username=BOT)
    assert "Fitriani Contoh sudah bergabung" in _shown(late)
    assert len(_audit(world, "invite_reissued")) == 2


def fitriani_id(world: World) -> int:
    with world.uow_factory() as uow:
        org = uow.orgs.organisation(world.slug)
        person = uow.orgs.person_by_nip(org.id, FITRIANI)  # type: ignore[union-attr]
        assert person is not None
        return person.id


# --- uploads ---------------------------------------------------------------------------------
def _targets(tmp_path: Path, tw3: object, name: str = "target.xlsx") -> bytes:
    path = tmp_path / name
    indicator = {
        "kode_unit": "BID-IWK",
        "kode": "BID-IWK-01",
        "nama": "Indikator 1 Bidang Ideologi",
        "satuan": "dokumen",
    }
    new = {**indicator, "kode": "BID-IWK-09", "nama": "Indikator baru"}
    targets = [
        {"kode": "BID-IWK-01", "tahun": 2026, "tw3": tw3, "tw4": 100},
        {"kode": "BID-IWK-09", "tahun": 2026, "tw1": 5, "tw2": 5},
    ]
    write_targets_workbook(path, [indicator, new], targets)
    return path.read_bytes()


def _tw3(world: World, code: str = "BID-IWK-01") -> Decimal | None:
    with world.uow_factory() as uow:
        org = uow.orgs.organisation(world.slug)
        indicator = uow.indicators.indicator(org.id, code)  # type: ignore[union-attr]
        if indicator is None:
            return None
        return next((t.value for t in indicator.targets if t.period == "2026-TW3"), None)


def _send(world: World, name: str, content: bytes):  # type: ignore[no-untyped-def]
    item = {"kind": "document", "file_id": "x", "file_name": name, "file_unique_id": "u"}
    return conversation.file_sent(world.services, _admin(world), item, content)


def test_a_targets_workbook_with_an_error_then_corrected_then_saved(
    world: World, tmp_path: Path
) -> None:
    services, chat = world.services, _admin(world)
    asked = admin_upload.ask_file(services, chat, 1)
    assert asked.admin is not None and asked.admin.document is not None  # the template
    assert isinstance(_slot(world, chat), AwaitingFile)

    bad = _send(world, "target.xlsx", _targets(tmp_path, "delapan puluh"))
    assert bad.admin is not None and bad.admin.view == "problems"
    [problem] = bad.admin.context["problems"]
    assert problem.startswith("Sheet Target, baris 2, kolom TW3")
    assert isinstance(_slot(world, chat), AwaitingFile)  # the file is awaited again
    assert _tw3(world) == Decimal(100) and _tw3(world, "BID-IWK-09") is None

    good = _send(world, "target.xlsx", _targets(tmp_path, 120))
    assert good.admin is not None and good.admin.view == "changes"
    counts = dict(good.admin.context["counts"])
    assert (counts["Indikator"].created, counts["Indikator"].updated) == (1, 1)
    target = counts["Target"]
    assert (target.created, target.updated, target.unchanged) == (2, 1, 1)
    changes = good.admin.context["changes"]
    assert ("diubah", "Target BID-IWK-01 Triwulan III 2026: 100 → 120") in changes
    assert ("baru", "Indikator BID-IWK-09 Indikator baru") in changes
    position = _slot(world, chat)
    assert isinstance(position, ReviewingUpload)
    assert _tw3(world) == Decimal(100) and _tw3(world, "BID-IWK-09") is None  # not yet

    saved = admin_upload.save(services, chat, position.upload_id)
    assert saved.admin is not None and saved.admin.view == "saved"
    assert _tw3(world) == Decimal(120)
    with world.uow_factory() as uow:
        org = uow.orgs.organisation(world.slug)
        assert uow.indicators.indicator(org.id, "BID-IWK-09") is not None  # type: ignore[union-attr]
    with world.uow_factory() as uow:
        assert uow.chats.upload(position.upload_id) is None
    assert _slot(world, chat) is None
    [audit] = _audit(world, "targets_import")
    assert audit.actor_id == world.people["admin"]
    assert _audit(world, "admin_upload_discarded") == []  # saved, not discarded
    again = admin_upload.save(services, chat, position.upload_id)  # a second press
    assert again.admin is not None and again.admin.view == "stale"


def test_batal_and_slash_batal_drop_the_kept_file(world: World, tmp_path: Path) -> None:
    services, chat = world.services, _admin(world)
    for leave in ("Batal", "/batal"):
        admin_upload.ask_file(services, chat, 1)
        _send(world, "target.xlsx", _targets(tmp_path, 130))
        position = _slot(world, chat)
        assert isinstance(position, ReviewingUpload)
        if leave == "Batal":
            gone = admin_upload.discard(services, chat, position.upload_id)
            assert gone.admin is not None and gone.admin.view == "discarded"
        else:
            conversation.cancel(services, chat)
        with world.uow_factory() as uow:
            assert uow.audit.session.scalars(select(AdminUpload)).all() == []
    assert _tw3(world) == Decimal(100)
    assert len(_audit(world, "admin_upload_discarded")) == 2


def test_a_wrong_kind_of_file_and_text_instead_of_a_file(world: World) -> None:
    services, chat = world.services, _admin(world)
    admin_upload.ask_file(services, chat, 1)
    wrong = _send(world, "foto.pdf", b"%PDF")
    assert wrong.admin is not None and wrong.admin.view == "problems"
    assert "bukan .xlsx" in wrong.admin.context["problems"][0]
    photo = conversation.file_sent(services, chat, {"kind": "photo", "file_id": "p"}, None)
    assert photo.admin is not None and "sebagai dokumen" in photo.admin.context["problems"][0]
    assert "sebagai dokumen" in _shown(photo)
    text = conversation.text_typed(services, chat, "sudah saya kirim")
    assert text.admin is not None and text.admin.view == "upload_waiting"
    assert "sebagai <b>dokumen</b>" in _shown(text)
    assert isinstance(_slot(world, chat), AwaitingFile)


ORG_YAML = """
organisasi: {slug: %s}
pegawai:
  - {nama: "Pegawai Baru Contoh", nip: "999900000000000099"}
peran:
  - {pegawai: "999900000000000099", peran: analis, unit: BID-PDN}
"""


def test_an_organisation_file_previewed_then_saved(world: World) -> None:
    services, chat = world.services, _admin(world)
    admin_upload.ask_file(services, chat, 2)
    other = _send(world, "org.yaml", (ORG_YAML % "kantor-lain").encode())
    assert other.admin is not None and other.admin.view == "problems"
    assert "bukan 'contoh-kesbangpol-jeneponto'" in other.admin.context["problems"][0]
    checked = _send(world, "org.yaml", (ORG_YAML % world.slug).encode())
    assert checked.admin is not None and checked.admin.view == "changes"
    assert ("baru", "Pegawai Pegawai Baru Contoh (999900000000000099)") in checked.admin.context[
        "changes"
    ]
    with world.uow_factory() as uow:
        org = uow.orgs.organisation(world.slug)
        assert uow.orgs.person_by_nip(org.id, "999900000000000099") is None  # type: ignore[union-attr]
    position = _slot(world, chat)
    assert isinstance(position, ReviewingUpload)
    admin_upload.save(services, chat, position.upload_id)
    with world.uow_factory() as uow:
        org = uow.orgs.organisation(world.slug)
        assert uow.orgs.person_by_nip(org.id, "999900000000000099") is not None  # type: ignore[union-attr]
    audit = _audit(world, "org_import")[-1]  # the first: the fixture's own import
    assert audit.actor_id == world.people["admin"]


# --- runs ------------------------------------------------------------------------------------
def test_a_run_started_for_an_sop_and_a_period_of_its_frequency(world: World) -> None:
    services, chat = world.services, _admin(world)
    sops = admin.menu(services, chat, Section.RUN)
    assert sops.admin is not None and len(sops.admin.rows) == 1
    periods = admin_runs.choose_sop(services, chat, 0)
    assert periods.admin is not None and isinstance(_slot(world, chat), ChoosingPeriod)
    labels = [row[0].label for row in periods.admin.rows]
    assert labels == ["Triwulan III 2026", "Triwulan IV 2026", "Triwulan II 2026"]
    started = admin_runs.choose_period(services, chat, periods.admin.rows[0][0].number)
    assert started.admin is not None and started.admin.view == "run_started"
    assert started.notify and _slot(world, chat) is None
    with world.uow_factory() as uow:
        [run] = uow.audit.session.scalars(select(Run)).all()
        assert run.sop_id.startswith(SOP) and run.period == "2026-TW3"
        run_id = run.id
    [audit] = _audit(world, "run_started")
    assert audit.actor_id == world.people["admin"]
    with world.uow_factory() as uow:  # `sopbot audit --run N` names the admin
        [line] = [x for x in run_audit(uow, run_id) if x.action == ACTIONS["run_started"]]
    assert line.actor == "Nurul Hidayah Contoh"

    admin_runs.choose_sop(services, chat, 0)
    twice = admin_runs.choose_period(services, chat, periods.admin.rows[0][0].number)
    assert twice.admin is not None and twice.admin.view == "refused"
    assert _shown(twice).startswith("Maaf, tidak dapat dilakukan:")
    assert _slot(world, chat) is None


def _approved_run(world: World) -> int:
    engine, clock, people = world.services.engine, world.clock, world.people
    run_id = engine.start_run(SOP, world.slug, "2026-TW3", now=clock.now, unit="BID-IWK")
    finish(engine, people["kabid"], 1, clock.advance(minutes=5))
    finish(engine, people["kasubid"], 2, clock.advance(minutes=5))
    entry = single_task(engine, people["analis"], clock.now, 3)
    fill_all(engine, entry, people["analis"], clock.advance(minutes=30))
    engine.complete_task(entry, people["analis"], now=clock.advance(minutes=5))
    finish(engine, people["kasubid"], 4, clock.advance(minutes=5))
    task = single_task(engine, people["kabid"], clock.now, 5)
    engine.decide(task, people["kabid"], approve=True, now=clock.advance(minutes=5))
    return run_id


def test_a_units_approved_figures_reopened_with_a_reason(world: World) -> None:
    services, chat = world.services, _admin(world)
    run_id = _approved_run(world)
    runs = admin.menu(services, chat, Section.REOPEN)
    assert runs.admin is not None and [r[0].number for r in runs.admin.rows] == [run_id]
    units = admin_runs.choose_run(services, chat, run_id)
    assert units.admin is not None
    [[unit]] = units.admin.rows
    asked = admin_runs.choose_unit(services, chat, unit.number)
    assert asked.admin is not None and isinstance(_slot(world, chat), ReopenReason)
    empty = conversation.text_typed(services, chat, "   ")
    assert empty.admin is not None and empty.admin.view == "reopen_refused"
    assert "wajib disertai alasan" in _shown(empty)
    assert isinstance(_slot(world, chat), ReopenReason)
    done = conversation.text_typed(services, chat, "Angka IWK-01 salah ketik")
    assert done.admin is not None and done.admin.view == "reopened" and done.notify
    assert _slot(world, chat) is None
    [audit] = _audit(world, "unit_reopened")
    assert audit.actor_id == world.people["admin"]
    assert audit.after is not None and audit.after["reason"] == "Angka IWK-01 salah ketik"
    with world.uow_factory() as uow:  # `sopbot audit --run N` names the admin
        lines = run_audit(uow, run_id)
    [line] = [line for line in lines if line.action == "Dibuka kembali"]
    assert line.actor == "Nurul Hidayah Contoh" and "Angka IWK-01 salah ketik" in line.details
    kasubid = world.services.engine.open_tasks(world.people["kasubid"], now=world.clock.now)
    [again] = [t for t in kasubid if t.task_id == done.admin.context["task"]]
    assert (again.round, again.reason) == (2, "Angka IWK-01 salah ketik")


def test_text_or_a_file_where_a_button_is_awaited(world: World) -> None:
    services, chat = world.services, _admin(world)
    admin.invite_unit(services, chat, _unit_id(world, "BID-PDN"))
    typed = conversation.text_typed(services, chat, "analis")
    assert typed.admin is not None and "pilih dengan tombol" in _shown(typed)
    sent = _send(world, "target.xlsx", b"PK")
    assert sent.admin is not None and "tidak sedang ditunggu" in _shown(sent)
    assert isinstance(_slot(world, chat), InvitingRole)  # still waiting for the role
    conversation.cancel(services, chat)
    assert _slot(world, chat) is None


def test_long_button_labels_end_at_a_word() -> None:
    from bot.services.admin import short

    assert short("Pelaksanaan #1 — Triwulan III 2026 — Pengumpulan Data Kinerja") == (
        "Pelaksanaan #1 — Triwulan III 2026 — Pengumpulan Data Kinerja"
    )
    long = "BID-PDN — Bidang Politik Dalam Negeri dan Organisasi Kemasyarakatan"
    assert short(long) == "BID-PDN — Bidang Politik Dalam Negeri dan Organisasi…"


def test_the_file_s_admin_list_is_who_sees_the_menu(world: World) -> None:
    services, chat = world.services, _admin(world)
    admin_upload.ask_file(services, chat, 2)
    text = f"organisasi: {{slug: {world.slug}, admin: ['999900000000000002']}}\n"
    checked = _send(world, "org.yaml", text.encode())
    assert checked.admin is not None
    assert ("diubah", "Admin: Andi Baso Fiktif") in checked.admin.context["changes"]
    position = _slot(world, chat)
    assert isinstance(position, ReviewingUpload)
    admin_upload.save(services, chat, position.upload_id)
    gone = admin.menu(services, chat)  # the Kasubag is no longer named: no menu
    assert gone.admin is not None and gone.admin.refused
    kabid = admin.menu(services, world.chat_of("kabid"))
    assert kabid.admin is not None and kabid.admin.view == "menu"


def test_another_menu_button_drops_a_file_left_unsaved(world: World, tmp_path: Path) -> None:
    services, chat = world.services, _admin(world)
    admin_upload.ask_file(services, chat, 1)
    _send(world, "target.xlsx", _targets(tmp_path, 140))
    assert isinstance(_slot(world, chat), ReviewingUpload)
    admin.menu(services, chat, Section.INVITE)  # the admin went on to something else
    with world.uow_factory() as uow:
        assert uow.audit.session.scalars(select(AdminUpload)).all() == []
    assert len(_audit(world, "admin_upload_discarded")) == 1
    assert _tw3(world) == Decimal(100)
