"""Two organisations in one deployment: nobody in one can see or touch the other's work.

Organisation A is the sample Kesbangpol (WITA); B is a copy with its own people,
unit names and calendar (WIB), running the same SOP. A member of B presses
buttons forged with A's task, indicator and unit ids, types into a conversation
pointing at A's task, asks /tugas, /status and /laporan, and redeems A's invite:
each is refused or shows B alone, and A's rows stay as they were.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from bot.fakebotapi.users import FakeUser
from bot.imports.invites import create_invite
from bot.persistence.models import Decision, Measurement, Run, Task
from bot.services.conversation import position_set as _position_set
from bot.services.report_menu import ReportChoice
from bot.telegram.callbacks import Action, Callback
from bot.telegram.outbox import dispatch_pending
from tests.e2e.sopbot_app import Running
from tests.integration.engine_helpers import fill_all
from tests.integration.second_org import OTHER_SLUG, import_second_org, other_nip

ORG_A = "contoh-kesbangpol-jeneponto"
SOP = "kesbangpol-jeneponto-pengumpulan-data-kinerja"
NIP = {  # the sample organisation's people; B's are other_nip(...) of these
    "kabid_iwk": "999900000000000002",
    "kasubid_iwk": "999900000000000003",
    "analis_iwk": "999900000000000004",
    "kabid_pdn": "999900000000000005",
    "kasubid_pdn": "999900000000000006",
    "analis_pdn": "999900000000000007",
}
NOT_FOUND = "Tugas tidak ditemukan"


def _pid(bot: Running, slug: str, nip: str) -> int:
    with bot.services.uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        assert org is not None
        person = uow.orgs.person_by_nip(org.id, nip)
        assert person is not None, nip
        return person.id


async def _join(bot: Running, user_id: int, slug: str, role: str, nip: str, unit: str) -> FakeUser:
    with bot.services.uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        assert org is not None
        code = create_invite(
            uow, org, role_key=role, unit_code=unit, person_ref=nip, days=7, now=bot.clock.now
        ).code
        uow.commit()
    user = bot.api.user(user_id, f"Pengguna {user_id}")
    await user.send_command("/start", code)
    await user.wait_for_message(lambda m: "Selamat" in m.text or "bergabung" in m.text)
    return user


def _task(bot: Running, person: int, step: int, unit_code: str, slug: str = ORG_A) -> int:
    with bot.services.uow_factory() as uow:
        org = uow.orgs.organisation(slug)
        unit = uow.orgs.unit(org.id, unit_code)  # type: ignore[union-attr]
        name = unit.name  # type: ignore[union-attr]
    found = [
        v.task_id
        for v in bot.services.engine.open_tasks(person, now=bot.clock.now)
        if v.step_no == step and v.unit_name == name
    ]
    assert len(found) == 1, (person, step, unit_code, found)
    return found[0]


def _snapshot(bot: Running) -> dict[str, list[Any]]:
    """What a press must never change: runs, tasks, measurements and decisions."""
    with bot.services.uow_factory() as uow:
        session = uow.work.session
        return {
            "runs": [(r.id, r.state, r.current_step) for r in session.scalars(select(Run))],
            "tasks": [
                (t.id, t.state, t.round, t.finished_at)
                for t in session.scalars(select(Task).order_by(Task.id))
            ],
            "measurements": [
                (m.id, m.value, m.state, m.is_current)
                for m in session.scalars(select(Measurement).order_by(Measurement.id))
            ],
            "decisions": [d.id for d in session.scalars(select(Decision))],
        }


async def _play_a(bot: Running) -> dict[str, int]:
    """A's run: BID-IWK waits for the Kabid's review, BID-PDN for the analyst's figures
    (one already saved), BID-KNPK for its Kabid's step 1 (a plain task)."""
    engine, clock = bot.services.engine, bot.clock
    engine.start_run(SOP, ORG_A, "2026-TW3", now=clock.now, units=["BID-IWK", "BID-PDN"])
    ids = {key: _pid(bot, ORG_A, nip) for key, nip in NIP.items()}
    for bidang in ("iwk", "pdn"):
        code = f"BID-{bidang.upper()}"
        kabid, kasubid, analis = (ids[f"{r}_{bidang}"] for r in ("kabid", "kasubid", "analis"))
        engine.complete_task(_task(bot, kabid, 1, code), kabid, now=clock.advance(minutes=5))
        engine.complete_task(_task(bot, kasubid, 2, code), kasubid, now=clock.advance(minutes=5))
        entry = _task(bot, analis, 3, code)
        if bidang == "pdn":
            first = engine.input_sheet(entry, analis, now=clock.now)[0]
            engine.save_value(
                entry, analis, first.indicator_id, value=Decimal(50), now=clock.advance(minutes=1)
            )
            continue
        fill_all(engine, entry, analis, clock.advance(minutes=30))
        engine.complete_task(entry, analis, now=clock.advance(minutes=5))
        check = _task(bot, kasubid, 4, code)
        engine.complete_task(check, kasubid, now=clock.advance(minutes=5))
    plain_run = engine.start_run(SOP, ORG_A, "2026-TW2", now=clock.now, units=["BID-KNPK"])
    assert plain_run
    kabid_knpk = _pid(bot, ORG_A, "999900000000000008")
    review = _task(bot, ids["kabid_iwk"], 5, "BID-IWK")
    entry = _task(bot, ids["analis_pdn"], 3, "BID-PDN")
    return {
        "review": review,
        "entry": entry,
        "plain": _task(bot, kabid_knpk, 1, "BID-KNPK"),
        "indicator": engine.input_sheet(entry, ids["analis_pdn"], now=clock.now)[0].indicator_id,
        "review_indicator": engine.input_sheet(review, ids["kabid_iwk"], now=clock.now)[
            0
        ].indicator_id,
        "analis_pdn": ids["analis_pdn"],
    }


