"""Reminder slots: a TW III 2026 run of seed 004 on a controlled clock, the rules, properties."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.calendar import build_calendar
from bot.domain.durations import WorkDuration, parse_duration
from bot.domain.reminders import (
    DEFAULT_POLICY,
    ReminderKind,
    ReminderPolicy,
    ReminderPolicyError,
    ReminderSlot,
    load_reminder_policy,
    next_slot,
    reminder_slots,
)
from tests.properties import examples

WITA = ZoneInfo("Asia/Makassar")
CAL = build_calendar(timezone="Asia/Makassar", work_start=time(7, 30), work_end=time(16, 0))


def wita(*args: int) -> datetime:
    return datetime(*args, tzinfo=WITA)  # type: ignore[misc]


def due(started: datetime, waktu: str) -> datetime:
    return CAL.add_working_time(started, parse_duration(waktu))


def brief(slots: list[ReminderSlot]) -> list[tuple[str, str, str]]:
    return [(s.kind.value, s.at.strftime("%a %d %H:%M"), s.slot) for s in slots]


def walk(started: datetime, waktu: str, done: datetime, policy: ReminderPolicy = DEFAULT_POLICY):
    """What a scheduler sends before ``done`` if it sleeps until each ``next_slot``.

    It restarts after every wake-up: nothing survives but the time it last woke.
    """
    deadline, clock, sent = due(started, waktu), started, []
    times = {"started_at": started, "due_at": deadline, "calendar": CAL, "policy": policy}
    while (wake := next_slot(**times, after=clock)) is not None and wake.at < done:
        sent += reminder_slots(**times, after=clock, until=wake.at)
        clock = wake.at
    assert sent == reminder_slots(**times, until=done - timedelta(seconds=1))
    return brief(sent)


# --- a quarter on a controlled clock --------------------------------------------------
# "setiap tanggal 10 awal Triwulan": 10 October 2026 is a Saturday, so the run
# reporting TW III starts on Monday 12 October at 08.00.


def test_step1_fifteen_minutes_done_in_time_sends_nothing() -> None:
    # Half-way (08.07) is only 8 minutes before the due time: below min_lead.
    assert walk(wita(2026, 10, 12, 8, 0), "15 Menit", wita(2026, 10, 12, 8, 10)) == []


def test_step2_fifteen_minutes_done_late_gets_the_due_reminder_only() -> None:
    sent = walk(wita(2026, 10, 12, 8, 10), "15 Menit", wita(2026, 10, 12, 10, 0))
    assert sent == [("due", "Mon 12 08:25", "due")]


def test_step3_one_day_four_days_late_escalates_on_the_second_working_day_overdue() -> None:
    sent = walk(wita(2026, 10, 12, 10, 0), "1 Hari", wita(2026, 10, 16, 14, 0))
    assert sent == [
        ("before_due", "Mon 12 14:15", "before"),  # half-way: Monday 07.30 is before the start
        ("due", "Tue 13 10:00", "due"),
        ("overdue", "Wed 14 07:30", "overdue-2026-10-14"),  # 6 working hours late
        ("overdue", "Thu 15 07:30", "overdue-2026-10-15"),  # 1 working day
        ("overdue", "Fri 16 07:30", "overdue-2026-10-16"),  # 2 working days
        ("escalation", "Fri 16 07:30", "escalate-2026-10-16"),
    ]


def test_step4_one_day_started_friday_afternoon_runs_into_monday() -> None:
    sent = walk(wita(2026, 10, 16, 14, 0), "1 Hari", wita(2026, 10, 19, 13, 0))
    assert sent == [("before_due", "Mon 19 09:45", "before")]


def test_step5_one_hour_due_at_16_exactly_is_reminded_next_morning() -> None:
    started = wita(2026, 10, 19, 15, 0)
    assert due(started, "1 Jam") == wita(2026, 10, 19, 16, 0)
    sent = walk(started, "1 Jam", wita(2026, 10, 20, 9, 0))
    assert sent == [("before_due", "Mon 19 15:30", "before"), ("due", "Tue 20 07:30", "due")]
    # The moved due reminder stands in for Tuesday's overdue one; the series starts Wednesday.
    later = reminder_slots(
        started_at=started, due_at=due(started, "1 Jam"), calendar=CAL, until=wita(2026, 10, 22, 8)
    )
    assert [s.slot for s in later if s.kind is not ReminderKind.BEFORE_DUE] == [
        "due",
        "overdue-2026-10-21",
        "overdue-2026-10-22",
        "escalate-2026-10-22",
    ]


def test_step5_again_after_a_return_before_due_moves_out_of_quiet_hours() -> None:
    # Returned for correction, checked again from Tuesday 15.30: half-way is 16.00.
    sent = walk(wita(2026, 10, 20, 15, 30), "1 Jam", wita(2026, 10, 21, 7, 45))
    assert sent == [("before_due", "Wed 21 07:30", "before")]


def test_step6_overdue_over_a_weekend_counts_working_days_only() -> None:
    sent = walk(wita(2026, 10, 21, 7, 45), "1 Hari", wita(2026, 10, 27, 10, 0))
    assert sent == [
        ("before_due", "Wed 21 12:00", "before"),
        ("due", "Thu 22 07:45", "due"),
        ("overdue", "Fri 23 07:30", "overdue-2026-10-23"),
        ("overdue", "Mon 26 07:30", "overdue-2026-10-26"),
        ("overdue", "Tue 27 07:30", "overdue-2026-10-27"),
        ("escalation", "Tue 27 07:30", "escalate-2026-10-27"),
    ]


def test_restart_in_the_middle_computes_the_same_keys() -> None:
    started = wita(2026, 10, 12, 10, 0)
    times = {"started_at": started, "due_at": due(started, "1 Hari"), "calendar": CAL}
    until = wita(2026, 10, 30, 16)
    whole = reminder_slots(**times, until=until)
    cut = wita(2026, 10, 15, 7, 30)
    resumed = reminder_slots(**times, after=cut.astimezone(UTC), until=until)
    assert resumed == [s for s in whole if s.at > cut]
    assert reminder_slots(**times, until=cut) + resumed == whole


# --- holidays ---------------------------------------------------------------------------


def test_task_started_on_the_eve_of_cuti_bersama_and_christmas() -> None:
    started = wita(2026, 12, 23, 14, 0)
    deadline = due(started, "1 Hari")
    assert deadline == wita(2026, 12, 28, 14, 0)  # 24 cuti bersama, 25 Natal, weekend
    slots = reminder_slots(
        started_at=started, due_at=deadline, calendar=CAL, until=wita(2027, 1, 6, 16)
    )
    assert brief(slots) == [
        ("before_due", "Mon 28 09:45", "before"),
        ("due", "Mon 28 14:00", "due"),
        ("overdue", "Tue 29 07:30", "overdue-2026-12-29"),
        ("overdue", "Wed 30 07:30", "overdue-2026-12-30"),
        ("overdue", "Thu 31 07:30", "overdue-2026-12-31"),
        ("escalation", "Thu 31 07:30", "escalate-2026-12-31"),
        # 1 January (Tahun Baru) and the weekend are skipped.
        ("overdue", "Mon 04 07:30", "overdue-2027-01-04"),
        ("escalation", "Mon 04 07:30", "escalate-2027-01-04"),
        # 5 January 2027 (Isra Mikraj) is skipped too.
        ("overdue", "Wed 06 07:30", "overdue-2027-01-06"),
        ("escalation", "Wed 06 07:30", "escalate-2027-01-06"),
    ]


def test_due_at_16_before_a_long_weekend_waits_for_the_next_working_morning() -> None:
    started = wita(2026, 12, 23, 15, 0)
    slots = reminder_slots(
        started_at=started, due_at=due(started, "1 Jam"), calendar=CAL, until=wita(2026, 12, 29, 8)
    )
    assert brief(slots) == [
        ("before_due", "Wed 23 15:30", "before"),
        ("due", "Mon 28 07:30", "due"),
        ("overdue", "Tue 29 07:30", "overdue-2026-12-29"),
    ]


def test_multi_day_step_is_reminded_on_the_morning_of_the_working_day_before() -> None:
    started = wita(2026, 12, 21, 10, 0)  # Monday; 2 Hari runs to Wednesday 23rd 10.00
    slots = reminder_slots(
        started_at=started, due_at=due(started, "2 Hari"), calendar=CAL, until=wita(2026, 12, 23)
    )
    assert brief(slots) == [("before_due", "Tue 22 07:30", "before")]
    # 15 Hari (annual report) due after the holidays: the eve is the last working day before.
    started = wita(2026, 12, 14, 9, 0)
    deadline = due(started, "15 Hari")
    eve = CAL.previous_working_day(deadline.date(), inclusive=False)
    first = reminder_slots(started_at=started, due_at=deadline, calendar=CAL, until=deadline)[0]
    assert first == ReminderSlot(
        ReminderKind.BEFORE_DUE, wita(eve.year, eve.month, eve.day, 7, 30), "before"
    )


# --- policy switches ----------------------------------------------------------------------


def slots_for(policy: ReminderPolicy, started: datetime, waktu: str, days: int = 10) -> list[str]:
    deadline = due(started, waktu)
    found = reminder_slots(
        started_at=started,
        due_at=deadline,
        calendar=CAL,
        policy=policy,
        until=deadline + timedelta(days=days),
    )
    return [f"{s.slot}@{s.at:%d %H:%M}" for s in found]


MONDAY_9 = wita(2026, 10, 12, 9, 0)


def test_no_before_due_and_escalation_never() -> None:
    policy = ReminderPolicy(before_due=False, escalate_after_working_days=0)
    assert slots_for(policy, MONDAY_9, "1 Jam", days=3) == [
        "due@12 10:00",
        "overdue-2026-10-13@13 07:30",
        "overdue-2026-10-14@14 07:30",
        "overdue-2026-10-15@15 07:30",
    ]


def test_without_a_due_reminder_the_overdue_series_starts_the_next_morning() -> None:
    policy = ReminderPolicy(at_due=False, before_due=False, escalate_after_working_days=0)
    started = wita(2026, 10, 19, 15, 0)  # due 16.00
    assert slots_for(policy, started, "1 Jam", days=1) == ["overdue-2026-10-20@20 07:30"]


def test_escalate_once_and_escalation_without_daily_overdue() -> None:
    once = ReminderPolicy(before_due=False, at_due=False, escalate_daily=False)
    found = slots_for(once, MONDAY_9, "1 Jam")
    assert [s for s in found if s.startswith("escalate")] == ["escalate-2026-10-15@15 07:30"]
    only = ReminderPolicy(overdue_daily=False, escalate_after_working_days=3)
    assert slots_for(only, MONDAY_9, "1 Jam", days=4) == [
        "before@12 09:30",
        "due@12 10:00",
        "escalate-2026-10-16@16 07:30",
    ]


def test_morning_time_and_min_lead_are_configurable() -> None:
    nine = ReminderPolicy(overdue_time=time(9, 0), escalate_after_working_days=0)
    assert slots_for(nine, MONDAY_9, "2 Hari", days=1) == [
        "before@13 09:00",
        "due@14 09:00",
        "overdue-2026-10-15@15 09:00",
    ]
    evening = ReminderPolicy(overdue_time=time(19, 0))  # outside working hours: work_start
    assert slots_for(evening, MONDAY_9, "1 Jam", days=1)[-1] == "overdue-2026-10-13@13 07:30"
    eager = ReminderPolicy(min_lead_minutes=0)
    assert slots_for(eager, MONDAY_9, "15 Menit", days=0) == ["before@12 09:07", "due@12 09:15"]
    assert slots_for(DEFAULT_POLICY, MONDAY_9, "2 Menit", days=0) == ["due@12 09:02"]


def test_next_slot_finds_a_late_first_escalation_and_ends_when_nothing_is_left() -> None:
    far = ReminderPolicy(overdue_daily=False, escalate_after_working_days=10, escalate_daily=False)
    deadline = due(MONDAY_9, "1 Jam")
    times = {"started_at": MONDAY_9, "due_at": deadline, "calendar": CAL, "policy": far}
    found = next_slot(**times, after=deadline)
    assert found is not None and found.slot == "escalate-2026-10-27"
    assert next_slot(**times, after=found.at) is None


# --- configuration ------------------------------------------------------------------------


def test_loading_a_policy_from_configuration() -> None:
    assert load_reminder_policy(None) is DEFAULT_POLICY
    assert load_reminder_policy({}) == DEFAULT_POLICY
    policy = load_reminder_policy({"overdue_time": "08:00", "escalate_after_working_days": 3})
    assert policy.overdue_time == time(8, 0) and policy.escalate_after_working_days == 3
    with pytest.raises(Exception, match="frozen"):
        policy.at_due = False  # type: ignore[misc]


def test_configuration_errors_are_listed_in_indonesian_or_english() -> None:
    bad = {"at_due": "ya", "overdue_time": 480, "escalate_after_working_days": -1, "remind": 1}
    with pytest.raises(ReminderPolicyError) as caught:
        load_reminder_policy(bad)
    assert str(caught.value).splitlines() == [
        "kebijakan pengingat tidak sah:",
        "- at_due: harus true atau false",
        "- overdue_time: tulis jam dalam tanda kutip, seperti '08:00'",
        "- escalate_after_working_days: tidak boleh kurang dari 0",
        "- remind: kunci tidak dikenal (yang dikenal: before_due, at_due, overdue_daily, "
        "overdue_time, escalate_after_working_days, escalate_daily, min_lead_minutes)",
    ]
    with pytest.raises(ReminderPolicyError) as caught:
        load_reminder_policy({"overdue_time": "08:00:30", "min_lead_minutes": "x"}, lang="en")
    assert caught.value.problems == (
        "overdue_time: hours and minutes only, no zone, such as '08:00'",
        "min_lead_minutes: must be a whole number",
    )
    with pytest.raises(ReminderPolicyError, match="mapping"):
        load_reminder_policy(["at_due"])  # type: ignore[arg-type]


# --- properties ------------------------------------------------------------------------------

WAKTU = st.sampled_from(["2 Menit", "15 Menit", "30 Menit", "1 Jam", "2 Jam", "1 Hari", "2 Hari"])
DURATIONS = WAKTU.map(parse_duration) | st.builds(
    WorkDuration, days=st.integers(0, 3), minutes=st.integers(0, 600)
)
MOMENTS = st.datetimes(
    min_value=datetime(2026, 9, 1), max_value=datetime(2027, 2, 28), timezones=st.just(WITA)
).map(lambda dt: dt.replace(second=0, microsecond=0))
POLICIES = st.builds(
    ReminderPolicy,
    before_due=st.booleans(),
    at_due=st.booleans(),
    overdue_daily=st.booleans(),
    overdue_time=st.none()
    | st.sampled_from([time(6), time(7, 30), time(9, 15), time(16), time(20)]),
    escalate_after_working_days=st.integers(0, 4),
    escalate_daily=st.booleans(),
    min_lead_minutes=st.integers(0, 60),
)


@st.composite
def tasks(draw: st.DrawFn) -> dict[str, object]:
    started = draw(MOMENTS)
    deadline = CAL.add_working_time(started, draw(DURATIONS))
    return {"started_at": started, "due_at": deadline, "calendar": CAL, "policy": draw(POLICIES)}


def _rank(slot: ReminderSlot) -> tuple[datetime, int]:
    return slot.at, list(ReminderKind).index(slot.kind)


@settings(max_examples=examples(150), deadline=None)
@given(task=tasks(), days=st.integers(0, 25))
def test_slots_are_ordered_unique_in_working_time_and_never_early(
    task: dict[str, object], days: int
) -> None:
    started, deadline = task["started_at"], task["due_at"]
    assert isinstance(started, datetime) and isinstance(deadline, datetime)
    policy = task["policy"]
    assert isinstance(policy, ReminderPolicy)
    slots = reminder_slots(**task, until=deadline + timedelta(days=days))  # type: ignore[arg-type]
    assert all(CAL.is_working_time(s.at) and s.at.tzinfo == WITA for s in slots)
    keys = [_rank(s) for s in slots]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for kind in ReminderKind:
        same = [s for s in slots if s.kind is kind]
        assert len({s.slot for s in same}) == len(same)
        assert all(a.at < b.at for a, b in itertools.pairwise(same))
    for s in slots:
        if s.kind is ReminderKind.BEFORE_DUE:
            assert started < s.at < deadline
            assert CAL.working_minutes_between(s.at, deadline) >= policy.min_lead_minutes
        elif s.kind is ReminderKind.DUE:
            assert s.at == CAL.next_working_moment(deadline)
        else:
            assert s.at > deadline and s.at.date() > deadline.date()
            late = CAL.working_days_between(deadline, s.at)
            if s.kind is ReminderKind.ESCALATION:
                assert policy.escalate_after_working_days and late >= (
                    policy.escalate_after_working_days
                )
            elif policy.escalate_daily and policy.escalate_after_working_days:
                escalated = any(e.at == s.at for e in slots if e.kind is ReminderKind.ESCALATION)
                assert escalated == (late >= policy.escalate_after_working_days)


@settings(max_examples=examples(150), deadline=None)
@given(task=tasks(), cuts=st.lists(st.integers(-600, 30 * 1440), min_size=2, max_size=2))
def test_a_later_after_gives_a_suffix_and_a_later_until_an_extension(
    task: dict[str, object], cuts: list[int]
) -> None:
    deadline = task["due_at"]
    assert isinstance(deadline, datetime)
    early, late = (deadline + timedelta(minutes=m) for m in sorted(cuts))
    until = deadline + timedelta(days=60)  # well past ``late``, even over Lebaran
    whole = reminder_slots(**task, until=until)  # type: ignore[arg-type]
    resumed = reminder_slots(**task, after=late.astimezone(UTC), until=until)  # type: ignore[arg-type]
    assert resumed == [s for s in whole if s.at > late]
    assert reminder_slots(**task, until=early) == [s for s in whole if s.at <= early]  # type: ignore[arg-type]
    following = next_slot(**task, after=early)  # type: ignore[arg-type]
    expected = [s for s in whole if s.at > early]
    assert following == (expected[0] if expected else None)
