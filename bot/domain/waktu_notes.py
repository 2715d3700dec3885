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
    """
    notes: list[str] = []
    for step in defn.steps:
        if step.waktu is None:
            notes.append(
                f"langkah {step.no}: tanpa Waktu (lembar SOP mencetak '-'); mesin memakai "
                f"durasi bawaan organisasi (organisasi.durasi_bawaan, bawaan {default_duration!r})"
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
                f"langkah {step.no}: Waktu '{text}{unit}' dihitung sebagai {duration} kerja, "
                f"bukan {max(1, round(duration.minutes / day_minutes))} hari kerja: "
                f"hari kerja organisasi {hours} = {day_minutes} menit"
            )
    return notes
