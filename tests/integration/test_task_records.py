"""Presses that change no task read it as plain records, not ORM objects (issue 15).

Building ORM objects for the task, its run and its organisation cost more than the
query on every update. The checks and cards that only read take plain records;
what changes a task still gets the ORM row, and sees what the same transaction read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bot.conversation.state import AskingValue, Confirming
from bot.engine.access import authorised
from bot.persistence.models import (
    Indicator,
    Organisation,
    Person,
    RoleAssignment,
    Run,
    Target,
    Task,
    Unit,
)
from bot.persistence.reference import (
    AssignmentRef,
    IndicatorRef,
    PersonRef,
    bump,
)
from bot.services import conversation, guided_input, review
from tests.integration.test_one_update_one_transaction import ANALIS_CHAT, setting

__all__ = ["setting"]  # the fixture, shared with the transaction tests


def assignment_refs(assignments: Iterable[RoleAssignment]) -> tuple[AssignmentRef, ...]:
    """What the process kept before issue 15 read them as plain rows: the ORM rows, copied."""
    return tuple(AssignmentRef.of(a, PersonRef.of(a.person)) for a in assignments)


@contextmanager
def orm_loads() -> Iterator[list[type]]:
    """The classes of every ORM object loaded from the database meanwhile."""
    loaded: list[type] = []

    def seen(_session: Session, instance: object) -> None:
        loaded.append(type(instance))

    event.listen(Session, "loaded_as_persistent", seen)
    try:
        yield loaded
    finally:
        event.remove(Session, "loaded_as_persistent", seen)


def test_pressing_and_typing_load_no_task_run_or_organisation(setting) -> None:  # type: ignore[no-untyped-def]
    services, task, _analis = setting
    with orm_loads() as loaded:
        asked = guided_input.fill(services, ANALIS_CHAT, task)
        assert isinstance(asked.position, AskingValue), asked
        echoed = conversation.text_typed(services, ANALIS_CHAT, "85")
        assert isinstance(echoed.position, Confirming), echoed
        saved = guided_input.confirm(services, ANALIS_CHAT, task, echoed.position.indicator_id)
        assert saved.refusal is None, saved
    assert not {Task, Run, Organisation} & set(loaded)


def test_the_submit_changes_the_orm_task_after_reading_the_record(setting) -> None:  # type: ignore[no-untyped-def]
    services, task, analis = setting
    with services.uow_factory() as uow:
        read, _, _ = authorised(uow, task, analis, services.now(), reading=True)
        assert not isinstance(read, Task)
        changed, ctx, _ = authorised(uow, task, analis, services.now())
        assert isinstance(changed, Task) and isinstance(ctx.run, Run)
        again, _, _ = authorised(uow, task, analis, services.now(), reading=True)
        assert again is changed  # once the transaction holds the ORM row, readers see it


def test_a_changed_organisation_is_read_again(setting) -> None:  # type: ignore[no-untyped-def]
    """The organisation's settings are kept by the process; a change is seen at once."""
    services, task, analis = setting
    with services.uow_factory() as uow:
        _, ctx, _ = authorised(uow, task, analis, services.now(), reading=True)
        org_id, name = ctx.run.organisation.id, ctx.run.organisation.name
    with services.uow_factory() as uow:
        org = uow.session.get(Organisation, org_id)
        assert org is not None
        org.name = f"{name} (baru)"
        uow.commit()
    with services.uow_factory() as uow:
        _, ctx, _ = authorised(uow, task, analis, services.now(), reading=True)
        assert ctx.run.organisation.name == f"{name} (baru)"


def test_reference_rows_are_read_as_plain_rows_and_match_the_orm(setting) -> None:  # type: ignore[no-untyped-def]
    """A process reading a unit's indicators (with their unit and targets) and the role
    holders near it for the first time builds no ORM objects for them (issue 15: every
    first update of a unit read them as ORM rows), and keeps the same values the ORM
    rows hold."""
    services, task, _analis = setting
    with services.uow_factory() as uow:
        bump(uow.session)  # a cold cache: the next card reads them from the database
        uow.commit()
    with orm_loads() as loaded:
        opened = review.open_card(services, ANALIS_CHAT, task)
        assert opened.card is not None, opened
    assert not {Indicator, Target, Unit, RoleAssignment, Person} & set(loaded), loaded
    with services.uow_factory() as uow:
        unit_id = uow.work.task(task).unit_id
        org_id = uow.orgs.unit_by_id(unit_id).organisation_id
        assert uow.indicators.indicator_refs_of_unit(unit_id) == tuple(
            IndicatorRef.of(i) for i in uow.indicators.indicators_of_unit(unit_id)
        )
        near = [unit_id]
        assert uow.orgs.assignment_refs_in(org_id, unit_ids=near) == assignment_refs(
            uow.orgs.assignments_in(org_id, unit_ids=near)
        )
        assert uow.orgs.assignment_refs_in(org_id, role_key="analis") == assignment_refs(
            uow.orgs.assignments_in(org_id, role_key="analis")
        )
        member = uow.session.scalars(select(Person).where(Person.telegram_user_id == ANALIS_CHAT))
        person = PersonRef.of(member.one())
        assignments = uow.orgs.assignments_of(person.id)
        assert assignments
        assert uow.orgs.member_refs(ANALIS_CHAT) == (
            person,
            tuple(AssignmentRef.of(a, person) for a in assignments),
        )
        assert uow.orgs.member_refs(ANALIS_CHAT + 999) is None
