"""One language: every help page and the typical errors of ``sopbot`` in Bahasa Indonesia.

click writes its own texts (usage, headings, "[required]", "Invalid value for
...", "File ... does not exist", "'T' is not a valid integer") unless told
otherwise; this test reads every page and error a new admin meets and looks
for English.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from bot.cli import cli

# English UI words and phrases; command and option names (run, --help) are removed first.
ENGLISH = re.compile(
    r"\b(Usage|Options?|Commands?|Arguments?|Show|message|exit|required|Invalid|value|"
    r"does|exist|valid|integer|Missing|No such|Error|Try|Did you mean|Runs?|runs?|"
    r"default|the|to|of|and|is|for|with|this|where|Where|when|must|file|directory|"
    r"TEXT|INTEGER|FLOAT|PATH|FILENAME|DIRECTORY|OPTIONS|COMMAND|ARGS|PATHS|REVISION)\b"
)
NAMES = re.compile(
    r"(?<![\w-])--?[\w-]+|sopbot(?: [a-z-]+)*|'[a-z-]+'|`[^`]*`|(?m:^  [a-z][a-z-]*(?= ))"
)


def english_in(text: str) -> list[str]:
    return ENGLISH.findall(NAMES.sub(" ", text))


def commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        if command.hidden:
            continue
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


HELP_PAGES = [(), *commands(cli)]


@pytest.mark.parametrize("path", HELP_PAGES, ids=lambda p: " ".join(p) or "sopbot")
def test_every_help_page_is_indonesian(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"], terminal_width=80, prog_name="sopbot")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Penggunaan: sopbot")
    assert english_in(result.output) == [], result.output


def test_required_options_say_wajib() -> None:
    result = CliRunner().invoke(cli, ["report", "--help"])
    assert "[wajib]" in result.output
    assert "Opsi:" in result.output


def test_the_command_list_never_cuts_a_sentence() -> None:
    result = CliRunner().invoke(cli, ["--help"], terminal_width=80, prog_name="sopbot")
    listing = result.output.split("Perintah:", 1)[1]
    entries = re.split(r"\n  (?=[a-z])", listing.strip())
    for entry in entries:
        text = " ".join(entry.split()[1:])
        assert text.endswith((".", ")")), entry
        assert not text.endswith("..."), entry
        assert "(mis." not in text or ")" in text.split("(mis.", 1)[1], entry
    task = CliRunner().invoke(cli, ["task", "--help"], terminal_width=80, prog_name="sopbot").output
    assert "KODE=NILAI (mis. IWK-01=82,5 IWK-02=1.234)" in " ".join(task.split())


ERRORS = [
    (["task", "show", "T", "--as", "1"], "'T' bukan nomor tugas"),
    (["audit", "--run", "x"], "'x' bukan bilangan yang sah"),
    (["report", "--period", "2026-TW3"], "Opsi wajib belum diisi: '--sop'"),
    (["start"], "Argumen wajib belum diisi: 'SOP_ID'"),
    (["statu"], "Tidak ada perintah 'statu'"),
    (["start", "kesbangpol", "--bogus"], "Tidak ada opsi '--bogus'"),
    (["targets", "import", "nope.xlsx"], "'nope.xlsx' tidak ada"),
    (["verify", "nope.xlsx"], "nope.xlsx"),
    (["schedule", "show", "--count", "0"], "di luar rentang"),
    (["schedule", "show", "--from", "kemarin"], "tidak sesuai bentuk"),
    (["task", "answer", "1", "mungkin", "--as", "1"], "'mungkin' bukan salah satu dari"),
    (["status"], "Basis data belum ada"),
    (["invite", "--role", "analis", "--unit", "BID-IWK"], "Basis data belum ada"),
    (["monev", "--period", "2026-TW3", "-o", "m.xlsx", "--format", "doc"], "'doc' bukan"),
]


def _error_id(value: object) -> str:
    return " ".join(value) if isinstance(value, list) else ""


@pytest.mark.parametrize(("argv", "phrase"), ERRORS, ids=_error_id)
def test_typical_errors_are_indonesian(argv: list[str], phrase: str) -> None:
    result = CliRunner().invoke(cli, argv, terminal_width=80, prog_name="sopbot")
    assert result.exit_code != 0
    output = result.output
    assert phrase in output
    assert english_in(output) == [], output
    if "Kesalahan:" not in output:
        assert "Error" not in output