async def _setup(bot: Running) -> tuple[dict[str, int], dict[str, FakeUser]]:
    import_second_org(bot.services.uow_factory)
    users = {
        "a_kabid": await _join(bot, 7001, ORG_A, "kabid", NIP["kabid_iwk"], "BID-IWK"),
        "b_kabid": await _join(
            bot, 7101, OTHER_SLUG, "kabid", other_nip(NIP["kabid_iwk"]), "BID-IWK"
        ),
        "b_analis": await _join(
            bot, 7103, OTHER_SLUG, "analis", other_nip(NIP["analis_iwk"]), "BID-IWK"
        ),
    }
    a = await _play_a(bot)
    bot.services.engine.start_run(SOP, OTHER_SLUG, "2026-TW3", now=bot.clock.now, units=["BID-IWK"])
    await dispatch_pending(bot.application.bot, bot.services)
    return a, users


async def _press(user: FakeUser, action: Action, task_id: int, argument: int | None = None) -> str:
    """Press a forged button on the user's own last bot message; the bot's reply, if any."""
    target = next(m for m in reversed(user.messages()) if m.from_bot)
    before = len(user.messages())
    record = await user.press(target, Callback(action, task_id, argument).encode(), force=True)
    await user.wait_answered(record)
    if action in (Action.CONFIRM, Action.NO_DATA, Action.RETYPE, Action.SKIP):
        return ""  # these check the conversation's position first: a stranger's press is ignored
    reply = await user.wait_for_message()
    assert len(user.messages()) > before
    return reply.text


async def test_forged_buttons_of_another_organisation_change_nothing(bot: Running) -> None:
    a, users = await _setup(bot)
    kabid_b, analis_b = users["b_kabid"], users["b_analis"]
    before = _snapshot(bot)

    for action, task_key, argument in [
        (Action.OPEN, "plain", None),
        (Action.DONE, "plain", None),
        (Action.OPEN, "review", None),
        (Action.APPROVE, "review", None),
        (Action.RETURN, "review", None),
    ]:
        text = await _press(kabid_b, action, a[task_key], argument)
        assert NOT_FOUND in text, (action, text)
    text = await _press(kabid_b, Action.TICK, a["review"], a["review_indicator"])
    assert NOT_FOUND in text  # the task is checked before anything else
    for action, argument in [
        (Action.FILL, None),
        (Action.EDIT, a["indicator"]),
        (Action.SUMMARY, None),
        (Action.SUBMIT, None),
    ]:
        text = await _press(analis_b, action, a["entry"], argument)
        assert NOT_FOUND in text, (action, text)
    for action in (Action.CONFIRM, Action.NO_DATA, Action.RETYPE, Action.SKIP):
        await _press(analis_b, action, a["entry"], a["indicator"])

    # A conversation position pointing at A's task (a forged or stale state): typing into
    # it is refused by the engine, for a value and for a return's reason alike.
    services = bot.services
    await set_state(
        services,
        analis_b.user_id,
        {"mode": "input_value", "task_id": a["entry"], "indicator_id": a["indicator"]},
    )
    await analis_b.send_text("85")
    assert NOT_FOUND in (await analis_b.wait_for_message()).text
    await set_state(
        services,
        analis_b.user_id,
        {
            "mode": "input_confirm",
            "task_id": a["entry"],
            "indicator_id": a["indicator"],
            "pending": "85",
            "shown": "85",
        },
    )
    await _press_expecting(analis_b, Action.CONFIRM, a["entry"], a["indicator"])
    await set_state(
        services,
        kabid_b.user_id,
        {
            "mode": "review_reason",
            "task_id": a["review"],
            "card_chat_id": kabid_b.user_id,
            "card_message_id": kabid_b.messages()[-1].message_id,
            "ticked": [],
        },
    )
    await kabid_b.send_text("Data belum lengkap")
    assert NOT_FOUND in (await kabid_b.wait_for_message()).text

    assert _snapshot(bot) == before
    # A's own Kabid still sees and decides the review.
    kabid_a = users["a_kabid"]
    await kabid_a.send_command("/tugas")
    listing = await kabid_a.wait_for_message(lambda m: "Langkah 5" in m.text or "5" in m.text)
    assert any(b.callback_data == f"o:{a['review']}" for row in listing.buttons for b in row)


