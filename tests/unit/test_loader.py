"""The definition loader: every broken file gets FILE:LINE:COL and a clear message."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.definitions import (
    DefinitionNotFound,
    Problem,
    load_catalog,
    load_file,
    load_text,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BROKEN = FIXTURES / "broken"
VALID = FIXTURES / "valid" / "mini.yaml"

# file -> (line, col, words the message must contain); each file has one mistake.
EXPECTED = {
    "unknown_role.yaml": (
        22,
        16,
        "steps[1].pelaksana: langkah 2: peran 'camat' tidak ada di roles",
    ),
    "missing_step_target.yaml": (
        19,
        11,
        "steps[0].next: langkah 1 menuju langkah 7 yang tidak ada",
    ),
    "unreachable_step.yaml": (27, 5, "langkah 3 tidak dapat dicapai dari langkah pertama (1)"),
    "trap_loop.yaml": (27, 5, "putaran tanpa jalan keluar: langkah 3 hanya menuju dirinya sendiri"),
    "no_path_to_end.yaml": (14, 1, "steps: tidak ada langkah yang menuju 'selesai'"),
    "decision_missing_exit.yaml": (
        20,
        5,
        "langkah 2 adalah keputusan (kind: review) tetapi tidak punya 'tidak'",
    ),
    "ya_on_task.yaml": (20, 9, "'ya' hanya untuk langkah keputusan"),
    "bad_waktu.yaml": (24, 12, "steps[1].waktu: Waktu 'lima menit' tidak dapat dibaca; contoh:"),
    "waktu_not_for_report.yaml": (24, 5, "tidak berlaku untuk laporan triwulan"),
    "bad_trigger.yaml": (15, 11, "triggers[0].teks: jadwal 'tiap awal bulan' tidak dapat dibaca"),
    "duplicate_step_no.yaml": (27, 9, "steps[2].no: nomor langkah 2 dipakai dua kali"),
    "duplicate_role_key.yaml": (11, 10, "roles[1].key: peran 'kabid' ditulis dua kali"),
    "duplicate_mapping_key.yaml": (17, 5, "kunci 'uraian' ditulis dua kali (pertama di baris 16)"),
    "superior_cycle.yaml": (11, 15, "atasan berputar: kabid → staf → kabid"),
    "join_without_fan_out.yaml": (18, 12, "langkah 1 (scope: join) menghimpun hasil per unit"),
    "fan_out_not_run.yaml": (19, 5, "fan_out hanya untuk langkah scope 'run'"),
    "tabs.yaml": (20, 1, "karakter tab tidak boleh dipakai untuk indentasi"),
    "empty.yaml": (1, 1, "berkas kosong"),
    "list_instead_of_mapping.yaml": (2, 1, "harus berupa mapping"),
    "scalar_document.yaml": (2, 1, "bukan nilai tunggal"),
    "binary_junk.yaml": (3, 9, "bukan teks UTF-8 (byte 0xff tidak sah)"),
    "nul_character.yaml": (7, 10, "karakter tidak sah #x0000"),
    "unknown_key.yaml": (17, 5, "kolom 'pelaksanaa' tidak dikenal; mungkin maksudnya 'pelaksana'?"),
    "missing_key.yaml": (20, 5, "steps[1].uraian: kolom 'uraian' wajib diisi"),
    "next_yes.yaml": (19, 11, "bukan 'yes'"),
    "multiple_documents.yaml": (27, 1, "hanya boleh berisi satu dokumen YAML"),
    "alias.yaml": (21, 13, "alias YAML ('*') tidak diizinkan"),
}


def test_every_broken_fixture_has_an_expectation() -> None:
    assert {path.name for path in BROKEN.iterdir()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_fixture_is_refused_with_location(name: str) -> None:
    line, col, words = EXPECTED[name]
    definition, problems = load_file(BROKEN / name)

    assert definition is None
    rendered = [str(problem) for problem in problems]
    prefix = f"{BROKEN / name}:{line}:{col}: "
    assert any(text.startswith(prefix) and words in text for text in rendered), rendered


def test_valid_fixture_loads() -> None:
    definition, problems = load_file(VALID)

    assert problems == []
    assert definition is not None
    assert definition.id == "contoh-mini"
    assert [step.no for step in definition.steps] == [1, 2, 3, 4, 5]


def test_problem_str_is_file_line_col_message() -> None:
    assert str(Problem("a.yaml", 3, 7, "salah")) == "a.yaml:3:7: salah"


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n", "YA", "TIDAK", "Yes"])
def test_yaml_11_booleans_stay_strings(word: str) -> None:
    text = VALID.read_text().replace("keterangan: YA", f"keterangan: {word}")
    definition, problems = load_text(text, "x.yaml")

    assert problems == []
    assert definition is not None
    assert definition.steps[-1].keterangan == word


def test_true_is_still_a_boolean() -> None:
    text = VALID.read_text().replace("    name: Kabid\n", "    name: Kabid\n    column: false\n")
    definition, problems = load_text(text, "x.yaml")

    assert problems == []
    assert definition is not None
    assert definition.roles[0].column is False


def test_dates_and_sexagesimal_stay_text() -> None:
    text = (
        VALID.read_text()
        .replace('nomor: "07"', "nomor: 2022-02-01")
        .replace("nama: Pengumpulan", "alamat: 1:30\n  nama: Pengumpulan")
    )
    definition, problems = load_text(text, "x.yaml")

    assert problems == []
    assert definition is not None
    assert (definition.identity.nomor, definition.identity.alamat) == ("2022-02-01", "1:30")


def test_one_typo_in_a_target_is_one_problem_not_a_cascade() -> None:
    text = VALID.read_text().replace("ya: 5", "ya: 9")
    _, problems = load_text(text, "x.yaml")

    assert [p.message for p in problems] == [
        "steps[3].ya: langkah 4 menuju langkah 9 yang tidak ada"
    ]


def test_union_errors_are_merged_into_one_message() -> None:
    text = VALID.read_text().replace("next: 2", "next: lanjut")
    _, problems = load_text(text, "x.yaml")

    assert len(problems) == 1
    assert "harus bilangan bulat atau salah satu dari 'selesai', bukan 'lanjut'" in str(problems[0])
    assert "Value error" not in str(problems[0])
    assert "http" not in str(problems[0])


def test_unknown_dict_key_points_at_the_key() -> None:
    text = VALID.read_text().replace("tahunan: 15 Hari", "mingguan: 15 Hari")
    _, problems = load_text(text, "x.yaml")

    assert [(p.line, p.col) for p in problems] == [(66, 9)]
    assert (
        "per_laporan.mingguan: harus salah satu dari 'bulanan', 'triwulan'" in problems[0].message
    )


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 500 + "]" * 500,
        "id: " + "9" * 5000,
        "a: &a [x]\nb: [*a, *a]\n",
        "? [a]\n: b\n",
        "nomor: !!python/name:os.system ''\n",
        "a: !!float abc\n",
        "a: !!bool maybe\n",
        "a: !!int 0xZZ\n",
        "a: !!int 9_9\nb: !!float .5\nc: !!bool yes\n",
        "a: 'unterminated",
        "\ufeffid: x\n",
        "x" * 1_000_001,
    ],
)
def test_hostile_input_is_a_problem_not_an_exception(text: str) -> None:
    definition, problems = load_text(text, "x.yaml")

    assert definition is None
    assert problems
    assert all(p.line >= 1 and p.col >= 1 for p in problems)


@given(st.text())
def test_load_text_never_raises_on_any_text(text: str) -> None:
    definition, problems = load_text(text, "x.yaml")
    assert (definition is None) == bool(problems)


_YAML_BITS = st.sampled_from(
    ["\n", "  ", "- ", ": ", "id", "steps", "no", "next", "[", "]", "{", "}", ",", "&a ",
     "*a", "!!str ", "!!int ", "!!float ", "!!bool ", "!x ", "---\n", "yes", "1", "'", '"',
     "#", "\t", "? ", "|\n", ">\n", "~"]
)  # fmt: skip


@given(st.lists(_YAML_BITS, max_size=40).map("".join))
def test_load_text_never_raises_on_yaml_like_text(text: str) -> None:
    definition, problems = load_text(text, "x.yaml")
    assert (definition is None) == bool(problems)


@given(st.lists(st.integers(min_value=0, max_value=80), max_size=6))
def test_load_text_never_raises_when_lines_of_a_valid_file_are_lost(dropped: list[int]) -> None:
    lines = VALID.read_text().splitlines(keepends=True)
    text = "".join(line for i, line in enumerate(lines) if i not in dropped)
    definition, problems = load_text(text, "x.yaml")
    assert (definition is None) == bool(problems)


@given(st.binary(max_size=200))
def test_load_file_never_raises_on_any_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.yaml"
        path.write_bytes(data)
        definition, problems = load_file(path)
    assert definition is None
    assert problems and all(p.line >= 1 and p.col >= 1 for p in problems)


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    definition, problems = load_file(tmp_path / "tidak-ada.yaml")

    assert definition is None
    assert [(p.line, p.col) for p in problems] == [(1, 1)]


# --- catalog --------------------------------------------------------------------------------


def test_catalog_reads_yaml_and_yml_in_sorted_order(tmp_path: Path) -> None:
    text = VALID.read_text()
    (tmp_path / "b.yml").write_text(text.replace("id: contoh-mini", "id: kedua"))
    (tmp_path / "a.yaml").write_text(text)
    (tmp_path / "catatan.txt").write_text("bukan definisi")

    catalog = load_catalog([tmp_path])

    assert catalog.problems == []
    assert list(catalog.definitions) == ["contoh-mini", "kedua"]
    loaded = catalog.get("kedua")
    assert loaded.path == tmp_path / "b.yml"
    assert loaded.source_text.startswith("# A small")


def test_catalog_reports_duplicate_id_on_the_second_file(tmp_path: Path) -> None:
    (tmp_path / "1.yaml").write_text(VALID.read_text())
    (tmp_path / "2.yaml").write_text("# salinan\n" + VALID.read_text())

    catalog = load_catalog([tmp_path])

    assert list(catalog.definitions) == ["contoh-mini"]
    assert [str(p) for p in catalog.problems] == [
        f"{tmp_path / '2.yaml'}:4:1: id: SOP 'contoh-mini' sudah didefinisikan di "
        f"{tmp_path / '1.yaml'}"
    ]


def test_catalog_keeps_good_files_beside_broken_ones(tmp_path: Path) -> None:
    catalog = load_catalog([VALID, BROKEN / "tabs.yaml", tmp_path / "hilang"])

    assert list(catalog.definitions) == ["contoh-mini"]
    assert [p.file for p in catalog.problems] == [
        str(tmp_path / "hilang"),
        str(BROKEN / "tabs.yaml"),
    ]


def test_catalog_defaults_to_the_configured_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mini.yaml").write_text(VALID.read_text())
    monkeypatch.setenv("SOPBOT_DEFINITIONS_DIR", str(tmp_path))

    assert list(load_catalog().definitions) == ["contoh-mini"]


def test_catalog_get_unknown_id_names_the_known_ones() -> None:
    catalog = load_catalog([VALID])

    with pytest.raises(DefinitionNotFound) as caught:
        catalog.get("tidak-ada")
    assert isinstance(caught.value, KeyError)
    assert str(caught.value) == "SOP 'tidak-ada' tidak ditemukan; yang ada: contoh-mini"


def test_an_unquoted_number_where_text_belongs_suggests_quotes() -> None:
    text = VALID.read_text().replace('nomor: "07"', "nomor: 07")
    _, problems = load_text(text, "x.yaml")

    assert [str(p) for p in problems] == [
        "x.yaml:6:10: identity.nomor: harus teks, bukan 7; tulis di antara tanda kutip"
    ]


def test_catalog_get_accepts_a_unique_prefix_only(tmp_path: Path) -> None:
    for name in ("contoh-mini", "contoh-mini-dua", "lain"):
        (tmp_path / f"{name}.yaml").write_text(
            VALID.read_text().replace("id: contoh-mini", f"id: {name}")
        )
    catalog = load_catalog([tmp_path])
    assert sorted(catalog.definitions) == ["contoh-mini", "contoh-mini-dua", "lain"]

    assert catalog.get("la").definition.id == "lain"
    assert catalog.get("contoh-mini").definition.id == "contoh-mini"
    with pytest.raises(DefinitionNotFound) as caught:
        catalog.get("contoh")
    assert "contoh-mini, contoh-mini-dua" in str(caught.value)
