"""A second organisation beside the sample one, for the isolation tests.

A copy of the sample Kesbangpol with another slug, its own people (NIPs
7777..., names ending in "Barat"), its own unit names ("... (Barat)"), the
same unit codes and SOP, its own 2026 targets, and another calendar: WIB
(Asia/Jakarta) where the sample works in WITA.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from bot.imports.org_file import read_org_file
from bot.imports.org_import import import_org
from bot.imports.problems import Problems
from bot.imports.targets_import import import_targets
from bot.persistence.uow import UowFactory
from bot.simulate.setup import sample_dir

OTHER_SLUG = "contoh-kesbangpol-barat"
OTHER_UNIT_SUFFIX = " (Barat)"


def other_nip(sample_nip: str) -> str:
    """The NIP of the second organisation's person in the sample person's place."""
    return "7777" + sample_nip[4:]


def other_name(sample_name: str) -> str:
    return f"{sample_name} Barat"


def _second(data: dict[str, Any]) -> dict[str, Any]:
    org = data["organisasi"]
    org["slug"] = OTHER_SLUG
    org["nama"] = "Badan Kesatuan Bangsa dan Politik Kabupaten Barat (DATA CONTOH)"
    org["zona_waktu"] = "Asia/Jakarta"
    org["admin"] = [other_nip(str(nip)) for nip in org["admin"]]
    for unit in data["unit"]:
        unit["nama"] += OTHER_UNIT_SUFFIX
    for person in data["pegawai"]:
        person["nama"] = other_name(person["nama"])
        person["nip"] = other_nip(str(person["nip"]))
    for role in data["peran"]:
        role["pegawai"] = other_nip(str(role["pegawai"]))
    return data


def import_second_org(uow_factory: UowFactory) -> str:
    """Import the second organisation and its targets; returns its slug."""
    source = yaml.safe_load((sample_dir() / "organisation.yaml").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "organisation.yaml"
        path.write_text(yaml.safe_dump(_second(source), allow_unicode=True), encoding="utf-8")
        logo = (source["organisasi"].get("kop") or {}).get("logo")
        if logo:  # the kop's logo is read relative to the file
            shutil.copy(sample_dir() / logo, Path(folder) / logo)
        problems = Problems()
        data = read_org_file(path, problems)
        problems.raise_if_any()
    with uow_factory() as uow:
        import_org(uow, data, None)
        uow.commit()
    with uow_factory() as uow:
        org = uow.orgs.organisation(OTHER_SLUG)
        assert org is not None
        import_targets(uow, sample_dir() / "targets_2026.xlsx", org)
        uow.commit()
    return OTHER_SLUG
