"""From a loc path (pydantic's or sop_checks') back to the line:col an author wrote.

Both pydantic and :mod:`bot.domain.sop_checks` name a value by its path, e.g.
``("steps", 2, "waktu")``. Walking the YAML node tree by the same keys and
indices finds the node, whose mark is the position to report. Pydantic also
puts its own words into paths (union members such as ``"int"``, ``"[key]"``):
the walk stops where the YAML does, and only the part the author wrote is shown.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, get_args

from pydantic import BaseModel
from pydantic_core import ErrorDetails
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Spot:
    """Where a loc path ends up in the YAML."""

    node: Node
    """The deepest node the path reached."""
    key: Node | None
    """The key node of the last mapping step, if the last step was a mapping key."""
    consumed: int
    """How many items of the path exist in the YAML."""

    @property
    def line_col(self) -> tuple[int, int]:
        """The value's position; for a mapping or list under a key, the key's line.

        A block mapping "starts" at its first key, one line below the key that
        names it; the author looks for ``waktu:``, not for ``teks:`` under it.
        """
        if isinstance(self.node, MappingNode | SequenceNode) and self.key is not None:
            return self.key_line_col
        return self.node.start_mark.line + 1, self.node.start_mark.column + 1

    @property
    def key_line_col(self) -> tuple[int, int]:
        node = self.key or self.node
        return node.start_mark.line + 1, node.start_mark.column + 1


def locate(root: Node, loc: Loc) -> Spot:
    """Follow ``loc`` from ``root`` as far as the YAML goes."""
    node, key = root, None
    for consumed, item in enumerate(loc):
        step = _child(node, item)
        if step is None:
            return Spot(node, key, consumed)
        key, node = step
    return Spot(node, key, len(loc))


def _child(node: Node, item: str | int) -> tuple[Node | None, Node] | None:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == str(item):
                return key, value
    elif isinstance(node, SequenceNode) and isinstance(item, int) and 0 <= item < len(node.value):
        return None, node.value[item]
    return None


def format_loc(loc: Loc) -> str:
    """``("steps", 2, "waktu")`` -> ``steps[2].waktu``."""
    text = ""
    for item in loc:
        text += f"[{item}]" if isinstance(item, int) else (f".{item}" if text else str(item))
    return text


# --- pydantic errors in plain words -------------------------------------------------------

_EXPECTED = {
    "int_parsing": "bilangan bulat",
    "int_type": "bilangan bulat",
    "int_from_float": "bilangan bulat",
    "float_parsing": "bilangan",
    "float_type": "bilangan",
    "string_type": "teks",
    "bool_type": "true atau false",
    "bool_parsing": "true atau false",
    "model_type": "mapping (kunci: nilai)",
    "model_attributes_type": "mapping (kunci: nilai)",
    "dict_type": "mapping (kunci: nilai)",
    "tuple_type": "daftar (baris diawali '- ')",
    "list_type": "daftar (baris diawali '- ')",
    "set_type": "daftar (baris diawali '- ')",
    "frozen_set_type": "daftar (baris diawali '- ')",
    "time_parsing": "jam seperti '08:00'",
    "time_type": "jam seperti '08:00'",
    "none_required": "kosong",
}
_PATTERN_HINTS = {
    r"^[a-z][a-z0-9_]*$": "huruf kecil, angka dan '_', diawali huruf (contoh: 'kasubag_umum')",
    r"^[a-z0-9][a-z0-9_-]*$": "huruf kecil, angka, '-' dan '_' (contoh: 'kesbangpol-jeneponto')",
}
"""The patterns of ``bot.domain.sop`` in words; another pattern is shown as it is."""
_URL = re.compile(r"\s*(?:For further information visit )?https?://\S+")


def shown_value(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def expectation(error: ErrorDetails) -> str | None:
    """What the value should have been, for error types that say only that."""
    kind = error["type"]
    if kind in ("literal_error", "enum"):
        return "salah satu dari " + str(error.get("ctx", {}).get("expected", "")).replace(
            " or ", " atau "
        )
    return _EXPECTED.get(kind)


def describe(error: ErrorDetails, model: type[BaseModel]) -> str:
    """One pydantic error in words an SOP author understands."""
    kind, ctx = error["type"], error.get("ctx", {})
    loc = error["loc"]
    if kind == "missing":
        return f"kolom {loc[-1]!r} wajib diisi"
    if kind == "extra_forbidden":
        return _unknown_key(str(loc[-1]), known_fields(model, loc[:-1]))
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])
    if kind in ("too_short", "string_too_short"):
        return "tidak boleh kosong"
    if kind == "string_too_long":
        return f"terlalu panjang (paling banyak {ctx.get('max_length')} karakter)"
    if kind == "greater_than_equal":
        return f"harus paling kecil {ctx.get('ge')}, bukan {shown_value(error['input'])}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern"))
        hint = _PATTERN_HINTS.get(pattern, f"nilai yang cocok dengan pola {pattern}")
        return f"{shown_value(error['input'])} tidak sah; gunakan {hint}"
    expected = expectation(error)
    if kind == "string_type" and isinstance(error["input"], int | float):
        # YAML 1.2 reads `nomor: 07` as the number 7; quoting keeps the text.
        return f"harus teks, bukan {shown_value(error['input'])}; tulis di antara tanda kutip"
    if expected:
        return f"harus {expected}, bukan {shown_value(error['input'])}"
    message = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return _URL.sub("", message)


def _unknown_key(name: str, known: list[str]) -> str:
    message = f"kolom {name!r} tidak dikenal"
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"{message}; mungkin maksudnya {close[0]!r}?"
    if known:
        return f"{message}; kolom yang dikenal: {', '.join(known)}"
    return message


def known_fields(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names allowed at ``loc`` (the model reached by walking annotations)."""
    annotation: Any = model
    for item in loc:
        if isinstance(item, int):
            continue  # an index into a tuple: the element model is found below
        found = _find_model(annotation)
        if found is None or item not in found.model_fields:
            return []
        annotation = found.model_fields[item].annotation
    found = _find_model(annotation)
    return list(found.model_fields) if found else []


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _find_model(arg)
        if found is not None:
            return found
    return None
