"""Issue 16 (5): a step's short title (``judul``), and one form of address in every template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.domain.sop import Step, short_title

TEMPLATES = Path(__file__).resolve().parents[2] / "bot" / "templates"
STEP5 = (
    "Memeriksa laporan kinerja, jika disetujui diserahkan pada kasubid/kasubag untuk "
    "diserahkan kepada kasubag perencanaan dan didokumentasikan, jika tidak dikembalikan "
    "pada kasubag/kasubid untuk diperbaiki"
)


@pytest.mark.parametrize(
    ("uraian", "title"),
    [
        (STEP5, "Memeriksa laporan kinerja"),
        ("Membuat laporan data kinerja", "Membuat laporan data kinerja"),
        (
            "Merekomendasikan laporan kinerja setiap triwulan dan menyusun laporan kinerja "
            "setiap tahun dengan menggunakan laporan kinerja",
            "Merekomendasikan laporan kinerja setiap triwulan",
        ),
        (
            "Mengumpulkan data laporan kinerja triwulan kepada subbag/seksi, OPD dan instansi",
            "Mengumpulkan data laporan kinerja triwulan kepada subbag/seksi",
        ),
        (
            "Menyampaikanlaporankinerjayangsangatpanjangtanpaspasiatautandabacasamasekalidisini",
            "Menyampaikanlaporankinerjayangsangatpanjangtanpaspasiatautandab…",
        ),
        ("Memeriksa: data dan bukti", "Memeriksa"),
    ],
)
def test_without_judul_the_title_is_the_first_clause_within_about_60(
    uraian: str, title: str
) -> None:
    assert short_title(uraian) == title
    assert len(short_title(uraian)) <= 64


def test_a_step_may_carry_its_own_judul() -> None:
    step = Step.model_validate(
        {"no": 5, "uraian": STEP5, "pelaksana": "kabid", "judul": "Periksa laporan"}
    )
    assert step.judul == "Periksa laporan" and step.title == "Periksa laporan"
    plain = Step.model_validate({"no": 5, "uraian": STEP5, "pelaksana": "kabid"})
    assert plain.judul is None and plain.title == "Memeriksa laporan kinerja"
    with pytest.raises(ValueError, match="judul"):
        Step.model_validate({"no": 5, "uraian": STEP5, "pelaksana": "kabid", "judul": "x" * 81})


def test_every_template_says_bapak_ibu_never_anda() -> None:
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*.j2"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"\b[Aa]nda\b", line)
    ]
    assert offenders == []


def test_no_message_in_the_code_says_anda_either() -> None:
    """Refusals raised in code (the engine's, the handlers') reach people too."""
    root = TEMPLATES.parents[1]
    sources = [*root.joinpath("bot").rglob("*.py"), *root.joinpath("handlers").rglob("*.py")]
    offenders = [
        f"{path.relative_to(root)}: {line.strip()}"
        for path in sorted(sources)
        if "fakebotapi" not in path.parts
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"\bAnda\b", line)
    ]
    assert offenders == []
