"""``sopbot task``: act as one person on their tasks (list, show, input, done, approve, return).

The same engine calls the Telegram handlers make, with the person named by
``--as NIP``: the engine checks that they hold the step's role, exactly as it
would for a button press. Typed figures go through ``parse_value`` and are
echoed back as understood, as the bot does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import click

from bot.cli import task_checks, task_file
from bot.cli.clock import resolve_now
from bot.cli.engine_support import (
    AS_OPTION,
    NOW_OPTION,
    ORG_OPTION,
    RUN_OPTION,
    Actor,
    actor,
    engine_errors,
    local,
    open_engine,
)
from bot.cli.sop import render_table
from bot.cli.status_view import statuses, work_lines
from bot.cli.task_sheet import sheet_lines
from bot.domain.numbers import NumberError, format_number, parse_value
from bot.domain.sop import StepKind
from bot.engine import Engine
from bot.engine.inputs import InputLine


class TaskNumber(click.ParamType):
    """A task's number; a placeholder typed as is ("T") is told where the number is."""

    name = "nomor tugas"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().lstrip("#")
        if text.isdigit():
            return int(text)
        self.fail(
            f"{value!r} bukan nomor tugas. Tulis nomornya, mis. 4 dari 'Tugas 4, langkah 3, ...' "
            "yang dicetak perintah sebelumnya, atau lihat 'sopbot task list --as NIP'.",
            param,
            ctx,
        )


TASK_ARGUMENT = click.argument("task_id", metavar="TUGAS", type=TaskNumber())


def on_task(command: Callable[..., None]) -> Callable[..., None]:
    """What every command on one task takes: the task, who acts, the organisation, the time."""
    return TASK_ARGUMENT(AS_OPTION(ORG_OPTION(NOW_OPTION(engine_errors(command)))))


@click.group()
def task() -> None:
    """Tugas seseorang: lihat, isi, selesaikan, setujui atau kembalikan."""


@task.command("list")
@AS_OPTION
@ORG_OPTION
@NOW_OPTION
@engine_errors
def list_(nip: str, org_slug: str | None, now_text: str | None) -> None:
    """Tugas terbuka milik pegawai NIP, yang paling dekat batas waktunya lebih dulu."""
    who = actor(org_slug, nip)
    now = resolve_now(now_text, who.org.zone)
    with open_engine() as engine:
        views = engine.open_tasks(who.person_id, now=now)
    if not views:
        click.echo(f"{who.name} tidak punya tugas terbuka.")
        return
    click.echo(f"Tugas terbuka {who.name}:")
    rows = [
        [
            str(v.task_id),
            f"{v.step_no}" + (f" (putaran {v.round})" if v.round > 1 else ""),
            v.uraian,
            f"{v.role_name}\n{v.unit_name}",
            f"{v.period}\n{local(v.due_at, who.org.zone)}",
        ]
        for v in views
    ]
    headers = ["TUGAS", "LANGKAH", "URAIAN", "PERAN DAN UNIT", "PERIODE DAN BATAS"]
    for line in render_table(headers, rows, [6, 8, 40, 30, 34]):
        click.echo(line)


@task.command()
@on_task
def show(task_id: int, nip: str, org_slug: str | None, now_text: str | None) -> None:
    """Rincian TUGAS; untuk pengisian dan pemeriksaan: lembar indikator."""
    who = actor(org_slug, nip)
    now = resolve_now(now_text, who.org.zone)
    with open_engine() as engine:
        view = engine.task(task_id, who.person_id, now=now)
        sheet = engine.input_sheet(task_id, who.person_id, now=now)
    click.echo(f"Tugas {view.task_id}: {view.sop_name}, periode {view.period}")
    click.echo(f"Langkah {view.step_no} (putaran {view.round}): {view.uraian}")
    click.echo(f"Pelaksana: {view.role_name}, {view.unit_name}")
    click.echo(f"Batas waktu: {local(view.due_at, who.org.zone)}")
    if view.reason:
        click.echo(f"Dikembalikan dengan alasan: {view.reason}")
    if view.question:
        click.echo(f"Pertanyaan: {view.question} (YA/TIDAK)")
    shows_sheet = (
        view.kind in (StepKind.INDICATOR_INPUT, StepKind.REVIEW)
        or view.shows_figures
        or view.reason
    )
    if shows_sheet and sheet:
        click.echo("")
        for line in sheet_lines(sheet):
            click.echo(line)
    click.echo("")
    for hint in _hints(view.kind, task_id, nip):
        click.echo(hint)


