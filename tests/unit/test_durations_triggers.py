import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.domain import triggers
from bot.domain.calendar import WorkingCalendar, build_calendar
from bot.domain.durations import DurationError, WorkDuration, parse_duration
from bot.domain.periods import Period, PeriodKind
from bot.domain.schedules import iter_firings
from bot.domain.sop import SopDefinition, Trigger
from bot.domain.sop_checks import check_definition
from bot.domain.triggers import Anchor, TriggerError, TriggerRule, parse_trigger

CAL = build_calendar(timezone="Asia/Makassar", work_start=time(7, 30), work_end=time(16, 0))
"""The national calendar with cuti bersama, as an organisation has it by default."""
PLAIN = WorkingCalendar(zone=CAL.zone, work_start=time(7, 30), work_end=time(16, 0))
"""Weekends only, no holidays."""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 Menit", WorkDuration(minutes=15)),
        ("2 Menit", WorkDuration(minutes=2)),
        ("60 Menit", WorkDuration(minutes=60)),
        ("1 Jam", WorkDuration(minutes=60)),
        ("2 Jam", WorkDuration(minutes=120)),
        ("1 Hari", WorkDuration(days=1)),
        ("2 hari", WorkDuration(days=2)),
        ("120 Hari", WorkDuration(days=120)),
        ("1 Minggu", WorkDuration(days=5)),
        ("2 (dua) Hari", WorkDuration(days=2)),
    ],
)
def test_parse_duration(text: str, expected: WorkDuration) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "Menit", "lima menit", "15", "15 detik", "1,5 Jam", "-1 Hari"]
)
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(DurationError):
        parse_duration(text)


def test_duration_text() -> None:
    assert str(WorkDuration(days=1, minutes=90)) == "1 hari kerja 1 jam 30 menit"
    assert str(WorkDuration()) == "0 menit"


@pytest.mark.parametrize(
    ("text", "every", "day"),
    [
        ("setiap tanggal 10 awal Triwulan", PeriodKind.TRIWULAN, 10),
        ("Setiap tanggal 5 awal semester", PeriodKind.SEMESTER, 5),
        ("setiap tanggal 15 awal tahun", PeriodKind.TAHUNAN, 15),
        ("setiap tanggal 1 bulan pertama awal triwulan", PeriodKind.TRIWULAN, 1),
        ("setiap tanggal 5 setiap bulan", PeriodKind.BULANAN, 5),
        ("setiap  tanggal 5  awal bulan", PeriodKind.BULANAN, 5),
    ],
)
def test_parse_trigger(text: str, every: PeriodKind, day: int) -> None:
    rule = parse_trigger(text)
    assert (rule.every, rule.anchor, rule.day, rule.working_day) == (every, Anchor.START, day, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "setiap hari kerja ke-5 awal triwulan",
            TriggerRule(PeriodKind.TRIWULAN, Anchor.START, working_day=5),
        ),
        (
            "Setiap Hari Kerja ke 2 awal tahun",
            TriggerRule(PeriodKind.TAHUNAN, Anchor.START, working_day=2),
        ),
        (
            "hari kerja ke-3 setiap bulan",
            TriggerRule(PeriodKind.BULANAN, Anchor.START, working_day=3),
        ),
        (
            "3 hari kerja sebelum akhir triwulan",
            TriggerRule(PeriodKind.TRIWULAN, Anchor.BEFORE_END, working_day=3),
        ),
        (
            "setiap 1 hari kerja sebelum akhir bulan",
            TriggerRule(PeriodKind.BULANAN, Anchor.BEFORE_END, working_day=1),
        ),
        (
            "paling lambat tanggal 10 bulan berikutnya",
            TriggerRule(None, Anchor.AFTER_END, day=10),
        ),
        (
            "Paling lambat tanggal 28 bulan berikutnya setelah akhir semester",
            TriggerRule(PeriodKind.SEMESTER, Anchor.AFTER_END, day=28),
        ),
        (
            "paling lambat tanggal 28 bulan ke-2 setelah akhir tahun",
            TriggerRule(PeriodKind.TAHUNAN, Anchor.AFTER_END, day=28, months_after=2),
        ),
        (
            "paling lambat tanggal 15 bulan ke 3 berikutnya",
            TriggerRule(None, Anchor.AFTER_END, day=15, months_after=3),
        ),
        (
            "paling lambat tanggal 15 bulan setelah akhir triwulan",
            TriggerRule(PeriodKind.TRIWULAN, Anchor.AFTER_END, day=15),
        ),
        (
            "setiap hari kerja ke-5 awal tahun untuk tahun berjalan",
            TriggerRule(PeriodKind.TAHUNAN, Anchor.START, working_day=5, current=True),
        ),
        (
            "setiap tanggal 2 awal tahun untuk periode berjalan",
            TriggerRule(PeriodKind.TAHUNAN, Anchor.START, day=2, current=True),
        ),
        (
            "setiap tanggal 2 setiap bulan untuk bulan berjalan",
            TriggerRule(PeriodKind.BULANAN, Anchor.START, day=2, current=True),
        ),
    ],
)
def test_parse_working_day_and_deadline_triggers(text: str, expected: TriggerRule) -> None:
    assert parse_trigger(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tanggal 10",
        "setiap tanggal 31 awal triwulan",
        "setiap hari",
        "setiap tanggal 0 awal tahun",
        "setiap tanggal 29 setiap bulan",
        "setiap hari kerja ke-0 awal triwulan",
        "setiap hari kerja ke-21 awal triwulan",
        "hari kerja ke-5 awal minggu",
        "0 hari kerja sebelum akhir triwulan",
        "paling lambat tanggal 31 bulan berikutnya",
        "paling lambat tanggal 10",
        "paling lambat tanggal 10 bulan ke-13 setelah akhir tahun",
        "paling lambat tanggal 10 bulan ke-0 berikutnya",
        "3 hari kerja sebelum akhir triwulan untuk triwulan berjalan",
    ],
)
def test_parse_trigger_refuses(text: str) -> None:
    with pytest.raises(TriggerError):
        parse_trigger(text)


