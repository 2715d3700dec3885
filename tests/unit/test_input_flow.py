"""The guided input's pure logic: reading typed values, what comes next, what is shown."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from bot.domain.capaian import Polarity, capaian
from bot.domain.enums import MeasurementState
from bot.engine.inputs import InputLine
from bot.services import input_flow as flow


def line(
    indicator_id: int = 1,
    *,
    satuan: str = "orang",
    precision: int = 0,
    target: str | None = "150",
    value: str | None = None,
    no_data_reason: str | None = None,
    editable: bool = True,
    state: MeasurementState | None = None,
) -> InputLine:
    realisasi = Decimal(value) if value is not None else None
    goal = Decimal(target) if target is not None else None
    return InputLine(
        indicator_id=indicator_id,
        code=f"IWK-0{indicator_id}",
        name=f"Indikator {indicator_id}",
        sasaran="Meningkatnya pemahaman",
        satuan=satuan,
        precision=precision,
        unit_name="Bidang IWK",
        target=goal,
        previous=(("2026-TW1", Decimal("50")), ("2026-TW2", None)),
        value=realisasi,
        no_data=realisasi is None and no_data_reason is not None,
        no_data_reason=no_data_reason,
        kendala=None,
        tindak_lanjut=None,
        evidence=(),
        state=state,
        capaian=capaian(goal, realisasi, Polarity.HIGHER_IS_BETTER),
        category=None,
        editable=editable,
    )


PERCENT = line(satuan="%", precision=2, target="82.5")
RULES = flow.Rules(max_value=Decimal(100))


def test_a_decimal_comma_is_echoed_with_capaian_and_category() -> None:
    result = flow.interpret("82,5", PERCENT, RULES)
    assert isinstance(result, flow.Understood)
    assert result.value == Decimal("82.5")
    assert result.shown == "82,5"
    assert result.capaian == "100,00%"
    assert result.category == "Sangat Tinggi"


def test_thousands_and_capaian_for_a_count() -> None:
    result = flow.interpret("1.200", line(target="1500"), flow.Rules())
    assert isinstance(result, flow.Understood)
    assert (result.shown, result.capaian, result.category) == ("1.200", "80,00%", "Tinggi")


@pytest.mark.parametrize(
    ("text", "reason", "fragment"),
    [
        ("delapan puluh", "no_digits", "tidak berisi angka"),
        ("", "empty", "Belum ada angka"),
        ("   ", "empty", "Contoh:"),
        ("-5", "negative", "tidak boleh negatif"),
        ("1e9", "several_numbers", "Contoh:"),
        ("150%", "unit_mismatch", "bukan persen"),
        ("12,5", "precision", "tanpa desimal"),
        ("150.000.000", "far_above_target", "kelebihan angka 0"),
    ],
)
def test_wrong_input_is_refused_with_a_reason_and_an_example(
    text: str, reason: str, fragment: str
) -> None:
    result = flow.interpret(text, line(), flow.rules_of(line()))
    assert isinstance(result, flow.Refused)
    assert result.reason == reason
    assert fragment in result.message
    assert "Contoh" in result.message


def test_a_percentage_above_its_ceiling_is_refused() -> None:
    result = flow.interpret("850", PERCENT, RULES)
    assert isinstance(result, flow.Refused) and result.reason == "above_max"
    assert result.message == (
        "850 melebihi batas indikator ini (100 %); periksa lagi. Contoh: 82,5"
    )
    huge = flow.interpret("1.500", PERCENT, flow.Rules())
    assert isinstance(huge, flow.Refused) and huge.reason == "percent_too_large"


def test_negative_allowed_only_where_the_indicator_allows_it() -> None:
    from dataclasses import replace

    growth = replace(line(satuan="% pertumbuhan", precision=2, target="5"), allow_negative=True)
    result = flow.interpret("-1,5", growth, flow.rules_of(growth))
    assert isinstance(result, flow.Understood) and result.shown == "-1,5"
    refused = flow.interpret("-1,5", line(), flow.rules_of(line()))
    assert isinstance(refused, flow.Refused)


def test_capaian_not_computable_is_said_not_crashed() -> None:
    result = flow.interpret("3", line(target="0"), flow.Rules())
    assert isinstance(result, flow.Understood)
    assert result.capaian is None and result.category is None
    assert result.capaian_reason == "tidak dapat dihitung (target 0)"


def test_lower_is_better_meets_target_at_100_percent() -> None:
    rules = flow.Rules(polarity=Polarity.LOWER_IS_BETTER)
    result = flow.interpret("4", line(target="4"), rules)
    assert isinstance(result, flow.Understood) and result.capaian == "100,00%"


def test_next_line_prefers_empty_then_returned_and_wraps() -> None:
    lines = [
        line(1, value="10"),
        line(2),
        line(3, value="5"),
        line(4, no_data_reason="belum masuk"),
        line(5),
    ]
    assert flow.next_line(lines).indicator_id == 2  # type: ignore[union-attr]
    assert flow.next_line(lines, after=2).indicator_id == 5  # type: ignore[union-attr]
    assert flow.next_line(lines, after=5).indicator_id == 2  # type: ignore[union-attr]
    full = [replace(item, value=Decimal(1)) for item in lines]
    assert flow.next_line(full) is None
    returned = [*full[:2], replace(full[2], state=MeasurementState.RETURNED), *full[3:]]
    assert flow.next_line(returned).indicator_id == 3  # type: ignore[union-attr]


def test_next_line_skips_indicators_not_to_correct() -> None:
    lines = [line(1, editable=False), line(2, value="3", editable=True)]
    assert flow.next_line(lines) is None
    assert flow.missing(lines) == []
    assert flow.missing([line(1), line(2, editable=False)]) == [line(1)]


def test_prompt_shows_target_previous_quarters_and_draft() -> None:
    lines = [line(1, value="120"), line(2, satuan="%", precision=2, target="77.50")]
    context = flow.prompt_context(lines, lines[1], reason="Angka TW3 salah")
    assert (context["place"], context["total"]) == (2, 2)
    assert context["target"] == "77,5"
    assert context["previous"] == [
        {"label": "Triwulan I 2026", "value": "50"},
        {"label": "Triwulan II 2026", "value": None},
    ]
    assert context["current"] is None
    assert context["reason"] == "Angka TW3 salah"
    assert flow.prompt_context(lines, lines[0])["current"] == "120"


def test_summary_rows_are_formatted() -> None:
    lines = [line(1, value="120"), line(2, no_data_reason="laporan belum masuk")]
    context = flow.summary_context(lines, period="2026-TW3")
    assert context["period"] == "Triwulan III 2026"
    first, second = context["rows"]
    assert (first["value"], first["capaian"]) == ("120", "80,00%")
    assert second["value"] == "belum ada data (laporan belum masuk)"
    assert context["missing"] == 0 and context["can_submit"]


def test_texts_are_cleaned_and_empty_ones_refused() -> None:
    assert flow.clean_text("  Anggaran\n terlambat ") == "Anggaran terlambat"
    assert isinstance(flow.clean_text("  "), flow.Refused)
    assert isinstance(flow.clean_text("x" * 1001), flow.Refused)


def test_evidence_is_kept_once_per_file() -> None:
    photo = flow.photo_evidence("F1", "U1")
    again = flow.photo_evidence("F1-other-id", "U1")
    document = flow.document_evidence("F2", "lapor.pdf", "U2")
    kept = flow.with_evidence(flow.with_evidence([photo], document), again)
    assert [e["file_id"] for e in kept] == ["F2", "F1-other-id"]


def test_modes_are_the_stored_names() -> None:
    assert flow.MODES[0] == "input_value"
    assert all(mode.startswith("input") for mode in flow.MODES)
