"""Issue 16 (6): a text longer than Telegram's 4,096 characters is split at row boundaries."""

from __future__ import annotations

from bot.telegram.long_text import TEXT_LIMIT, split_text, visible_length


def rows(count: int) -> str:
    head = "<b>Ringkasan data kinerja</b>"
    body = "\n\n".join(
        f"{i}. <b>X-{i:03d}</b> Jumlah kegiatan yang cukup panjang namanya untuk diuji\n"
        f"Target 2 · Realisasi 2 · Capaian 100,00% (Sangat Tinggi)"
        for i in range(1, count + 1)
    )
    return f"{head}\n\n{body}\n\nSemua sudah terisi."


def test_a_short_text_is_one_part() -> None:
    assert split_text("Halo <b>Bapak/Ibu</b>") == ["Halo <b>Bapak/Ibu</b>"]


def test_a_long_text_is_split_between_rows_and_loses_nothing() -> None:
    text = rows(120)
    assert visible_length(text) > TEXT_LIMIT
    parts = split_text(text)
    assert len(parts) >= 3
    assert all(visible_length(part) <= TEXT_LIMIT for part in parts)
    # Every row is whole in one part: no part starts or ends inside a row.
    for part in parts[1:]:
        assert part.lstrip().split(".")[0].isdigit() or part.startswith("Semua")
    assert "\n\n".join(part.strip() for part in parts).replace("\n", "") == text.replace("\n", "")


def test_a_tag_open_across_the_cut_is_closed_and_reopened() -> None:
    text = "<i>" + "\n".join(f"baris {i} " + "x" * 60 for i in range(200)) + "</i>"
    parts = split_text(text)
    assert len(parts) > 1
    for part in parts:
        assert part.startswith("<i>") and part.endswith("</i>")
        assert visible_length(part) <= TEXT_LIMIT


def test_one_line_longer_than_the_limit_is_cut_at_a_space() -> None:
    text = " ".join(["kata"] * 2000)
    parts = split_text(text)
    assert len(parts) == 3 and all(visible_length(p) <= TEXT_LIMIT for p in parts)
    assert " ".join(parts).split() == text.split()


def test_entities_count_as_one_character() -> None:
    assert visible_length("<b>a&amp;b</b>") == 3