def test_trigger_reports_the_period_just_ended() -> None:
    rule = parse_trigger("setiap tanggal 10 awal Triwulan")
    tw1 = Period.parse("2027-TW1")
    assert rule.fire_date(tw1, CAL) == date(2027, 1, 10)
    assert rule.reported(tw1) == Period.parse("2026-TW4")
    yearly = parse_trigger("setiap tanggal 15 awal tahun")
    assert yearly.reported(Period.parse("2027")) == Period.parse("2026")
    half = parse_trigger("setiap tanggal 5 awal semester")
    assert half.reported(Period.parse("2026-S2")) == Period.parse("2026-S1")
    monthly = parse_trigger("setiap tanggal 5 setiap bulan")
    assert monthly.fire_date(Period.parse("2026-11"), CAL) == date(2026, 11, 5)
    assert monthly.reported(Period.parse("2026-11")) == Period.parse("2026-10")


def test_nth_working_day_counts_holidays_and_cuti_bersama() -> None:
    rule = parse_trigger("setiap hari kerja ke-5 awal triwulan")
    # 1 January 2027 (Tahun Baru) and 5 January (Isra Mikraj) are holidays:
    # working days 4, 6, 7, 8, 11 January.
    assert rule.fire_date(Period.parse("2027-TW1"), CAL) == date(2027, 1, 11)
    # 3 April 2026 is Good Friday: working days 1, 2, 6, 7, 8 April.
    assert rule.fire_date(Period.parse("2026-TW2"), CAL) == date(2026, 4, 8)
    # A calendar without holidays counts weekdays only.
    assert rule.fire_date(Period.parse("2027-TW1"), PLAIN) == date(2027, 1, 7)
    assert rule.reported(Period.parse("2027-TW1")) == Period.parse("2026-TW4")


def test_working_days_before_the_end_report_the_current_period() -> None:
    rule = parse_trigger("3 hari kerja sebelum akhir triwulan")
    tw3 = Period.parse("2026-TW3")  # ends Wednesday 30 September
    assert rule.fire_date(tw3, CAL) == date(2026, 9, 25)
    assert rule.reported(tw3) == tw3
    last = parse_trigger("1 hari kerja sebelum akhir tahun")
    # 31 December 2026 is a Thursday; 24-25 December are cuti bersama and Natal.
    assert last.fire_date(Period.parse("2026"), CAL) == date(2026, 12, 30)


