"""Every command taking an SOP id takes a unique prefix; an ambiguous one names the candidates."""

from __future__ import annotations

from click.testing import CliRunner

from bot.cli import cli

KESBANGPOL = "kesbangpol-jeneponto-pengumpulan-data-kinerja"


def test_sop_show_names_the_sops_an_ambiguous_prefix_matches() -> None:
    result = CliRunner().invoke(cli, ["sop", "show", "d"])
    assert result.exit_code == 1
    err = result.stderr
    assert "'d' cocok dengan beberapa SOP" in err
    for candidate in ("dispersip-balangan", "disporapar-balangan", "dkp3-balangan", "dpmd-banten"):
        assert candidate in err
    assert "tidak ditemukan" not in err


def test_schedule_show_takes_a_unique_prefix() -> None:
    argv = ["schedule", "show", "--sop", "kesbang", "--from", "2026-11-23"]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 0, result.output
    assert f"{KESBANGPOL}  Senin, 11 Januari 2027 08.00 WITA" in result.stdout
    assert "dispersip" not in result.stdout


def test_schedule_show_names_the_candidates_of_an_ambiguous_prefix() -> None:
    result = CliRunner().invoke(cli, ["schedule", "show", "--sop", "d"])
    assert result.exit_code == 1
    assert "'d' cocok dengan beberapa SOP: dispersip-balangan" in result.output


def test_an_unknown_sop_still_lists_every_id() -> None:
    result = CliRunner().invoke(cli, ["sop", "show", "zzz"])
    assert result.exit_code == 1
    assert "'zzz' tidak ditemukan; yang ada: " in result.stderr
    assert KESBANGPOL in result.stderr
