"""The README's walkthrough, run exactly as written.

The blocks the README marks ``<!-- walkthrough -->`` are run in order, each
command as a process of its own in one temporary folder (with the repository's
``examples/`` beside it, as in a checkout), with nothing from the developer's
environment but ``PATH``. ``export``/``unset`` lines change the environment of
the commands after them (``SOPBOT_NOW`` fixes the clock for all of them). A
command's comment ends with ``=> "phrase"`` or ``=> exit N: "phrase"``: its
exit code (0 unless said) and a phrase its output contains. ``T`` stands for
the task number the output so far last gave on a line naming the person
acting (``--as NIP``): "Tugas 4, langkah 3, BID-IWK: Analisis Data Muh. Ilham Contoh".
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SAMPLE_ORG = ROOT / "examples" / "sample_org" / "organisation.yaml"
MARK = "<!-- walkthrough -->"
EXPECT = re.compile(r'=>\s*(?:exit (?P<code>\d+):\s*)?"(?P<phrase>[^"]*)"\s*$')
TASK_NUMBER = re.compile(r"\bTugas (\d+)\b")


@dataclass(frozen=True)
class Line:
    text: str
    argv: list[str]
    exit_code: int
    phrase: str | None


def walkthrough(readme: str) -> list[Line]:
    """Every command line of the marked ``sh`` blocks, in order."""
    lines: list[Line] = []
    for block in re.findall(re.escape(MARK) + r"\s*```sh\n(.*?)```", readme, flags=re.S):
        for raw in block.splitlines():
            argv = shlex.split(raw, comments=True)
            if not argv:
                continue
            found = EXPECT.search(raw)
            code = int(found["code"]) if found and found["code"] else 0
            lines.append(Line(raw.strip(), argv, code, found["phrase"] if found else None))
    return lines


def _clean_environment() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    # The venv's sopbot first, as after `. .venv/bin/activate`.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def _names() -> dict[str, str]:
    """NIP -> name, from the sample organisation the walkthrough imports."""
    data = yaml.safe_load(SAMPLE_ORG.read_text(encoding="utf-8"))
    return {str(person["nip"]): person["nama"] for person in data["pegawai"]}


def _substitute(argv: list[str], printed: str) -> list[str]:
    """``T``: the task number the output so far last gave on a line naming the person acting."""
    if "T" not in argv:
        return argv
    name = _names()[argv[argv.index("--as") + 1]]
    for line in reversed(printed.splitlines()):
        found = TASK_NUMBER.search(line)
        if found and name in line:
            return [found[1] if word == "T" else word for word in argv]
    raise AssertionError(f"T is used before any output named a task of {name}")


def test_the_readme_marks_a_walkthrough_with_every_role_and_a_return() -> None:
    lines = walkthrough(README.read_text(encoding="utf-8"))
    commands = [" ".join(line.argv) for line in lines]
    assert len(lines) >= 30
    # Every role of SOP 004 acts in every bidang, and the Kasubag Perencanaan at the end.
    for nip in ("02", "03", "04", "05", "06", "07", "08", "09", "10", "01"):
        assert any(f"--as 9999000000000000{nip}" in c and "task done" in c for c in commands)
    assert any("task return" in c for c in commands)
    assert any("task approve" in c for c in commands)
    assert any(c.startswith("sopbot report") for c in commands)
    assert any(c.startswith("sopbot monev") for c in commands)
    assert all(line.phrase for line in lines if line.argv[0] == "sopbot")


@pytest.mark.slow
def test_the_readme_walkthrough_runs_as_written(tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    env = _clean_environment()
    printed = ""
    for line in walkthrough(README.read_text(encoding="utf-8")):
        if line.argv[0] == "export":
            name, _, value = line.argv[1].partition("=")
            env[name] = value
            continue
        if line.argv[0] == "unset":
            env.pop(line.argv[1], None)
            continue
        argv = _substitute(line.argv, printed)
        done = subprocess.run(
            argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180
        )
        output = done.stdout + done.stderr
        where = f"\n$ {shlex.join(argv)}\n{output}"
        assert done.returncode == line.exit_code, where
        assert line.phrase is not None and line.phrase in output, where
        printed += output
    assert (tmp_path / "tw3.xlsx").is_file()
    assert (tmp_path / "sop.html").is_file()
    # One word for a run, in every output and file: "pelaksanaan".
    assert not re.search(r"\bRun\b", printed)
    cells = [
        str(cell.value)
        for sheet in load_workbook(tmp_path / "monev.xlsx")
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    assert "Pelaksanaan" in cells
    assert not [text for text in cells if re.search(r"\bRun\b", text)]