def test_deadline_next_month_follows_the_sop_frequency() -> None:
    rule = parse_trigger("paling lambat tanggal 10 bulan berikutnya")
    with pytest.raises(TriggerError):
        rule.fire_date(Period.parse("2026-10"), CAL)
    monthly = rule.resolved("bulanan")
    assert monthly.fire_date(Period.parse("2026-10"), CAL) == date(2026, 11, 10)
    assert monthly.reported(Period.parse("2026-10")) == Period.parse("2026-10")
    quarterly = rule.resolved(PeriodKind.TRIWULAN)
    assert quarterly.fire_date(Period.parse("2026-TW4"), CAL) == date(2027, 1, 10)
    named = parse_trigger("paling lambat tanggal 10 bulan berikutnya setelah akhir tahun")
    assert named.resolved("bulanan").every is PeriodKind.TAHUNAN


_EXAMPLE = re.compile(
    r"^\s*\|?\s*`?(?P<teks>\w[^`|]*?)`?\s*\|\s*(?P<frequency>\w+)\s*\|"
    r"\s*(?P<period>[\w-]+)\s*\|\s*(?P<date>\d{4}-\d{2}-\d{2})\s*\|?\s*$"
)
_README = Path(__file__).resolve().parents[2] / "sop_definitions" / "README.md"


def _examples(text: str) -> list[tuple[str, str, str, str]]:
    return [
        (m["teks"], m["frequency"], m["period"], m["date"])
        for line in text.splitlines()
        if (m := _EXAMPLE.match(line))
    ]


DOC_EXAMPLES = [
    pytest.param(*example, id=f"docstring:{example[0]}:{example[1]}")
    for example in _examples(triggers.__doc__ or "")
] + [
    pytest.param(*example, id=f"README:{example[0]}:{example[1]}")
    for example in _examples(_README.read_text(encoding="utf-8"))
]


def test_every_grammar_rule_has_examples_in_both_documents() -> None:
    docstring = {e[0] for e in _examples(triggers.__doc__ or "")}
    readme = {e[0] for e in _examples(_README.read_text(encoding="utf-8"))}
    assert docstring == readme
    rules = {(parse_trigger(t).anchor, parse_trigger(t).counts_working_days) for t in docstring}
    assert rules == {
        (Anchor.START, False),
        (Anchor.START, True),
        (Anchor.BEFORE_END, True),
        (Anchor.AFTER_END, False),
    }
    assert any("setiap bulan" in t for t in docstring)


@pytest.mark.parametrize(("teks", "frequency", "period", "day"), DOC_EXAMPLES)
def test_documented_example(teks: str, frequency: str, period: str, day: str) -> None:
    """Each documented phrase starts a run for the stated period on the stated day."""
    trigger = Trigger(teks=teks)
    wanted = Period.parse(period)
    fired = date.fromisoformat(day)
    after = datetime.combine(fired - timedelta(days=45), time(0), tzinfo=CAL.zone)
    firings = iter_firings(trigger, CAL, after=after, default_time=time(8), frequency=frequency)
    firing = next(f for f in firings if f.period >= wanted or f.at.date() > fired)
    assert (firing.period, firing.at.date()) == (wanted, fired)
    # The definition schema accepts the phrase with that frequency.
    assert _definition_issues(teks, frequency) == []


def _definition_issues(teks: str, frequency: str) -> list[str]:
    defn = SopDefinition.model_validate(
        {
            "id": "contoh",
            "identity": {"instansi": "X", "nomor": "1", "disahkan_oleh": "Y", "nama": "Z"},
            "frequency": frequency,
            "roles": [{"key": "kabid", "name": "Kepala Bidang"}],
            "triggers": [{"teks": teks}],
            "steps": [
                {"no": 1, "uraian": "U", "pelaksana": "kabid", "waktu": "1 Hari", "next": "selesai"}
            ],
        }
    )
    return [issue.message for issue in check_definition(defn)]


def test_perjanjian_kinerja_and_lkjip_dates() -> None:
    """Yearly procedures: PK early in the year it is for, LKjIP by the end of February."""
    pk = parse_trigger("setiap hari kerja ke-5 awal tahun untuk tahun berjalan")
    year = Period.parse("2027")
    assert pk.fire_date(year, CAL) == date(2027, 1, 11)
    assert pk.reported(year) == year
    lkjip = parse_trigger("paling lambat tanggal 28 bulan ke-2 setelah akhir tahun")
    assert lkjip.fire_date(Period.parse("2026"), CAL) == date(2027, 2, 28)
    assert lkjip.reported(Period.parse("2026")) == Period.parse("2026")


def test_a_trigger_of_another_period_than_the_frequency_is_refused() -> None:
    (message,) = _definition_issues("setiap tanggal 5 setiap bulan", "triwulan")
    assert "memulai laporan per bulan" in message and "frequency SOP ini triwulan" in message
