"""``sopbot sop``: check, list and show SOP definitions from the terminal.

The people who write definitions are not programmers, so ``validate`` speaks
like a compiler (``FILE:LINE:COL: message``, one per line, to stdout, exit 1)
and ``show`` prints the flow table the way the signed document reads.
Other modules add commands to the :data:`sop` group (``sop.add_command``).
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NoReturn

import click

from bot.definitions import Catalog, DefinitionNotFound, LoadedDefinition, Problem, load_catalog
from bot.domain.acceptance import acceptance_plan, describe
from bot.domain.periods import Period, PeriodKind
from bot.domain.sop import (
    ALL_REPORT_TYPES,
    END,
    Scope,
    SopDefinition,
    Step,
    StepKind,
    StepTarget,
    Trigger,
)
from bot.domain.sop_checks import year_periods
from bot.domain.triggers import NonWorkingDayPolicy
from bot.domain.waktu_notes import waktu_notes

PATHS_OPTION = click.option(
    "--path",
    "-p",
    "paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Berkas atau direktori definisi (bawaan: direktori definisi di pengaturan).",
)


@click.group()
def sop() -> None:
    """Definisi SOP: periksa, daftar dan tampilkan."""


@sop.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Periksa definisi SOP; setiap masalah dicetak sebagai FILE:BARIS:KOLOM: pesan."""
    catalog = load_catalog(list(paths) or None)
    width = max((len(key) for key in catalog.definitions), default=0)
    for key, loaded in catalog.definitions.items():
        defn = loaded.definition
        counts = f"({len(defn.steps)} langkah, {len(defn.roles)} peran)"
        click.echo(f"OK  {key:<{width}}  {counts}  {display_path(loaded.path)}")
        for note in waktu_notes(defn):
            click.echo(f"    catatan: {note}")
    for problem in catalog.problems:
        click.echo(str(_relative(problem)))
    if catalog.problems:
        files = len({problem.file for problem in catalog.problems})
        click.echo(f"{len(catalog.problems)} masalah di {files} berkas.")
        ctx.exit(1)
    if not catalog.definitions:
        where = ", ".join(map(str, paths)) or "direktori definisi"
        click.echo(f"Tidak ada berkas definisi (*.yaml, *.yml) di {where}.")
        ctx.exit(1)