@task.command("input")
@TASK_ARGUMENT
@click.argument("values", nargs=-1, metavar="KODE=NILAI...")
@AS_OPTION
@click.option(
    "--no-data",
    "no_data",
    multiple=True,
    metavar='KODE="alasan"',
    help="Tandai 'belum ada data' untuk KODE, dengan alasannya (boleh berulang).",
)
@click.option(
    "--kendala",
    "kendala",
    multiple=True,
    metavar='KODE="teks"',
    help="Kendala untuk KODE (wajib bila capaiannya di bawah ambang, bawaan 90%).",
)
@click.option(
    "--tindak-lanjut",
    "tindak_lanjut",
    multiple=True,
    metavar='KODE="teks"',
    help="Tindak lanjut untuk KODE (wajib bersama kendala).",
)
@click.option("--yakin", is_flag=True, help=task_checks.YAKIN_HELP)
@click.option(
    "--file",
    "sheet_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Lembar isian Excel yang sudah diisi (dari 'sopbot task sheet' atau dari bot).",
)
@ORG_OPTION
@NOW_OPTION
@engine_errors
def input_(
    task_id: int,
    values: tuple[str, ...],
    nip: str,
    no_data: tuple[str, ...],
    kendala: tuple[str, ...],
    tindak_lanjut: tuple[str, ...],
    yakin: bool,
    sheet_file: Path | None,
    org_slug: str | None,
    now_text: str | None,
) -> None:
    """Isi realisasi indikator di TUGAS: KODE=NILAI (mis. IWK-01=82,5 IWK-02=1.234),
    atau semuanya sekaligus dari lembar isian Excel (--file F.xlsx).

    Nilai yang tampak tidak wajar ditampilkan dengan peringatannya dan baru disimpan
    dengan --yakin. Bila capaian di bawah ambang organisasi (bawaan 90%), kendala dan
    tindak lanjut wajib diisi sebelum tugas dikirim (--kendala, --tindak-lanjut).
    """
    if sheet_file is not None:
        if values or no_data or kendala or tindak_lanjut:
            raise click.UsageError("--file tidak dapat digabung dengan KODE=NILAI atau catatan.")
        who = actor(org_slug, nip)
        now = resolve_now(now_text, who.org.zone)
        task_file.input_file(task_id, who, nip, now, sheet_file, yakin=yakin)
        return
    if not (values or no_data or kendala or tindak_lanjut):
        raise click.UsageError(
            "Sebutkan paling sedikit satu KODE=NILAI, --no-data, --kendala atau --tindak-lanjut."
        )
    who = actor(org_slug, nip)
    now = resolve_now(now_text, who.org.zone)
    with open_engine() as engine:
        lines = {
            line.code.upper(): line for line in engine.input_sheet(task_id, who.person_id, now=now)
        }
        figures = _understood(values, lines)
        reasons = {
            _line(code, lines, editable=True).indicator_id: text
            for code, text in _pairs(no_data, "--no-data")
        }
        notes: dict[int, dict[str, str]] = {}
        for option, field, items in (
            ("--kendala", "kendala", kendala),
            ("--tindak-lanjut", "tindak_lanjut", tindak_lanjut),
        ):
            for code, text in _pairs(items, option):
                notes.setdefault(_line(code, lines, editable=True).indicator_id, {})[field] = text
        by_id = {line.indicator_id: line for line in lines.values()}
        alone = {i: task_checks.kept_value(by_id[i]) for i in notes if i not in figures | reasons}
        confirmed = task_checks.confirmations(figures, lines.values(), yakin=yakin)
        for indicator_id, value in figures.items():
            engine.save_value(
                task_id,
                who.person_id,
                indicator_id,
                value=value,
                now=now,
                confirmed=confirmed[indicator_id],
                **notes.get(indicator_id, {}),
            )
        for indicator_id, reason in reasons.items():
            fields = notes.get(indicator_id, {})
            engine.save_value(
                task_id, who.person_id, indicator_id, no_data_reason=reason, now=now, **fields
            )
        for indicator_id, kept in alone.items():
            fields = {**kept, **notes[indicator_id]}
            engine.save_value(task_id, who.person_id, indicator_id, now=now, **fields)
        sheet = engine.input_sheet(task_id, who.person_id, now=now)
    changed = set(figures) | set(reasons) | set(notes)
    heading = f"Tersimpan sebagai draf ({len(changed)} indikator):"
    task_checks.echo_saved(sheet, changed, task_id, nip, heading)


