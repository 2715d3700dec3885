"""Semantic checks on definitions built in code: no YAML, no files."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.periods import ReportType
from bot.domain.sop import SopDefinition
from bot.domain.sop_checks import Issue, check_definition, due_report_sets


def _step(no: int, pelaksana: str = "kabid", **extra: Any) -> dict[str, Any]:
    return {"no": no, "uraian": f"langkah {no}", "pelaksana": pelaksana, "waktu": "1 Jam", **extra}


def _defn(
    *steps: dict[str, Any], roles: list[dict[str, Any]] | None = None, frequency: str = "triwulan"
) -> SopDefinition:
    return SopDefinition.model_validate(
        {
            "id": "uji",
            "frequency": frequency,
            "identity": {
                "instansi": "Badan Uji",
                "nomor": "1",
                "disahkan_oleh": "Kaban",
                "nama": "Uji",
            },
            "roles": roles
            or [
                {"key": "kabid", "name": "Kabid"},
                {"key": "staf", "name": "Staf", "superior": "kabid"},
            ],
            "steps": list(steps),
        }
    )


def _review(no: int, ya: object, tidak: object) -> dict[str, Any]:
    return _step(no, kind="review", ya=ya, tidak=tidak)


def _issues(defn: SopDefinition) -> list[tuple[tuple[str | int, ...], str]]:
    return [(issue.loc, issue.message) for issue in check_definition(defn)]


def test_a_sound_flow_with_a_correction_loop_has_no_issues() -> None:
    defn = _defn(
        _step(1, next=2),
        _step(2, "staf", scope="unit", next=3),
        _step(3, "staf", scope="join", next=4),
        _review(4, "selesai", 3),
    )
    assert check_definition(defn) == []


def test_unknown_roles_in_step_fan_out_and_superior() -> None:
    defn = _defn(
        _step(1, "camat", next=2, fan_out={"pelaksana": "lurah", "uraian": "isi"}),
        _step(2, scope="join", next="selesai"),
        roles=[{"key": "kabid", "name": "Kabid", "superior": "bupati"}],
    )
    locs = [loc for loc, _ in _issues(defn)]
    assert ("steps", 0, "pelaksana") in locs
    assert ("steps", 0, "fan_out", "pelaksana") in locs
    assert ("roles", 0, "superior") in locs
    assert (
        "langkah 1: peran 'camat' tidak ada di roles (yang ada: kabid)"
        in dict(_issues(defn)).values()
    )


def test_transition_to_a_missing_step() -> None:
    assert _issues(_defn(_step(1, next=5))) == [
        (("steps", 0, "next"), "langkah 1 menuju langkah 5 yang tidak ada")
    ]


def test_a_task_without_next() -> None:
    issues = _issues(_defn(_step(1)))
    assert issues == [
        (("steps", 0), "langkah 1 tidak punya 'next'; isi nomor langkah berikutnya atau 'selesai'")
    ]


def test_a_decision_needs_ya_and_tidak_and_no_next() -> None:
    defn = _defn(_step(1, kind="review", next="selesai", ya="selesai"))
    assert _issues(defn) == [
        (
            ("steps", 0, "next"),
            "langkah 1 adalah keputusan (kind: review): gunakan 'ya' dan 'tidak', bukan 'next'",
        ),
        (("steps", 0), "langkah 1 adalah keputusan (kind: review) tetapi tidak punya 'tidak'"),
    ]


def test_ya_and_tidak_only_on_a_decision() -> None:
    locs = [loc for loc, _ in _issues(_defn(_step(1, next="selesai", ya="selesai", tidak=1)))]
    assert locs == [("steps", 0, "ya"), ("steps", 0, "tidak")]


def test_duplicate_step_numbers_and_role_keys() -> None:
    defn = _defn(
        _step(1, next=2),
        _step(2, next="selesai"),
        _step(2, next="selesai"),
        roles=[{"key": "kabid", "name": "Kabid"}, {"key": "kabid", "name": "Kabid lagi"}],
    )
    assert _issues(defn) == [
        (("roles", 1, "key"), "peran 'kabid' ditulis dua kali (pertama di roles[0])"),
        (("steps", 2, "no"), "nomor langkah 2 dipakai dua kali (pertama di steps[1])"),
    ]


def test_unreachable_step() -> None:
    defn = _defn(_step(1, next="selesai"), _step(2, next="selesai"))
    assert _issues(defn) == [
        (("steps", 1), "langkah 2 tidak dapat dicapai dari langkah pertama (1)")
    ]


def test_a_loop_with_no_way_out_is_reported_once() -> None:
    defn = _defn(_review(1, "selesai", 2), _step(2, next=3), _step(3, next=2))
    assert _issues(defn) == [
        (
            ("steps", 1),
            "putaran tanpa jalan keluar: langkah 2 dan 3 saling menuju "
            "dan tidak pernah sampai ke 'selesai'",
        )
    ]


def test_a_review_loop_with_an_exit_is_fine() -> None:
    defn = _defn(_step(1, next=2), _review(2, "selesai", 1))
    assert check_definition(defn) == []


def test_no_path_to_selesai() -> None:
    messages = [message for _, message in _issues(_defn(_step(1, next=2), _step(2, next=1)))]
    assert messages[0] == "tidak ada langkah yang menuju 'selesai'"
    assert "langkah 1 dan 2 saling menuju" in messages[1]


def test_selesai_exists_but_not_from_the_start() -> None:
    defn = _defn(_step(1, next=2), _step(2, next=1), _step(3, next="selesai"))
    assert (("steps",), "tidak ada jalan dari langkah pertama (1) menuju 'selesai'") in _issues(
        defn
    )


def test_join_needs_a_fan_out_on_every_path() -> None:
    defn = _defn(
        _review(1, 2, 3),
        _step(2, "staf", scope="unit", next=3),
        _step(3, scope="join", next="selesai"),
    )
    assert _issues(defn) == [
        (
            ("steps", 2, "scope"),
            "langkah 3 (scope: join) menghimpun hasil per unit, tetapi ada jalan ke sini "
            "tanpa langkah scope 'unit' atau fan_out sebelumnya",
        )
    ]


def test_fan_out_opens_the_branches_for_a_join() -> None:
    defn = _defn(
        _step(1, next=2, fan_out={"pelaksana": "staf", "uraian": "isi realisasi"}),
        _step(2, scope="join", next="selesai"),
    )
    assert check_definition(defn) == []


def test_fan_out_only_on_a_run_step() -> None:
    defn = _defn(
        _step(1, "staf", scope="unit", next=2, fan_out={"pelaksana": "staf", "uraian": "isi"}),
        _step(2, scope="join", next="selesai"),
    )
    assert [loc for loc, _ in _issues(defn)] == [("steps", 0, "fan_out")]


def test_waktu_must_resolve_for_every_report_the_step_runs_in() -> None:
    waktu = {"teks": "15 Hari untuk tahunan", "per_laporan": {"tahunan": "15 Hari"}}
    assert _issues(_defn(_step(1, waktu=waktu, next="selesai"))) == [
        (
            ("steps", 0, "waktu"),
            "langkah 1: Waktu '15 Hari untuk tahunan' tidak berlaku untuk laporan triwulan",
        )
    ]
    annual_only = _step(1, waktu=waktu, report_types=["tahunan"], next="selesai")
    assert check_definition(_defn(annual_only)) == []


def test_a_conditional_waktu_covers_runs_that_close_several_reports() -> None:
    # TW II closes triwulan + semester: the triwulan value applies, no semester value needed.
    waktu = {
        "teks": "1 Hari / 15 Hari",
        "per_laporan": {"triwulan": "1 Hari", "tahunan": "15 Hari"},
    }
    assert check_definition(_defn(_step(1, waktu=waktu, next="selesai"))) == []


def test_a_step_that_never_runs_for_the_frequency() -> None:
    defn = _defn(_step(1, report_types=["semester"], next="selesai"), frequency="tahunan")
    assert [loc for loc, _ in _issues(defn)] == [("steps", 0, "report_types")]


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ([{"key": "a", "name": "A", "superior": "a"}], "atasan berputar: a → a"),
        (
            [
                {"key": "a", "name": "A", "superior": "b"},
                {"key": "b", "name": "B", "superior": "c"},
                {"key": "c", "name": "C", "superior": "a"},
            ],
            "atasan berputar: a → b → c → a",
        ),
    ],
)
def test_superior_cycles_are_reported_once(roles: list[dict[str, Any]], message: str) -> None:
    defn = _defn(_step(1, "a", next="selesai"), roles=roles)
    assert _issues(defn) == [(("roles", 0, "superior"), message)]


def test_due_report_sets_follow_the_calendar() -> None:
    tw, sem, th = ReportType.TRIWULAN, ReportType.SEMESTER, ReportType.TAHUNAN
    assert due_report_sets("triwulan") == [
        frozenset({tw}),
        frozenset({tw, sem}),
        frozenset({tw, sem, th}),
    ]
    assert due_report_sets("tahunan") == [frozenset({th})]


def test_issue_is_a_plain_value() -> None:
    assert Issue(("steps", 0), "x") == Issue(("steps", 0), "x")


def test_months_are_checked() -> None:
    """``months:`` lists months 1-12; a step whose months never close its reports never runs."""
    from pydantic import ValidationError

    for bad in ([], [0], [13]):
        with pytest.raises(ValidationError):
            _defn(_step(1, next="selesai", months=bad))
    fine = _defn(_step(1, next=2, months=[1]), _step(2, next="selesai"), frequency="bulanan")
    assert _issues(fine) == []
    never = _defn(
        _step(1, next=2),
        _step(2, next="selesai", months=[2], report_types=["semester"]),
        frequency="bulanan",
    )
    assert _issues(never) == [
        (
            ("steps", 1, "months"),
            "langkah 2 tidak pernah berjalan: tidak ada periode bulanan bulan 2 yang "
            "menutup laporan semester",
        )
    ]


def test_an_acceptance_step_that_runs_only_in_january_is_refused() -> None:
    defn = _defn(
        _step(1, next=2, kind="indicator_input"),
        _step(2, next="selesai", months=[1]),
        frequency="bulanan",
    )
    defn = SopDefinition.model_validate({**defn.model_dump(mode="json"), "acceptance": {"step": 2}})
    [(loc, message)] = _issues(defn)
    assert loc == ("acceptance", "step")
    assert "tidak berjalan untuk laporan bulanan (bulan 2)" in message, message


def _circular(join: object, *steps: dict[str, Any]) -> SopDefinition:
    """Step 1 sends a circular to the units (fan_out.join), gathered later."""
    fan = {"pelaksana": "staf", "uraian": "Menjawab edaran", "join": join}
    return _defn(_step(1, next=2, kind="task", fan_out=fan), *steps)


def test_a_fan_out_gathered_later_is_checked() -> None:
    sound = _circular(3, _step(2, next=3), _step(3, next="selesai", scope="join"))
    assert _issues(sound) == []
    where = ("steps", 0, "fan_out", "join")
    missing = _circular(9, _step(2, next=3), _step(3, next="selesai", scope="join"))
    assert _issues(missing) == [(where, "langkah 1: fan_out.join menuju langkah 9 yang tidak ada")]
    not_a_join = _circular(3, _step(2, next=3, scope="join"), _step(3, next="selesai"))
    assert any(loc == where and "harus langkah scope 'join'" in m for loc, m in _issues(not_a_join))
    bypass = _circular(3, _review(2, ya=3, tidak="selesai"), _step(3, next="selesai", scope="join"))
    messages = [m for loc, m in _issues(bypass) if loc == where]
    assert messages and "tidak melewati fan_out.join 3" in messages[0], messages
    judged = _circular(3, _review(2, ya=3, tidak=2), _step(3, next="selesai", scope="join"))
    assert any("menilai atau mengisi data yang belum dihimpun" in m for _, m in _issues(judged))
    back = _circular(3, _step(2, next=1), _step(3, next="selesai", scope="join"))
    assert any("ada jalan kembali ke langkah ini" in m for _, m in _issues(back))


def test_figures_gathered_later_are_received_at_the_join_not_before() -> None:
    from bot.domain.acceptance import acceptance_plan
    from bot.domain.periods import Period
    from bot.domain.workflow import fan_out_join, gathers_later

    fan = {"pelaksana": "staf", "uraian": "Mengisi data", "join": 3}
    defn = _defn(
        _step(1, next=2, fan_out=fan),
        _step(2, next=3),
        _step(3, next=4, scope="join"),
        _step(4, next="selesai"),
    )
    due = Period.parse("2026-TW3").due()
    assert gathers_later(defn.step(1)) and not gathers_later(defn.step(2))
    assert fan_out_join(defn, defn.step(1), due).step.no == 3  # type: ignore[union-attr]
    assert acceptance_plan(defn, due).accepting == 3  # the join receives, not step 2
    early = SopDefinition.model_validate(
        {**defn.model_dump(mode="json"), "acceptance": {"step": 2}}
    )
    assert any("sebelum jawaban unit dihimpun" in m for _, m in _issues(early))
