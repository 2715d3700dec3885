"""What an update reads does not grow with the organisation.

The same /tugas and card in the sample organisation and in one with 30 more
bidang (each with its own Kabid, Kasubid and Analis) load the same rows: only
the role assignments the role's rings can reach (the unit, below it, above it)
are read, not the organisation's, and a run's unit tree is read as plain rows
(``unit_outline``), not as an object per unit.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from sqlalchemy import event
from sqlalchemy.orm import Mapper

from bot.domain.enums import UnitKind
from bot.persistence.models import Person, RoleAssignment, Unit
from bot.persistence.reference import bump
from bot.services import conversation, guided_input, review, tasks
from tests.unit.services.conftest import World
from tests.unit.services.test_guided_input import _input_task


@contextmanager
def _loads() -> Iterator[collections.Counter[str]]:
    counted: collections.Counter[str] = collections.Counter()

    def loaded(target: object, context: object) -> None:
        counted[type(target).__name__] += 1

    event.listen(Mapper, "load", loaded)
    try:
        yield counted
    finally:
        event.remove(Mapper, "load", loaded)


def _grow(world: World, bidang: int) -> None:
    with world.uow_factory() as uow:
        org = uow.orgs.organisation(world.slug)
        assert org is not None
        badan = uow.orgs.unit(org.id, "BADAN")
        assert badan is not None
        for i in range(bidang):
            unit = Unit(
                organisation_id=org.id,
                parent_id=badan.id,
                code=f"EXTRA-{i:02d}",
                name=f"Bidang tambahan {i}",
                kind=UnitKind.BIDANG,
            )
            uow.session.add(unit)
            uow.session.flush()
            for role in ("kabid", "kasubid", "analis"):
                person = Person(
                    organisation_id=org.id, nip=f"8888{i:02d}{role[:3]}", name=f"{role} {i}"
                )
                uow.session.add(person)
                uow.session.flush()
                uow.session.add(RoleAssignment(person_id=person.id, role_key=role, unit_id=unit.id))
        uow.commit()


def _reads(world: World, calls: list[Callable[[], object]]) -> dict[str, int]:
    """ORM objects built, by class, while ``calls`` run."""
    with _loads() as counted:
        for call in calls:
            call()
    return dict(counted)


def _calls(world: World, task: int) -> list[Callable[[], object]]:
    chat = world.chat_of("analis")
    return [
        lambda: tasks.open_tasks(world.services, chat),
        lambda: review.open_card(world.services, chat, task),
    ]


def _forget_reference(world: World) -> None:
    """Make the next reads cold: the process keeps reference data until it changes."""
    with world.uow_factory() as uow:
        bump(uow.session)
        uow.commit()


def test_rows_read_per_update_do_not_grow_with_the_organisation(world: World) -> None:
    task = _input_task(world)
    _forget_reference(world)
    small = _reads(world, _calls(world, task))
    warm_small = _reads(world, _calls(world, task))
    _grow(world, 30)
    large = _reads(world, _calls(world, task))
    warm_large = _reads(world, _calls(world, task))
    assert large == small, (small, large)
    assert warm_large == warm_small, (warm_small, warm_large)


def test_reference_rows_are_kept_between_updates_until_they_change(world: World) -> None:
    """The second card reads no person, role assignment, indicator or target: the process
    kept them (``bot.persistence.reference``); a change to one of them is seen at once."""
    task = _input_task(world)
    card = [lambda: review.open_card(world.services, world.chat_of("analis"), task)]
    _reads(world, card)
    warm = _reads(world, card)
    kept = ("Person", "RoleAssignment", "Indicator", "Target", "Unit")
    assert not {name: n for name, n in warm.items() if name in kept}, warm
    with world.uow_factory() as uow:
        org = uow.orgs.organisation(world.slug)
        assert org is not None
        unit_id = uow.work.task(task).unit_id
        indicator = uow.indicators.indicators_of_unit(unit_id)[0]
        indicator.name = "Nama indikator yang baru"
        code = indicator.code
        uow.commit()
    card = review.open_card(world.services, world.chat_of("analis"), task).card
    assert card is not None
    assert next(line.name for line in card.lines if line.code == code) == (
        "Nama indikator yang baru"
    )


# --- SQL statements per guided-input update (issue 15: counts, not times) -----------------
@contextmanager
def _statements(world: World) -> Iterator[list[str]]:
    """Every SQL statement the world's database runs inside the block."""
    with world.uow_factory() as uow:
        bind = uow.session.get_bind()
    seen: list[str] = []

    def executed(*args: object) -> None:
        seen.append(str(args[2]))  # (connection, cursor, statement, ...)

    event.listen(bind, "before_cursor_execute", executed)
    try:
        yield seen
    finally:
        event.remove(bind, "before_cursor_execute", executed)


