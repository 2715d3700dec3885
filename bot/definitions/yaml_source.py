"""Read one YAML definition file safely, keeping where every value was written.

Definitions are written by hand by people who know the SOP, not YAML, so the
reader is strict and explains itself instead of guessing:

* YAML 1.2 scalars only: ``true``/``false`` are booleans, but ``yes``, ``no``,
  ``on``, ``off``, ``y``, ``n``, ``YA``, ``TIDAK`` stay text (YAML 1.1 would turn
  a decision exit into a bool); dates and ``1:30`` stay text as well.
* no aliases (``*x``): they are never needed here and allow "billion laughs";
* no duplicate keys (PyYAML silently keeps the last one);
* only plain tags (str, int, float, bool, null, seq, map);
* bounded size and nesting, so no input can exhaust memory or the stack.

Every failure is a :class:`SourceProblem` with a 1-based line and column, never
an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_CHARS = 1_000_000
"""A definition is a few kilobytes; anything this large is not one."""
MAX_DEPTH = 40
"""Nesting a definition needs is about 5 levels; the composer recurses per level."""

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_ALLOWED_TAGS = frozenset({_STR, _INT, _FLOAT, _BOOL, _NULL, _SEQ, _MAP})


@dataclass(frozen=True)
class SourceProblem:
    """Something wrong in the text itself; ``line`` and ``col`` are 1-based."""

    line: int
    col: int
    message: str


class _Refused(yaml.MarkedYAMLError):
    """Raised while composing for input this reader refuses on purpose."""


class StrictLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema scalars, no aliases and bounded depth."""

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: object) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(
                None,
                None,
                "alias YAML ('*') tidak diizinkan; tulis nilainya secara langsung",
                event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    None,
                    None,
                    f"struktur bersarang lebih dari {MAX_DEPTH} tingkat",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    # Explicit tags (``!!int abc``) reach these too, so each refuses bad text with a mark.
    def construct_yaml_int(self, node: ScalarNode) -> int:
        text = node.value.replace("_", "")
        try:
            if re.fullmatch(r"[-+]?0x[0-9a-fA-F]+", text):
                return int(text.replace("0x", ""), 16)
            if re.fullmatch(r"[-+]?0o[0-7]+", text):
                return int(text.replace("0o", ""), 8)
            return int(text, 10)
        except ValueError as exc:  # also: more digits than Python converts
            raise _unreadable(node, "bilangan bulat") from exc

    def construct_yaml_float(self, node: ScalarNode) -> float:
        text = node.value.lower()
        if text in (".inf", "+.inf", "-.inf"):
            return float("-inf") if text.startswith("-") else float("inf")
        if text == ".nan":
            return float("nan")
        try:
            return float(text)
        except ValueError as exc:
            raise _unreadable(node, "bilangan") from exc

    def construct_yaml_bool(self, node: ScalarNode) -> bool:
        text = node.value.lower()
        if text not in ("true", "false"):
            raise _unreadable(node, "true atau false")
        return text == "true"


def _unreadable(node: ScalarNode, what: str) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(
        None, None, f"{node.value[:20]!r} tidak dapat dibaca sebagai {what}", node.start_mark
    )


def _resolver(tag: str, pattern: str, first: str) -> None:
    StrictLoader.add_implicit_resolver(tag, re.compile(pattern), list(first))


# YAML 1.2 core schema. Order matters per first character: int before float.
_resolver(_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF")
_resolver(_NULL, r"^(?:~|null|Null|NULL)$", "~nN")
StrictLoader.add_implicit_resolver(_NULL, re.compile(r"^$"), [""])
_resolver(_INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789")
_resolver(
    _FLOAT,
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
    "-+0123456789.",
)
StrictLoader.add_constructor(_INT, StrictLoader.construct_yaml_int)
StrictLoader.add_constructor(_FLOAT, StrictLoader.construct_yaml_float)
StrictLoader.add_constructor(_BOOL, StrictLoader.construct_yaml_bool)


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character ``index`` in ``text``."""
    index = max(0, min(index, len(text)))
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _from_yaml_error(exc: yaml.YAMLError, text: str) -> SourceProblem:
    if isinstance(exc, yaml.reader.ReaderError):
        line, col = _position(text, exc.position)
        return SourceProblem(
            line, col, f"karakter tidak sah #x{exc.character:04x}; berkas ini bukan teks YAML biasa"
        )
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or ""
        if "'\\t'" in problem:
            message = "karakter tab tidak boleh dipakai untuk indentasi; gunakan spasi"
        elif "another document" in problem:
            message = "berkas hanya boleh berisi satu dokumen YAML (hapus '---' kedua)"
        elif isinstance(exc, _Refused):
            message = problem
        else:
            context = f" ({exc.context})" if exc.context else ""
            message = f"YAML tidak sah: {problem}{context}"
        if mark is None:
            return SourceProblem(1, 1, message)
        return SourceProblem(mark.line + 1, mark.column + 1, message)
    return SourceProblem(1, 1, f"YAML tidak sah: {exc}")


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _check_nodes(root: Node) -> list[SourceProblem]:
    """Refuse what construction would accept silently: duplicate keys, exotic tags."""
    problems: list[SourceProblem] = []
    pending = [root]
    while pending:
        node = pending.pop()
        if node.tag not in _ALLOWED_TAGS:
            problems.append(SourceProblem(*_mark(node), f"tag YAML {node.tag!r} tidak diizinkan"))
            continue
        if isinstance(node, SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, MappingNode):
            seen: dict[tuple[str, str], ScalarNode] = {}
            for key, value in node.value:
                pending.append(value)
                if not isinstance(key, ScalarNode):
                    problems.append(SourceProblem(*_mark(key), "kunci mapping harus teks biasa"))
                    continue
                first = seen.setdefault((key.tag, key.value), key)
                if first is not key:
                    problems.append(
                        SourceProblem(
                            *_mark(key),
                            f"kunci {key.value!r} ditulis dua kali "
                            f"(pertama di baris {first.start_mark.line + 1})",
                        )
                    )
    return sorted(problems, key=lambda p: (p.line, p.col))


@dataclass(frozen=True)
class Parsed:
    """A YAML document as plain data plus the node tree that remembers positions."""

    data: Any
    root: Node


def parse_yaml(text: str) -> tuple[Parsed | None, list[SourceProblem]]:
    """Parse ``text`` as one YAML mapping; on any failure return the problems instead."""
    if len(text) > MAX_CHARS:
        return None, [
            SourceProblem(1, 1, f"berkas terlalu besar (lebih dari {MAX_CHARS} karakter)")
        ]
    loader: StrictLoader | None = None
    try:
        loader = StrictLoader(text)  # the reader already refuses control characters here
        root = loader.get_single_node()
        if root is None:
            return None, [SourceProblem(1, 1, "berkas kosong; definisi SOP harus berupa mapping")]
        if not isinstance(root, MappingNode):
            shape = "daftar" if isinstance(root, SequenceNode) else "nilai tunggal"
            return None, [
                SourceProblem(
                    *_mark(root),
                    f"definisi SOP harus berupa mapping (id:, steps: ...), bukan {shape}",
                )
            ]
        problems = _check_nodes(root)
        if problems:
            return None, problems
        return Parsed(loader.construct_document(root), root), []
    except yaml.YAMLError as exc:
        return None, [_from_yaml_error(exc, text)]
    except (RecursionError, MemoryError):
        return None, [SourceProblem(1, 1, "struktur YAML terlalu dalam atau terlalu besar")]
    finally:
        if loader is not None:
            loader.dispose()