async def _press_expecting(user: FakeUser, action: Action, task_id: int, argument: int) -> None:
    target = next(m for m in reversed(user.messages()) if m.from_bot)
    record = await user.press(target, Callback(action, task_id, argument).encode(), force=True)
    await user.wait_answered(record)
    assert NOT_FOUND in (await user.wait_for_message()).text


async def test_lists_status_and_reports_show_only_the_own_organisation(bot: Running) -> None:
    a, users = await _setup(bot)
    kabid_a, kabid_b, analis_b = users["a_kabid"], users["b_kabid"], users["b_analis"]

    # Each organisation's calendar: the same moment shown in WITA to A and in WIB to B.
    assigned_a = [m.text for m in kabid_a.messages() if "Tugas baru" in m.text]
    assigned_b = [m.text for m in kabid_b.messages() if "Tugas baru" in m.text]
    assert assigned_a and all("WITA" in t and "WIB" not in t for t in assigned_a)
    assert assigned_b and all("WIB" in t and "WITA" not in t for t in assigned_b)

    await kabid_b.send_command("/tugas")
    tasks_b = await kabid_b.wait_for_message(lambda m: "Langkah" in m.text or "tugas" in m.text)
    ids_b = {b.callback_data for row in tasks_b.buttons for b in row}
    assert ids_b and all(int(d.split(":")[1]) not in a.values() for d in ids_b)
    assert "(Barat)" in tasks_b.text

    await kabid_b.send_command("/status")
    status_b = await kabid_b.wait_for_message(lambda m: "Pengumpulan" in m.text or "Data" in m.text)
    _only_b(status_b.text)
    assert "WITA" not in status_b.text
    await analis_b.send_command("/status")
    _only_b((await analis_b.wait_for_message()).text)

    # /laporan: B's unit buttons are B's units; a forged press with A's unit id is refused.
    with bot.services.uow_factory() as uow:
        org_a = uow.orgs.organisation(ORG_A)
        unit_ids_a = {u.id for u in uow.orgs.units(org_a.id)}  # type: ignore[union-attr]
    await kabid_b.send_command("/laporan")
    menu = await kabid_b.wait_for_message(lambda m: bool(m.buttons))
    first_period = menu.buttons[0][0]
    await kabid_b.press(menu, first_period.text)
    units = await kabid_b.wait_for_edit(menu)
    offered = [b.callback_data for row in units.buttons for b in row]
    assert offered
    assert all(int(d.split(":")[2]) not in unit_ids_a for d in offered)
    number = int(first_period.callback_data.split(":")[1])
    assert ReportChoice.from_number(number) is not None
    before = len(kabid_b.messages())
    record = await kabid_b.press(
        units, f"{Action.REPORT_UNIT.value}:{number}:{min(unit_ids_a)}", force=True
    )
    await kabid_b.wait_answered(record)
    refused = await kabid_b.wait_for_message()
    assert "tidak dapat Bapak/Ibu minta" in refused.text
    assert not any(m.kind in ("document", "photo") for m in kabid_b.messages()[before:])


def _only_b(text: str) -> None:
    """Every unit or person of the shared structure named in ``text`` is B's ("... Barat")."""
    for a_name in (
        "Bidang Ideologi, Wawasan Kebangsaan dan Karakter Bangsa",
        "Bidang Politik Dalam Negeri dan Organisasi Kemasyarakatan",
        "Andi Baso Fiktif",
        "Rahmawati Sampel",
    ):
        assert text.count(a_name) == text.count(f"{a_name} (Barat)") + text.count(
            f"{a_name} Barat"
        ), (a_name, text)


async def test_an_invite_of_another_organisation_is_refused(bot: Running) -> None:
    _, users = await _setup(bot)
    kabid_b = users["b_kabid"]
    # An open invite of A for a new person the admin names.
    code = bot.invite("kabid", "BID-PDN", None, name="Calon Kabid PDN")
    await kabid_b.send_command("/start", code)
    refused = await kabid_b.wait_for_message()
    assert "sudah terhubung" in refused.text
    with bot.services.uow_factory() as uow:
        person = uow.orgs.person_by_telegram_id(kabid_b.user_id)
        assert person is not None
        org = uow.orgs.organisation_by_id(person.organisation_id)
        assert org is not None and org.slug == OTHER_SLUG
        assert {a.unit.organisation_id for a in uow.orgs.assignments_of(person.id)} == {org.id}


async def set_state(services, user_id: int, state: dict) -> None:
    """A stored position of the old shape (as a forged or stale state would be)."""
    await asyncio.to_thread(_position_set, services, user_id, state)
