"""YAML files -> validated :class:`SopDefinition` objects, or precise problems.

A definition is loaded in three passes, each of which may stop with problems
pointing at ``FILE:LINE:COL``: the YAML text (:mod:`.yaml_source`), the shape
(pydantic, :mod:`bot.domain.sop`), and the meaning (:mod:`bot.domain.sop_checks`).
Nothing here raises on bad input: an author sees every mistake in one run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import Node

from bot.definitions.locate import Loc, describe, expectation, format_loc, locate, shown_value
from bot.definitions.yaml_source import parse_yaml
from bot.domain.sop import SopDefinition
from bot.domain.sop_checks import check_definition
from bot.settings import get_settings

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Problem:
    """One mistake in one file; ``line`` and ``col`` are 1-based, as editors count."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


@dataclass(frozen=True)
class LoadedDefinition:
    path: Path
    definition: SopDefinition
    source_text: str


class DefinitionNotFound(KeyError):
    """No loaded definition has this id; the message lists the ids that exist."""

    def __init__(self, sop_id: str, known: Iterable[str], *, ambiguous: bool = False) -> None:
        super().__init__(sop_id)
        self.sop_id = sop_id
        self.known = tuple(known)
        self.ambiguous = ambiguous
        """True when ``known`` are the several ids the prefix matches."""

    def __str__(self) -> str:
        known = ", ".join(self.known) or "(tidak ada)"
        if self.ambiguous:
            return (
                f"SOP {self.sop_id!r} cocok dengan beberapa SOP: {known}; "
                "tulis awalan yang lebih panjang."
            )
        return f"SOP {self.sop_id!r} tidak ditemukan; yang ada: {known}"


@dataclass
class Catalog:
    """Every definition that loaded cleanly, and the problems of those that did not."""

    definitions: dict[str, LoadedDefinition] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def get(self, sop_id: str) -> LoadedDefinition:
        """The definition with this id, or with the one id that starts with it.

        Ids are long ("kesbangpol-jeneponto-pengumpulan-data-kinerja"); people
        type "kesbangpol". An ambiguous prefix is not guessed.
        """
        if sop_id in self.definitions:
            return self.definitions[sop_id]
        matches = [key for key in self.definitions if key.startswith(sop_id)] if sop_id else []
        if len(matches) == 1:
            return self.definitions[matches[0]]
        if matches:
            raise DefinitionNotFound(sop_id, sorted(matches), ambiguous=True)
        raise DefinitionNotFound(sop_id, sorted(self.definitions))

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _Loaded:
    definition: SopDefinition | None
    problems: list[Problem]
    root: Node | None


def load_text(text: str, filename: str) -> tuple[SopDefinition | None, list[Problem]]:
    """Load one definition from ``text``; ``filename`` is only used in problems."""
    loaded = _load(text, filename)
    return loaded.definition, loaded.problems


def load_file(path: Path) -> tuple[SopDefinition | None, list[Problem]]:
    """Load one definition file (UTF-8)."""
    loaded, _ = _load_path(path)
    return loaded.definition, loaded.problems


def load_catalog(paths: Sequence[Path] | None = None) -> Catalog:
    """Load every ``*.yaml``/``*.yml`` file in ``paths`` (files or directories).

    Defaults to the configured definitions directory. Directories are read in
    sorted order, so a duplicate id is reported on the later file.
    """
    if paths is None:
        paths = [get_settings().definitions_dir]
    catalog = Catalog()
    files, catalog.problems = _expand(paths)
    origin: dict[str, Path] = {}
    for path in files:
        loaded, text = _load_path(path)
        catalog.problems.extend(loaded.problems)
        definition = loaded.definition
        if definition is None or loaded.root is None:
            continue
        if definition.id in origin:
            line, col = locate(loaded.root, ("id",)).key_line_col
            message = f"id: SOP {definition.id!r} sudah didefinisikan di {origin[definition.id]}"
            catalog.problems.append(Problem(str(path), line, col, message))
            continue
        origin[definition.id] = path
        catalog.definitions[definition.id] = LoadedDefinition(path, definition, text)
    return catalog


def _expand(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file()))
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(str(path), 1, 1, "berkas atau direktori tidak ditemukan"))
    seen: set[Path] = set()
    unique = []
    for path in files:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            unique.append(path)
    return unique, problems


def _load_path(path: Path) -> tuple[_Loaded, str]:
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return _Loaded(None, [Problem(name, 1, 1, f"tidak dapat dibaca: {exc.strerror}")], None), ""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"berkas bukan teks UTF-8 (byte 0x{raw[exc.start]:02x} tidak sah)"
        return _Loaded(None, [Problem(name, line, col, message)], None), ""
    return _load(text, name), text


def _load(text: str, filename: str) -> _Loaded:
    parsed, source_problems = parse_yaml(text)
    if parsed is None:
        problems = [Problem(filename, p.line, p.col, p.message) for p in source_problems]
        return _Loaded(None, problems, None)
    try:
        definition = SopDefinition.model_validate(parsed.data)
    except ValidationError as exc:
        problems = _validation_problems(exc.errors(include_url=False), parsed.root, filename)
        return _Loaded(None, problems, parsed.root)
    problems = []
    for issue in check_definition(definition):
        line, col = locate(parsed.root, issue.loc).line_col
        problems.append(Problem(filename, line, col, _prefixed(issue.loc, issue.message)))
    return _Loaded(None if problems else definition, _sorted(problems), parsed.root)


def _validation_problems(errors: list[ErrorDetails], root: Node, filename: str) -> list[Problem]:
    """One problem per YAML position, with pydantic's union alternatives merged."""
    errors = [e for e in errors if not _is_echo(e, errors)]
    groups: dict[tuple[int, int, Loc], list[ErrorDetails]] = {}
    for error in errors:
        loc = error["loc"]
        spot = locate(root, loc)
        shown = loc[: spot.consumed]
        if error["type"] == "missing":
            line, col = spot.line_col
            shown = loc[: spot.consumed + 1]
        elif error["type"] == "extra_forbidden" or loc[spot.consumed :][:1] == ("[key]",):
            line, col = spot.key_line_col
        else:
            line, col = spot.line_col
        groups.setdefault((line, col, shown), []).append(error)
    problems = [
        Problem(filename, line, col, _prefixed(shown, _merge(group)))
        for (line, col, shown), group in groups.items()
    ]
    return _sorted(problems)


def _is_echo(error: ErrorDetails, errors: list[ErrorDetails]) -> bool:
    """Pydantic adds "at least 1 item after validation, not 0" when the only item failed."""
    loc = error["loc"]
    return error["type"] == "too_short" and any(
        len(other["loc"]) > len(loc) and other["loc"][: len(loc)] == loc for other in errors
    )


def _merge(group: list[ErrorDetails]) -> str:
    expected = [expectation(e) for e in group]
    if len(group) > 1 and all(expected):
        options = " atau ".join(dict.fromkeys(e for e in expected if e))
        return f"harus {options}, bukan {shown_value(group[0]['input'])}"
    return "; ".join(dict.fromkeys(describe(e, SopDefinition) for e in group))


def _prefixed(loc: Loc, message: str) -> str:
    path = format_loc(loc)
    return f"{path}: {message}" if path else message


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line, p.col))
