"""How the engine counts Waktu where a document leaves room for doubt (notes, not mistakes).

``sopbot sop validate`` and ``sop show`` print these so the author knows: a step
without Waktu takes the organisation's default duration, and a Waktu in minutes
of about a day ("480 menit") is counted as working minutes, which is not one
working day when the organisation's day is 07.30-16.00 (510 minutes). Pure.
"""

from __future__ import annotations

from bot.domain.durations import DurationError
from bot.domain.sop import ALL_REPORT_TYPES, SopDefinition

DEFAULT_DAY_MINUTES = 510
"""07.30-16.00, the default working day (an organisation may set its own)."""


def waktu_notes(
    defn: SopDefinition,
    *,
    day_minutes: int = DEFAULT_DAY_MINUTES,
    default_duration: str = "1 Hari",
    hours: str = "07.30-16.00",
) -> list[str]:
    """How the engine counts Waktu where the document leaves room for doubt.

    A step without Waktu uses the organisation's default duration; a Waktu in
    minutes of about a day ("480 menit") is counted as that many working minutes,
    which is not one working day when the organisation's day is longer or shorter.

    Notes of the same kind are one line naming their steps ("langkah 1-7: tanpa
    Waktu ..."), in the order of the first step each concerns.
    """
    notes: list[tuple[int, str]] = []
    for step in defn.steps:
        if step.waktu is None:
            notes.append(
                (
                    step.no,
                    "tanpa Waktu (lembar SOP mencetak '-'); mesin memakai durasi bawaan "
                    f"organisasi (organisasi.durasi_bawaan, bawaan {default_duration!r})",
                )
            )
            continue
        for text in step.waktu.texts:
            try:
                duration = (
                    step.waktu.resolve(ALL_REPORT_TYPES, defn.waktu_satuan)
                    if not step.waktu.per_laporan
                    else None
                )
            except DurationError:
                continue
            if duration is None or duration.days or duration.minutes < day_minutes * 3 // 4:
                continue
            if duration.minutes % day_minutes == 0:
                continue
            unit = f" {defn.waktu_satuan}" if step.waktu.bare and defn.waktu_satuan else ""
            notes.append(
                (
                    step.no,
                    f"Waktu '{text}{unit}' dihitung sebagai {duration} kerja, "
                    f"bukan {max(1, round(duration.minutes / day_minutes))} hari kerja: "
                    f"hari kerja organisasi {hours} = {day_minutes} menit",
                )
            )
    return condense(notes)


def condense(notes: list[tuple[int, str]]) -> list[str]:
    """One line per kind of note, naming its steps: ``langkah 1-4, 6: <note>``."""
    steps: dict[str, list[int]] = {}
    for no, text in notes:
        steps.setdefault(text, [])
        if no not in steps[text]:
            steps[text].append(no)
    return [f"langkah {step_ranges(numbers)}: {text}" for text, numbers in steps.items()]


def step_ranges(numbers: list[int]) -> str:
    """``[1, 2, 3, 4, 6]`` -> ``1-4, 6``: runs of consecutive step numbers as ranges."""
    parts: list[str] = []
    ordered = sorted(set(numbers))
    start = prev = ordered[0]
    for no in [*ordered[1:], None]:
        if no is not None and no == prev + 1:
            prev = no
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if no is not None:
            start = prev = no
    return ", ".join(parts)
