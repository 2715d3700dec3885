"""Free text as people type it, without the characters that hide or reverse it.

A name, a return reason or a kendala is shown to other people, printed in
reports and kept in the audit. Direction overrides (U+202E turns
``<script>`` into ``>tpircs<`` on the page) and zero-width characters (an
invisible U+200B makes two equal-looking names different) have no place in
them. Ordinary letters, accents and emoji stay; the zero-width joiner stays
because emoji sequences (family, flags with a profession) are built with it.
"""

from __future__ import annotations

import unicodedata

# Bidirectional embeddings, overrides and isolates, and the marks that steer them.
_DIRECTION = {
    "\u061c",  # ARABIC LETTER MARK
    "\u200e",  # LEFT-TO-RIGHT MARK
    "\u200f",  # RIGHT-TO-LEFT MARK
    *(chr(c) for c in range(0x202A, 0x202F)),  # LRE RLE PDF LRO RLO
    *(chr(c) for c in range(0x2066, 0x206A)),  # LRI RLI FSI PDI
}
# Invisible characters that change nothing a reader can see.
_INVISIBLE = {
    "\u00ad",  # SOFT HYPHEN
    "\u180e",  # MONGOLIAN VOWEL SEPARATOR
    "\u200b",  # ZERO WIDTH SPACE
    "\u200c",  # ZERO WIDTH NON-JOINER
    "\u2060",  # WORD JOINER
    "\u2061",
    "\u2062",
    "\u2063",
    "\u2064",
    "\ufeff",  # ZERO WIDTH NO-BREAK SPACE (BOM)
}
_REMOVED = {ord(c): None for c in _DIRECTION | _INVISIBLE}


def clean_text(text: str) -> str:
    """``text`` without direction controls, invisible characters and other control codes.

    Line breaks and tabs are kept (a kendala may have several lines); every
    other control character (category Cc) is dropped. Letters are put in NFC
    so that "é" typed two ways compares equal.
    """
    removed = text.translate(_REMOVED)
    kept = "".join(ch for ch in removed if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return unicodedata.normalize("NFC", kept)


def has_hidden_characters(text: str) -> bool:
    """True when ``clean_text`` would change more than the normal form."""
    return clean_text(text) != unicodedata.normalize("NFC", text)
