"""Several figures in one message: which indicator each piece names, and why a piece is not read."""

from __future__ import annotations

from bot.domain.batch_entry import Unreadable, names_indicators, read_batch, split_pieces

CODES = ("IWK-01", "IWK-02", "IWK-03", "IKU-1.1", "IKU-1.10")


def _read(text: str) -> dict[str, str]:
    return {piece.code: piece.value_text for piece in read_batch(text, CODES).pieces}


def test_codes_separated_by_semicolons_with_indonesian_decimals() -> None:
    assert _read("IWK-01 82,5; IWK-02 142") == {"IWK-01": "82,5", "IWK-02": "142"}


def test_codes_with_equals_colon_and_any_case() -> None:
    text = "iwk-01 = 82,5\nIWK-02: 1.234\nIWK-03=3"
    assert _read(text) == {"IWK-01": "82,5", "IWK-02": "1.234", "IWK-03": "3"}


def test_numbered_lines_follow_the_sheet_order() -> None:
    text = "1. 82,5\n2) 142\n3 = 3\nNo 4: 70,4"
    assert _read(text) == {"IWK-01": "82,5", "IWK-02": "142", "IWK-03": "3", "IKU-1.1": "70,4"}


def test_a_thousands_dot_is_not_a_number_label() -> None:
    batch = read_batch("1.234", CODES)
    assert not batch.pieces and batch.unread[0].reason is Unreadable.NO_LABEL


def test_two_codes_on_one_line_are_two_pieces() -> None:
    assert split_pieces("IWK-01 82,5 IWK-02 142", CODES) == ["IWK-01 82,5", "IWK-02 142"]


def test_a_code_that_begins_another_code_is_not_confused() -> None:
    assert _read("IKU-1.10 5; IKU-1.1 7") == {"IKU-1.10": "5", "IKU-1.1": "7"}


def test_each_unreadable_piece_says_why_and_the_good_ones_are_kept() -> None:
    text = "IWK-01 82,5\nIWK-09 12\n7. 5\n142\nIWK-02\nIWK-01 90"
    batch = read_batch(text, CODES)
    assert [p.code for p in batch.pieces] == ["IWK-01"]
    reasons = [(u.number, u.reason, u.detail) for u in batch.unread]
    assert reasons == [
        (2, Unreadable.UNKNOWN_CODE, "IWK-09"),
        (3, Unreadable.UNKNOWN_NUMBER, "7"),
        (4, Unreadable.NO_LABEL, ""),
        (5, Unreadable.NO_VALUE, "IWK-02"),
        (6, Unreadable.TWICE, "IWK-01"),
    ]


def test_the_value_text_is_left_for_the_value_rules() -> None:
    assert _read("IWK-01 sepuluh; IWK-02 Rp 1.250.000") == {
        "IWK-01": "sepuluh",
        "IWK-02": "Rp 1.250.000",
    }


def test_a_bare_figure_answers_the_question_and_a_labelled_one_is_a_batch() -> None:
    assert not names_indicators("82,5", CODES)
    assert not names_indicators("1.234,5", CODES)
    assert not names_indicators("Rp 1,2 juta", CODES)
    assert names_indicators("IWK-01 82,5", CODES)
    assert names_indicators("1. 82,5", CODES)
    assert names_indicators("82,5\n142", CODES)