@sop.command(name="list")
@PATHS_OPTION
@click.pass_context
def list_(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Daftar SOP yang dimuat: id, nama, instansi, jumlah langkah.

    Berkas yang bermasalah disebut di stderr dan kode keluar menjadi 1.
    """
    catalog = load_catalog(list(paths) or None)
    rows = [
        [
            key,
            loaded.definition.name,
            loaded.definition.identity.instansi,
            str(len(loaded.definition.steps)),
        ]
        for key, loaded in catalog.definitions.items()
    ]
    id_width = max([len("ID"), *(len(row[0]) for row in rows)])
    widths = [id_width, 28, max(20, 110 - id_width - 28 - 7), 7]
    for line in render_table(["ID", "NAMA SOP", "INSTANSI", "LANGKAH"], rows, widths):
        click.echo(line)
    if catalog.problems:
        _warn_problems(catalog)
        ctx.exit(1)


@sop.command()
@click.argument("sop_id")
@PATHS_OPTION
@click.pass_context
def show(ctx: click.Context, sop_id: str, paths: tuple[Path, ...]) -> None:
    """Tampilkan tabel alur SOP_ID: no, pelaksana, uraian, waktu, output, lanjut."""
    catalog = load_catalog(list(paths) or None)
    try:
        loaded = catalog.get(sop_id)
    except DefinitionNotFound as exc:
        click.echo(str(exc), err=True)
        _warn_problems(catalog)
        ctx.exit(1)
    for line in render_definition(loaded):
        click.echo(line)


# --- text --------------------------------------------------------------------------------------

_COLUMNS = ("NO", "PELAKSANA", "URAIAN KEGIATAN", "WAKTU", "OUTPUT", "LANJUT")
_WIDTHS = (4, 16, 42, 16, 18, 14)
"""With two spaces between columns the table is 120 characters wide."""


def render_definition(loaded: LoadedDefinition) -> list[str]:
    """The identity block, the roles and the flow table of one definition."""
    defn = loaded.definition
    identity = defn.identity
    lines = [
        f"{defn.id}: {identity.nama}",
        f"Instansi      : {identity.instansi}",
        f"Nomor SOP     : {identity.nomor}",
        f"Disahkan oleh : {identity.disahkan_oleh}",
        f"Frekuensi     : {defn.frequency}",
    ]
    if defn.layout == "list":
        lines.append("Lembar SOP    : daftar bernomor, tanpa kolom Pelaksana (layout: list)")
    lines += [f"Jadwal        : {_trigger_text(trigger)}" for trigger in defn.triggers]
    lines.append(f"Berkas        : {display_path(loaded.path)}")
    lines.append("")
    lines.append("Peran:")
    for role in defn.roles:
        superior = f" (atasan: {role.superior})" if role.superior else ""
        column = "" if role.column else " [tanpa kolom]"
        lines.append(f"  {role.key:<22} {role.name}{superior}{column}")
    lines.append("")
    rows = [_step_row(defn, step) for step in defn.steps]
    lines += render_table(list(_COLUMNS), rows, list(_WIDTHS))
    lines.append("")
    lines.append(
        "[keputusan] YA/TIDAK  [per unit] dikerjakan tiap unit  "
        "[gabung] menunggu semua unit  [hanya: ...] jenis laporan"
    )
    lines.append(
        "[pertanyaan: ...] YA/TIDAK, tidak menyetujui  [lihat data] angka unit ditampilkan  "
        "A / B: salah satu peran  A + B: semua"
    )
    lines.append("[hanya bulan: ...] hanya periode yang meliputi bulan itu")
    lines.append("")
    lines += textwrap.wrap(
        "Persetujuan data: " + _acceptance_text(defn), 120, subsequent_indent="  "
    )
    notes = waktu_notes(defn)
    if notes:
        lines.append("Catatan Waktu:")
        for note in notes:
            lines += textwrap.wrap(note, 120, initial_indent="  - ", subsequent_indent="    ")
    return lines


def _acceptance_text(defn: SopDefinition) -> str:
    """The acceptance rule in words, per kind of run where the chain differs."""
    found: dict[str, list[str]] = {}
    for period in year_periods(defn.frequency):
        text = describe(defn, acceptance_plan(defn, period.due()))
        found.setdefault(text, []).append(_period_label(period))
    if len(found) == 1:
        return next(iter(found))
    return "; ".join(f"[{', '.join(labels)}] {text}" for text, labels in found.items())


def _period_label(period: Period) -> str:
    """``TW IV``, ``Semester I``, ``Januari``: a period of any year."""
    if period.kind is PeriodKind.TRIWULAN:
        return period.label.replace("Triwulan", "TW").removesuffix(f" {period.year}")
    return period.label.removesuffix(f" {period.year}")


def _trigger_text(trigger: Trigger) -> str:
    when = f", pukul {trigger.jam:%H:%M}" if trigger.jam else ""
    if trigger.rule.counts_working_days:
        return f"{trigger.teks}{when}; dihitung dalam hari kerja"
    if trigger.non_working_day is NonWorkingDayPolicy.KEEP:
        return f"{trigger.teks}{when}; hari libur: tetap"
    return f"{trigger.teks}{when}; hari libur: hari kerja berikutnya"


def _step_row(defn: SopDefinition, step: Step) -> list[str]:
    names = [defn.role(key).name if defn.has_role(key) else key for key in step.roles]
    joiner = " + " if step.needs_all else " / "
    role = joiner.join(names)
    waktu = step.waktu.teks if step.waktu is not None else "- (bawaan)"
    if step.waktu is not None and step.waktu.bare and defn.waktu_satuan:
        waktu += f" ({defn.waktu_satuan})"
    return [str(step.no), role, _uraian(defn, step), waktu, step.output, _exits(step)]


def _uraian(defn: SopDefinition, step: Step) -> str:
    tags = []
    if step.kind is StepKind.REVIEW:
        tags.append("[keputusan]")
    if step.is_question:
        tags.append(f"[pertanyaan: {step.question}]")
    if step.shows_figures:
        tags.append("[lihat data]")
    if step.needs_all:
        tags.append("[semua peran]")
    if step.scope is Scope.UNIT:
        tags.append("[per unit]")
    elif step.scope is Scope.JOIN:
        tags.append("[gabung]")
    if step.report_types != ALL_REPORT_TYPES:
        tags.append("[hanya: " + ", ".join(sorted(r.value for r in step.report_types)) + "]")
    if step.months is not None:
        tags.append("[hanya bulan: " + ", ".join(map(str, sorted(step.months))) + "]")
    text = " ".join([*tags, step.uraian])
    if step.fan_out is not None:
        fan = step.fan_out
        who = defn.role(fan.pelaksana).name if defn.has_role(fan.pelaksana) else fan.pelaksana
        text += f"\n↳ per unit, {who}: {fan.uraian}"
        if fan.join is not None and fan.join != step.next:
            text += f" (dihimpun di langkah {fan.join})"
    return text


def _target(target: StepTarget) -> str:
    return "SELESAI" if target == END else str(target)


def _exits(step: Step) -> str:
    if step.is_decision and step.ya is not None and step.tidak is not None:
        return f"YA→{_target(step.ya)} / TIDAK→{_target(step.tidak)}"
    return _target(step.next) if step.next is not None else "-"


def render_table(headers: list[str], rows: list[list[str]], widths: list[int]) -> list[str]:
    """Columns of fixed width; long cells wrap onto more lines (newlines kept)."""
    lines = [
        _join_cells([[h] for h in headers], widths),
        _join_cells([["-" * w] for w in widths], widths),
    ]
    for row in rows:
        cells = [_wrap(text, width) for text, width in zip(row, widths, strict=True)]
        height = max(len(cell) for cell in cells)
        for i in range(height):
            lines.append(
                _join_cells([[cell[i] if i < len(cell) else ""] for cell in cells], widths)
            )
    return lines


def _wrap(text: str, width: int) -> list[str]:
    wrapped: list[str] = []
    for paragraph in text.splitlines() or [""]:
        wrapped += textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""]
    return wrapped


def _join_cells(cells: list[list[str]], widths: list[int]) -> str:
    return "  ".join(
        cell[0].ljust(width) for cell, width in zip(cells, widths, strict=True)
    ).rstrip()


# --- paths and problems ----------------------------------------------------------------------


def display_path(path: Path | str) -> str:
    """``path`` relative to the working directory when it is under it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def output_format(
    output: Path,
    requested: str | None,
    formats: Iterable[str],
    default: str,
    aliases: Mapping[str, str] | None = None,
) -> str:
    """``--format`` if given (click.Choice checked it), else what the file's suffix names
    (``.pdf`` -> ``pdf``, or through ``aliases``: ``.htm`` -> ``html``), else ``default``
    for a name without a suffix.

    A suffix that names no format we write (``.docx``, ``.doc``, ``.txt``) is refused
    with the list of formats and exit status 1, before anything is written: the file
    would not be what its name says.
    """
    if requested:
        return requested.lower()
    allowed = tuple(formats)
    suffix = output.suffix.lower()
    if not suffix:
        return default
    named = {".htm": "html", **(aliases or {})}.get(suffix, suffix.lstrip("."))
    if named not in allowed:
        _refuse_format(output, allowed)
    return named


def _refuse_format(output: Path, allowed: tuple[str, ...]) -> NoReturn:
    listed = ", ".join(f".{name}" for name in allowed)
    click.echo(
        f"Format berkas {output.suffix} tidak didukung untuk {display_path(output)}. "
        f"Pilih salah satu: {listed}. Tidak ada berkas yang ditulis.",
        err=True,
    )
    raise click.exceptions.Exit(1)


def _relative(problem: Problem) -> Problem:
    return dataclasses.replace(problem, file=display_path(problem.file))


def _warn_problems(catalog: Catalog) -> None:
    if catalog.problems:
        files = sorted({display_path(problem.file) for problem in catalog.problems})
        click.echo(
            f"Peringatan: {len(files)} berkas tidak dimuat ({', '.join(files)}); "
            "jalankan `sopbot sop validate` untuk rinciannya.",
            err=True,
        )
