"""Play SOP 004 for one quarter on the sample organisation, for tests that need a finished run."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from bot.engine import Engine
from tests.integration.engine_helpers import Clock, fill_all, person_id

SOP = "kesbangpol-jeneponto-pengumpulan-data-kinerja"
BIDANG = {
    # bidang: (kabid, kasubid, analis) NIPs in the sample organisation (from 1 July)
    "BID-IWK": ("999900000000000002", "999900000000000003", "999900000000000004"),
    "BID-PDN": ("999900000000000005", "999900000000000006", "999900000000000007"),
    "BID-KNPK": ("999900000000000008", "999900000000000009", "999900000000000010"),
}
PLT_KABID_KNPK = "999900000000000005"
"""The Kabid PDN is Plt Kabid KNPK until 30 June 2026."""
KASUBAG_PERENCANAAN = "999900000000000001"


def play_quarter(
    engine: Engine,
    uow_factory,  # type: ignore[no-untyped-def]
    slug: str,
    period: str,
    clock: Clock,
    *,
    value: Decimal = Decimal(90),
    return_once: str | None = None,
) -> int:
    """Steps 1-6 for every bidang; ``return_once`` names a bidang whose Kabid returns it once.

    Before July the Plt Kabid decides for BID-KNPK. Returns the run id.
    """
    run_id = engine.start_run(SOP, slug, period, now=clock.now)
    for code, nips in BIDANG.items():
        kabid_nip = nips[0]
        if code == "BID-KNPK" and clock.now < datetime(2026, 7, 1, tzinfo=clock.now.tzinfo):
            kabid_nip = PLT_KABID_KNPK
        kabid, kasubid, analis = (person_id(uow_factory, slug, n) for n in (kabid_nip, *nips[1:]))
        with uow_factory() as uow:
            org = uow.orgs.organisation(slug)
            unit = uow.orgs.unit(org.id, code).name  # type: ignore[union-attr]

        def task(person: int, step: int, unit: str = unit) -> int:
            found = [
                t.task_id
                for t in engine.open_tasks(person, now=clock.now)
                if t.step_no == step and t.unit_name == unit
            ]
            assert len(found) == 1, (person, step, unit, found)
            return found[0]

        engine.complete_task(task(kabid, 1), kabid, now=clock.advance(minutes=5))
        engine.complete_task(task(kasubid, 2), kasubid, now=clock.advance(minutes=5))
        entry = task(analis, 3)
        fill_all(engine, entry, analis, clock.advance(hours=1), value=value)
        engine.complete_task(entry, analis, now=clock.advance(minutes=5))
        engine.complete_task(task(kasubid, 4), kasubid, now=clock.advance(hours=1))
        if code == return_once:
            engine.decide(
                task(kabid, 5),
                kabid,
                approve=False,
                reason="Periksa lagi",
                now=clock.advance(minutes=9),
            )
            engine.complete_task(task(kasubid, 4), kasubid, now=clock.advance(minutes=30))
        engine.decide(task(kabid, 5), kabid, approve=True, now=clock.advance(minutes=30))
    kasubag = person_id(uow_factory, slug, KASUBAG_PERENCANAAN)
    [join] = [t.task_id for t in engine.open_tasks(kasubag, now=clock.now) if t.step_no == 6]
    engine.complete_task(join, kasubag, now=clock.advance(hours=2))
    return run_id
