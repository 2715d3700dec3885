"""Presses that change no task read it as plain records, not ORM objects (issue 15).

Building ORM objects for the task, its run and its organisation cost more than the
query on every update. The checks and cards that only read take plain records;
what changes a task still gets the ORM row, and sees what the same transaction read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.conversation.state import AskingValue, Confirming
from bot.engine.access import authorised
from bot.persistence.models import Organisation, Run, Task
from bot.services import conversation, guided_input
from tests.integration.test_one_update_one_transaction import ANALIS_CHAT, setting

__all__ = ["setting"]  # the fixture, shared with the transaction tests


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