@task.command("sheet")
@TASK_ARGUMENT
@AS_OPTION
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Nama berkas .xlsx (bawaan: isian-PERIODE-UNIT-tugas-TUGAS.xlsx).",
)
@ORG_OPTION
@NOW_OPTION
@engine_errors
def sheet_(
    task_id: int, nip: str, output: Path | None, org_slug: str | None, now_text: str | None
) -> None:
    """Tulis lembar isian Excel TUGAS (indikator, target, triwulan sebelumnya, kolom isian)."""
    who = actor(org_slug, nip)
    now = resolve_now(now_text, who.org.zone)
    task_file.write_sheet(task_id, who, nip, now, output)


@task.command()
@on_task
def done(task_id: int, nip: str, org_slug: str | None, now_text: str | None) -> None:
    """Tandai TUGAS selesai (tugas pengisian: nilainya diajukan)."""
    who = actor(org_slug, nip)
    now = resolve_now(now_text, who.org.zone)
    with open_engine() as engine:
        engine.complete_task(task_id, who.person_id, now=now)
        _echo_next(engine, who, task_id, now, "selesai")


@task.command()
@on_task
def approve(task_id: int, nip: str, org_slug: str | None, now_text: str | None) -> None:
    """Setujui (YA) laporan di TUGAS."""
    who = actor(org_slug, nip)
    now = resolve_now(now_text, who.org.zone)
    with open_engine() as engine:
        engine.decide(task_id, who.person_id, approve=True, now=now)
        _echo_next(engine, who, task_id, now, "disetujui")


@task.command()
@TASK_ARGUMENT
@click.argument("jawaban", type=click.Choice(["ya", "tidak"], case_sensitive=False))
@AS_OPTION
@ORG_OPTION
@NOW_OPTION
@engine_errors
def answer(
    task_id: int, jawaban: str, nip: str, org_slug: str | None, now_text: str | None
) -> None:
    """Jawab pertanyaan YA/TIDAK di TUGAS (langkah kind: question; tidak menyetujui apa pun)."""
    who = actor(org_slug, nip)
    now = resolve_now(now_text, who.org.zone)
    yes = jawaban.lower() == "ya"
    with open_engine() as engine:
        engine.answer(task_id, who.person_id, yes=yes, now=now)
        _echo_next(engine, who, task_id, now, f"dijawab {'YA' if yes else 'TIDAK'}")


@task.command("return")
@TASK_ARGUMENT
@AS_OPTION
@click.option("--reason", required=True, help="Alasan pengembalian (wajib).")
@click.option(
    "--correct", "codes", multiple=True, metavar="KODE", help="Indikator yang harus diperbaiki."
)
@ORG_OPTION
@NOW_OPTION
@engine_errors
def return_(
    task_id: int,
    nip: str,
    reason: str,
    codes: tuple[str, ...],
    org_slug: str | None,
    now_text: str | None,
) -> None:
    """Kembalikan (TIDAK) laporan di TUGAS untuk diperbaiki, dengan alasan."""
    who = actor(org_slug, nip)
    now = resolve_now(now_text, who.org.zone)
    with open_engine() as engine:
        lines = {
            line.code.upper(): line for line in engine.input_sheet(task_id, who.person_id, now=now)
        }
        correct = [_line(code, lines).indicator_id for code in codes]
        engine.decide(
            task_id, who.person_id, approve=False, reason=reason, correct=correct, now=now
        )
        _echo_next(engine, who, task_id, now, "dikembalikan")


