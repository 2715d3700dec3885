"""``organisasi.durasi_bawaan``: the Waktu of SOP steps whose document gives none."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.imports import ImportFailed
from bot.imports.org_file import read_org_file
from bot.imports.org_import import import_org
from bot.imports.problems import Problems

ORG = """
organisasi: {{slug: dinas-uji, nama: Dinas Uji{extra}}}
unit:
  - {{kode: BID-1, nama: Bidang Satu, jenis: bidang}}
"""


def _import(uow_factory, tmp_path: Path, extra: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "org.yaml"
    path.write_text(ORG.format(extra=extra), encoding="utf-8")
    problems = Problems()
    data = read_org_file(path, problems)
    problems.raise_if_any()
    with uow_factory() as uow:
        import_org(uow, data, None)
        uow.commit()


def _stored(uow_factory) -> str:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        org = uow.orgs.organisation("dinas-uji")
        assert org is not None
        return org.default_duration


def test_default_is_one_working_day_and_the_file_may_change_it(uow_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _import(uow_factory, tmp_path, "")
    assert _stored(uow_factory) == "1 Hari"
    _import(uow_factory, tmp_path, ', durasi_bawaan: "2 Jam"')
    assert _stored(uow_factory) == "2 Jam"


def test_an_unreadable_durasi_bawaan_is_refused_with_its_place(uow_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportFailed) as failed:
        _import(uow_factory, tmp_path, ", durasi_bawaan: sebentar")
    assert "durasi_bawaan" in str(failed.value)
