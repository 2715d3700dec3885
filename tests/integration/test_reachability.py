"""Marking a person unreachable (both backends): once per transition, told to the admins and
the holders of the superior role, with the roles and open tasks left uncovered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.definitions import load_catalog
from bot.engine.events import EventKind
from bot.persistence.uow import SqlAlchemyUnitOfWork
from bot.services.reachability import mark_reachable, mark_unreachable, unreachable_reason
from tests.integration.conftest import SAMPLE_SLUG
from tests.integration.engine_helpers import ROOT, WITA, events, make_engine, person_id
from tests.integration.seed004_play import SOP

UowFactory = Callable[[], SqlAlchemyUnitOfWork]
ADMIN, KABID, KASUBID, ANALIS = (f"9999000000000000{n:02d}" for n in (1, 2, 3, 4))
NOW = datetime(2026, 10, 12, 8, 0, tzinfo=WITA)


def test_reasons_are_telegrams_words() -> None:
    assert unreachable_reason("Forbidden: bot was blocked by the user") == (
        "bot was blocked by the user"
    )
    assert unreachable_reason("Chat not found") == "chat not found"
    assert unreachable_reason("Forbidden: user is deactivated") == "user is deactivated"
    assert unreachable_reason("Bad Request: message is too long") is None


def test_once_per_transition_to_the_admins_and_the_superior(
    uow_factory: UowFactory, sample_org: str
) -> None:
    engine = make_engine(uow_factory)
    engine.start_run(SOP, SAMPLE_SLUG, "2026-TW3", now=NOW, units=["BID-IWK"])
    catalog = load_catalog([ROOT / "sop_definitions"])
    ids = {nip: person_id(uow_factory, SAMPLE_SLUG, nip) for nip in (ADMIN, KABID, KASUBID)}

    def mark(nip: str) -> bool:
        with uow_factory() as uow:
            changed = mark_unreachable(
                uow, catalog, ids[nip], reason="bot was blocked by the user", now=NOW
            )
            uow.commit()
            return changed

    assert mark(KABID) and not mark(KABID)  # the second failed send tells nobody again
    assert mark(KASUBID)
    told = events(uow_factory, EventKind.PERSON_UNREACHABLE.value)
    assert len(told) == 2
    kabid, kasubid = (event.payload for event in told)
    assert kabid["recipients"] == [ids[ADMIN]]  # the Kabid has no superior role
    assert [t["step_no"] for t in kabid["tasks"]] == [1]
    assert [r["role_name"] for r in kabid["roles"]] == ["Kabid"]
    assert kasubid["recipients"] == [ids[ADMIN], ids[KABID]]
    assert kasubid["superior_names"] == ["Andi Baso Fiktif"] and kasubid["tasks"] == []
    with uow_factory() as uow:
        person = uow.orgs.person_by_id(ids[KABID])
        assert person is not None and person.reachable is False

    with uow_factory() as uow:
        assert mark_reachable(uow, catalog, ids[KABID], now=NOW)
        assert not mark_reachable(uow, catalog, ids[KABID], now=NOW)
        uow.commit()
    back = events(uow_factory, EventKind.PERSON_REACHABLE.value)
    assert [e.payload["person_id"] for e in back] == [ids[KABID]]
