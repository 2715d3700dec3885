"""The definition model's own parsing: Waktu, triggers, transitions."""

import pytest
from pydantic import ValidationError

from bot.domain.durations import DurationError, WorkDuration
from bot.domain.periods import Period
from bot.domain.sop import END, SopDefinition, StepKind, Waktu


def _definition(**step_overrides: object) -> dict:
    step = {"no": 1, "uraian": "Menugaskan", "pelaksana": "kabid", "waktu": "15 Menit", "next": END}
    step.update(step_overrides)
    return {
        "id": "contoh",
        "identity": {"instansi": "Badan", "nomor": "07", "disahkan_oleh": "Kepala", "nama": "SOP"},
        "roles": [{"key": "kabid", "name": "Kabid"}],
        "steps": [step],
    }


def test_plain_waktu_applies_to_every_report() -> None:
    waktu = Waktu.model_validate("2 Jam")
    for period in ("2026-TW1", "2026-TW4", "2026"):
        assert waktu.resolve(Period.parse(period).report_types()) == WorkDuration(minutes=120)


def test_conditional_waktu_resolves_by_report_type() -> None:
    waktu = Waktu.model_validate(
        {
            "teks": "1 Hari Untuk Penyusunan Laporan Triwulan dan "
            "15 Hari untuk Laporan Kinerja Tahunan",
            "per_laporan": {"triwulan": "1 Hari", "tahunan": "15 Hari"},
        }
    )
    assert waktu.resolve(Period.parse("2026-TW1").report_types()) == WorkDuration(days=1)
    # TW IV closes the year too: the annual report's longer standard applies.
    assert waktu.resolve(Period.parse("2026-TW4").report_types()) == WorkDuration(days=15)
    with pytest.raises(DurationError):
        waktu.resolve(Period.parse("2026-S1").report_types())


def test_unparsable_waktu_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="tidak dapat dibaca"):
        SopDefinition.model_validate(_definition(waktu="sebentar"))


def test_unparsable_trigger_is_a_validation_error() -> None:
    data = _definition()
    data["triggers"] = [{"teks": "kapan-kapan"}]
    with pytest.raises(ValidationError, match="jadwal"):
        SopDefinition.model_validate(data)


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        SopDefinition.model_validate(_definition(pelaksanaa="kabid"))


def test_decision_skip_follows_the_yes_exit() -> None:
    defn = SopDefinition.model_validate(_definition(kind="review", next=None, ya=END, tidak=1))
    step = defn.start_step
    assert step.kind is StepKind.REVIEW and step.is_decision
    assert step.skip_target() == END
    assert step.targets() == (END, 1)