def _one_figure(world: World, task: int, indicator: int, value: str) -> list[int]:
    """Statements of each update of one figure: "Ubah", the typed value and "Benar, simpan"
    (a single edit then shows the summary: kendala and tindak lanjut are asked only below
    the threshold, evidence once per task)."""
    services, chat = world.services, world.chat_of("analis")
    calls: list[Callable[[], object]] = [
        lambda: guided_input.edit(services, chat, task, indicator),
        lambda: conversation.text_typed(services, chat, value),
        lambda: guided_input.confirm(services, chat, task, indicator),
    ]
    counts = []
    for call in calls:
        with _statements(world) as seen:
            call()
        counts.append(len(seen))
    return counts


STATEMENT_CEILING = 16
"""The most statements one guided-input update may take (the confirm, which saves the
figure: 38 before issue 15's caching, 14 after it, 19 once issue 16 added the target
check's factor, the task's evidence count and the next-step choice; 13 since reference
data is kept between updates and a turn reads a card once until it writes; 11 since the
checks take the earlier figures from the card's read and the revisions are written in
one flush)."""


def test_statements_per_guided_input_update_do_not_grow_with_the_organisation(
    world: World,
) -> None:
    task = _input_task(world)
    card = review.open_card(world.services, world.chat_of("analis"), task)
    indicator = card.card.lines[0].indicator_id if card.card else None
    assert indicator is not None
    _one_figure(world, task, indicator, "90")  # a first revision, so both runs replace one
    _forget_reference(world)
    small = _one_figure(world, task, indicator, "95")
    warm_small = _one_figure(world, task, indicator, "94")
    _grow(world, 30)
    large = _one_figure(world, task, indicator, "96")
    warm_large = _one_figure(world, task, indicator, "97")
    assert large == small, (small, large)
    assert warm_large == warm_small, (warm_small, warm_large)
    assert max(small) <= STATEMENT_CEILING, small
    assert sum(warm_small) < sum(small), (warm_small, small)  # the first read kept them


def _reading(statements: list[str], table: str) -> int:
    return sum(s.lstrip().startswith("SELECT") and f"FROM {table}" in s for s in statements)


def test_a_saved_figure_and_a_submit_read_each_figure_once(world: World) -> None:
    """ "Benar, simpan" over an earlier revision reads the current figures for the card (and
    again after writing), the revision it replaces, and nothing else: the earlier quarter
    the checks compare with comes from the card's read, the new revision's number from the
    one it replaces, and both rows are written in one flush. "Kirim" reads the sheet's
    figures once (the card and the check before sending share the read) and the task's
    branch with the task."""
    task = _input_task(world)
    services, chat = world.services, world.chat_of("analis")
    card = review.open_card(services, chat, task).card
    assert card is not None
    for line in card.lines:
        _one_figure(world, task, line.indicator_id, "90")
    indicator = card.lines[0].indicator_id
    guided_input.edit(services, chat, task, indicator)
    conversation.text_typed(services, chat, "95")
    with _statements(world) as saved:
        assert guided_input.confirm(services, chat, task, indicator).saved is not None
    assert _reading(saved, "measurements") == 3, saved
    assert not any("max(measurements.revision)" in s for s in saved), saved
    assert sum(s.startswith("UPDATE measurements") for s in saved) == 1, saved
    assert sum(s.startswith("INSERT INTO measurements") for s in saved) == 1, saved
    with _statements(world) as sent:
        assert guided_input.submit(services, chat, task).submitted is not None
    assert _reading(sent, "measurements") == 2, sent  # the sheet's figures; the rows to move
    assert _reading(sent, "run_branches") == 0, sent


def test_a_figure_saved_without_a_card_reads_only_its_own_earlier_figures(world: World) -> None:
    """A save with no card read before it in the transaction (the CLI, a sheet's many
    figures) reads the earlier figures of the one indicator it saves, not the sheet's."""
    task = _input_task(world)
    card = review.open_card(world.services, world.chat_of("analis"), task).card
    assert card is not None and len(card.lines) >= 2
    indicator = card.lines[0].indicator_id
    with _statements(world) as seen:
        world.services.engine.save_value(
            task, world.people["analis"], indicator, now=world.clock.now, value=Decimal(90)
        )
    figures = [" ".join(s.split()) for s in seen if "FROM measurements" in s]
    assert figures, seen
    assert not any("measurements.indicator_id IN (?, ?" in s for s in figures), figures
