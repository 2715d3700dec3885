"""The guided indicator input, as pure logic: what to ask, how to read the answer, what next.

No Telegram and no database here: the handlers (``handlers/input*.py``) fetch
the task's ``InputLine`` s from the engine, call these functions and render
what they return. Every figure leaves this module already formatted the
Indonesian way ("1.234,5", "103,13%"), so templates never print a raw Decimal.

The conversation, one indicator at a time::

    value --(typed, understood)--> confirm --(CONFIRM: saved)--> kendala
      |  \\--(NO_DATA)--> no_data --(reason typed: saved)--------/   |
      |                                                           tindak_lanjut
      \\<--(RETYPE)-- confirm                                         |
                                                                   evidence --> next indicator
                                                                                or summary
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.conversation.state import INPUT_MODES
from bot.domain.capaian import (
    DEFAULT_SCALE,
    CapaianResult,
    LowerFormula,
    Polarity,
    RatingScale,
    capaian,
)
from bot.domain.enums import MeasurementState
from bot.domain.numbers import (
    NumberError,
    format_number,
    format_percent,
    parse_value,
    validate_magnitude,
)
from bot.domain.periods import Period, PeriodError
from bot.domain.plausibility import Concern, kinds
from bot.engine.inputs import InputLine
from bot.engine.plausibility import lacks_kendala

MAX_TEXT = 1000
"""Longest kendala, tindak lanjut or no-data reason kept (the engine's reason limit)."""
TARGET_FACTOR = Decimal(1000)
"""A realisation a thousand times the period's target is a typo (extra zeros), not a result."""


MODES: tuple[str, ...] = tuple(mode.value for mode in INPUT_MODES)
"""Where the input conversation waits (``bot.conversation.state``)."""


@dataclass(frozen=True)
class Rules:
    """What an indicator allows beyond its ``InputLine``: sign, ceiling, capaian formula."""

    allow_negative: bool = False
    max_value: Decimal | None = None
    polarity: Polarity = Polarity.HIGHER_IS_BETTER
    lower_formula: LowerFormula = LowerFormula.TWO_T_MINUS_R
    scale: RatingScale = DEFAULT_SCALE


def rules_of(line: InputLine) -> Rules:
    """The indicator's own sign, ceiling, formula and the organisation's rating bands."""
    return Rules(
        allow_negative=line.allow_negative,
        max_value=line.max_value,
        polarity=line.polarity,
        lower_formula=line.lower_formula,
        scale=line.scale,
    )


# --- reading what was typed ---------------------------------------------------------
@dataclass(frozen=True)
class Understood:
    """A value that passed every check, with the echo the person confirms."""

    value: Decimal
    shown: str
    capaian: str | None
    capaian_reason: str | None
    category: str | None
    concerns: tuple[Concern, ...] = ()
    """Plausibility concerns: the echo shows them and asks to confirm (not a refusal)."""

    @property
    def concern_kinds(self) -> list[str]:
        return sorted(kinds(self.concerns))


@dataclass(frozen=True)
class Refused:
    """Why the text is not a usable value; ``message`` ends with an example."""

    message: str
    reason: str


def interpret(text: str | None, line: InputLine, rules: Rules) -> Understood | Refused:
    """Read a typed realisasi for ``line``: parse, check sign, size, unit and decimals."""
    try:
        parsed = parse_value(text or "", line.satuan)
    except NumberError as error:
        return Refused(str(error), error.reason)
    problem = validate_magnitude(
        parsed.value, allow_negative=rules.allow_negative, satuan=line.satuan
    )
    if problem is not None:
        return Refused(str(problem), problem.reason)
    value = parsed.value
    if rules.max_value is not None and value.copy_abs() > rules.max_value:
        return Refused(
            f"{format_number(value, parsed.places)} melebihi batas indikator ini "
            f"({_number(rules.max_value, line.precision)} {line.satuan}); periksa lagi. "
            f"Contoh: {_example(line)}",
            "above_max",
        )
    if parsed.places > line.precision:
        allowed = "tanpa desimal" if line.precision == 0 else f"{line.precision} angka desimal"
        example = format_number(value, line.precision)
        return Refused(
            f"Indikator ini diisi {allowed} (satuan {line.satuan}). Contoh: {example}",
            "precision",
        )
    if line.target is not None and line.target > 0 and value > line.target * TARGET_FACTOR:
        return Refused(
            f"{format_number(value, parsed.places)} jauh di atas target "
            f"{format_number(line.target, line.precision)}; mungkin kelebihan angka 0. "
            f"Contoh: {format_number(line.target, line.precision)}",
            "far_above_target",
        )
    return understood(line, value, format_number(value, parsed.places), rules)


def understood(line: InputLine, value: Decimal, shown: str, rules: Rules) -> Understood:
    """The echo of an accepted ``value``: capaian, category and plausibility concerns."""
    concerns = line.checks.concerns(value) if line.checks is not None else ()
    return Understood(value, shown, *echo_capaian(line, value, rules), concerns=concerns)


def kendala_required(line: InputLine, value: Decimal, rules: Rules) -> bool:
    """Whether ``value`` puts the capaian below the organisation's kendala threshold."""
    if line.checks is None:
        return False
    result = capaian(line.target, value, rules.polarity, rules.lower_formula)
    return line.checks.kendala_required(result.value)


def threshold_text(line: InputLine) -> str:
    """The kendala threshold as shown: "90%"."""
    threshold = line.checks.kendala_below_percent if line.checks is not None else Decimal(90)
    return limit_text(threshold)


def limit_text(percent: Decimal) -> str:
    """A configured percentage with only the decimals it has: "90%", "87,5%"."""
    return f"{_number(percent, 2)}%"


def echo_capaian(
    line: InputLine, value: Decimal, rules: Rules
) -> tuple[str | None, str | None, str | None]:
    """(capaian shown, reason it cannot be computed, category) for ``value``."""
    result = capaian(line.target, value, rules.polarity, rules.lower_formula)
    return _capaian_text(result), result.reason, _category(result, rules.scale)


def _capaian_text(result: CapaianResult) -> str | None:
    rounded = result.rounded(2)
    return None if rounded is None else format_percent(rounded, 2)


def _category(result: CapaianResult, scale: RatingScale) -> str | None:
    return scale.rate(result.value) if result.value is not None else None


def clean_text(text: str | None) -> str | Refused:
    """A kendala, tindak lanjut or reason: not empty, not endless."""
    shown = " ".join((text or "").split())
    if not shown:
        return Refused("Teksnya masih kosong. Contoh: Data dari kecamatan belum masuk", "empty")
    if len(shown) > MAX_TEXT:
        return Refused(f"Teks terlalu panjang (maksimal {MAX_TEXT} karakter).", "too_long")
    return shown


# --- choosing what comes next ---------------------------------------------------------
def next_line(lines: Sequence[InputLine], after: int | None = None) -> InputLine | None:
    """The next indicator to ask: editable and empty, else editable and sent back.

    Starts after the indicator ``after`` (if given) and wraps around, so the
    person moves forward through the list and still meets every gap.
    """
    order = list(lines)
    ids = [line.indicator_id for line in order]
    if after in ids:
        start = ids.index(after) + 1
        order = order[start:] + order[:start]
    for wanted in (_empty, _returned):
        for line in order:
            if line.editable and wanted(line):
                return line
    return None


def _empty(line: InputLine) -> bool:
    return not line.filled


def _returned(line: InputLine) -> bool:
    return line.state is MeasurementState.RETURNED


def find_line(lines: Sequence[InputLine], indicator_id: int | None) -> InputLine | None:
    return next((line for line in lines if line.indicator_id == indicator_id), None)


def position(lines: Sequence[InputLine], line: InputLine) -> tuple[int, int]:
    """(1-based place of ``line`` among the editable ones, how many are editable)."""
    editable = [item.indicator_id for item in lines if item.editable]
    place = editable.index(line.indicator_id) + 1 if line.indicator_id in editable else 0
    return place, len(editable)


def missing(lines: Sequence[InputLine]) -> list[InputLine]:
    """Editable indicators with neither a value nor a no-data reason."""
    return [line for line in lines if line.editable and not line.filled]


def lacking_kendala(lines: Sequence[InputLine]) -> list[InputLine]:
    """Editable indicators below the kendala threshold without kendala or tindak lanjut."""
    return [line for line in lines if line.editable and lacks_kendala(line)]


# --- what to show -----------------------------------------------------------------------
def period_label(period: str) -> str:
    try:
        return Period.parse(period).label
    except PeriodError:
        return period


def shown_value(line: InputLine) -> str | None:
    """The current draft as text: "82,5", "belum ada data (alasan)", or None."""
    if line.value is not None:
        return format_number(line.value, min(line.precision, _places(line.value.normalize())))
    if line.no_data and line.no_data_reason:
        return f"belum ada data ({line.no_data_reason})"
    return None


def prompt_context(
    lines: Sequence[InputLine], line: InputLine, *, reason: str | None = None
) -> dict[str, Any]:
    """Everything the value question shows for ``line``."""
    place, total = position(lines, line)
    return {
        "place": place,
        "total": total,
        "code": line.code,
        "name": line.name,
        "sasaran": line.sasaran,
        "satuan": line.satuan,
        "unit_name": line.unit_name,
        "target": _number(line.target, line.precision),
        "previous": [
            {"label": period_label(period), "value": _number(value, line.precision)}
            for period, value in line.previous
        ],
        "current": shown_value(line),
        "returned": line.state is MeasurementState.RETURNED,
        "reason": reason,
        "example": _example(line),
    }


def echo_context(line: InputLine, understood: Understood) -> dict[str, Any]:
    return {
        "code": line.code,
        "name": line.name,
        "satuan": line.satuan,
        "value": understood.shown,
        "target": _number(line.target, line.precision),
        "capaian": understood.capaian,
        "capaian_reason": understood.capaian_reason,
        "category": understood.category,
        "concerns": [concern.message(line.precision) for concern in understood.concerns],
    }


def summary_context(
    lines: Sequence[InputLine], *, reason: str | None = None, period: str = ""
) -> dict[str, Any]:
    """The closing overview: one row per indicator, what is missing, whether it can be sent."""
    rows = [
        {
            "code": line.code,
            "name": line.name,
            "satuan": line.satuan,
            "target": _number(line.target, line.precision),
            "value": shown_value(line),
            "capaian": _capaian_text(line.capaian),
            "category": line.category,
            "kendala": line.kendala,
            "tindak_lanjut": line.tindak_lanjut,
            "evidence": len(line.evidence),
            "editable": line.editable,
            "kendala_required": line.editable and lacks_kendala(line),
            "threshold": threshold_text(line),
        }
        for line in lines
    ]
    return {
        "rows": rows,
        "missing": len(missing(lines)),
        "lacking_kendala": len(lacking_kendala(lines)),
        "reason": reason,
        "period": period_label(period) if period else "",
        "can_submit": any(line.editable for line in lines),
    }


def _number(value: Decimal | None, precision: int) -> str | None:
    if value is None:
        return None
    return format_number(value, max(0, min(precision, _places(value.normalize()))))


def _example(line: InputLine) -> str:
    if line.target is not None and line.target > 0:
        return _number(line.target, line.precision) or "12"
    return "12" if line.precision == 0 else "12,5"


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


# --- evidence -------------------------------------------------------------------------
def photo_evidence(file_id: str, file_unique_id: str | None) -> dict[str, Any]:
    return {"kind": "photo", "file_id": file_id, "file_unique_id": file_unique_id}


def document_evidence(
    file_id: str, file_name: str | None, file_unique_id: str | None
) -> dict[str, Any]:
    return {
        "kind": "document",
        "file_id": file_id,
        "file_name": file_name,
        "file_unique_id": file_unique_id,
    }


def with_evidence(existing: Sequence[dict[str, Any]], item: dict[str, Any]) -> list[dict[str, Any]]:
    """The evidence list with ``item`` added once (the same file sent twice counts once)."""
    key = item.get("file_unique_id") or item["file_id"]
    kept = [dict(e) for e in existing if (e.get("file_unique_id") or e.get("file_id")) != key]
    return [*kept, item]