@task.command()
@RUN_OPTION
@click.option("--unit", "unit_code", required=True, metavar="UNIT", help="Kode unit.")
@AS_OPTION
@click.option("--reason", required=True, help="Alasan membuka kembali (wajib).")
@ORG_OPTION
@NOW_OPTION
@engine_errors
def reopen(
    run_id: int,
    unit_code: str,
    nip: str,
    reason: str,
    org_slug: str | None,
    now_text: str | None,
) -> None:
    """Buka kembali data UNIT yang sudah disetujui di RUN (atasan penyetuju atau admin)."""
    who = actor(org_slug, nip)
    now = resolve_now(now_text, who.org.zone)
    with open_engine() as engine:
        task_id = engine.reopen(run_id, unit_code, who.person_id, reason=reason, now=now)
    click.echo(f"Data {unit_code} di pelaksanaan {run_id} dibuka kembali oleh {who.name}.")
    click.echo(f"Alasan: {reason.strip()}")
    for status in statuses(who.org.id, None, None, now):
        if status.run_id == run_id:
            for line in work_lines(status, who.org.zone):
                if f"Tugas {task_id}," in line or "menunggu" in line:
                    click.echo(line)


# --- helpers ----------------------------------------------------------------------------------


def _pairs(items: tuple[str, ...], what: str) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        code, sep, value = item.partition("=")
        if not sep or not code.strip() or not value.strip():
            raise click.BadParameter(
                f"{item!r}: tulis KODE=NILAI, mis. IWK-01=82,5", param_hint=what
            )
        pairs.append((code.strip().upper(), value.strip()))
    return pairs


def _line(code: str, lines: dict[str, InputLine], *, editable: bool = False) -> InputLine:
    """The indicator named ``code`` in the task (and, for input, one that may change)."""
    found = lines.get(code.strip().upper())
    if found is None:
        known = ", ".join(sorted(lines)) or "(tidak ada)"
        raise click.ClickException(f"Indikator {code} tidak ada di tugas ini; yang ada: {known}.")
    # Nothing editable at all (a task already done): the engine's own refusal says why.
    if editable and not found.editable and any(line.editable for line in lines.values()):
        allowed = ", ".join(c for c, line in sorted(lines.items()) if line.editable) or "tidak ada"
        raise click.ClickException(
            f"Indikator {code} tidak dapat diubah di tugas ini (yang dapat diubah: {allowed})."
        )
    return found


def _understood(values: tuple[str, ...], lines: dict[str, InputLine]) -> dict[int, Decimal]:
    """Every KODE=NILAI read, or every problem named at once (nothing is saved then)."""
    figures: dict[int, Decimal] = {}
    problems = []
    for code, text in _pairs(values, "KODE=NILAI"):
        line = _line(code, lines, editable=True)
        try:
            parsed = parse_value(text, line.satuan)
        except NumberError as exc:
            problems.append(f"{code}: {exc.message}")
            continue
        shown = format_number(parsed.value, parsed.places)
        unit = line.satuan if line.satuan == "%" else f" {line.satuan}"
        click.echo(f"{code}: '{text}' dibaca sebagai {shown}{unit}")
        figures[line.indicator_id] = parsed.value
    if problems:
        raise click.ClickException("Tidak ada yang disimpan:\n" + "\n".join(problems))
    return figures


def _hints(kind: StepKind, task_id: int, nip: str) -> list[str]:
    base = f"sopbot task {{}} {task_id} --as {nip}"
    if kind is StepKind.QUESTION:
        return [f"Jawab: {base.format('answer')} ya|tidak"]
    if kind is StepKind.REVIEW:
        return [
            f"Setujui: {base.format('approve')}",
            f'Kembalikan: {base.format("return")} --reason "..." [--correct KODE]',
        ]
    hints = []
    if kind is StepKind.INDICATOR_INPUT:
        hints.append(f'Isi nilai: {base.format("input")} KODE=NILAI ... [--no-data KODE="alasan"]')
        hints.append(f"Lembar Excel: {base.format('sheet')} -o F.xlsx, lalu input --file F.xlsx")
    hints.append(f"Selesai: {base.format('done')}")
    return hints


def _echo_next(engine: Engine, who: Actor, task_id: int, now: datetime, what: str) -> None:
    """Say what happened and where the run went: the steps now open and who holds them."""
    click.echo(f"Tugas {task_id} {what} oleh {who.name}.")
    view = engine.task(task_id, who.person_id, now=now)
    for status in statuses(who.org.id, view.period, None, now):
        if status.run_id == view.run_id:
            for line in work_lines(status, who.org.zone):
                click.echo(line)
