"""check_invite_target: the one check every way of making an invite goes through."""

from __future__ import annotations

import pytest

from bot.services.invites import (
    InviteTarget,
    InviteTargetRefused,
    check_invite_target,
    sop_role_keys,
)
from tests.unit.services.conftest import CATALOG, World


def _check(world: World, role: str, unit: str, sop_roles: set[str] | None = None) -> InviteTarget:
    with world.uow_factory() as uow:
        org = uow.orgs.organisation(world.slug)
        assert org is not None
        return check_invite_target(
            uow, org, role_key=role, unit_code=unit, sop_roles=sop_roles or ()
        )


def test_a_known_role_and_unit_pass_with_the_units_name(world: World) -> None:
    target = _check(world, "analis", "bid-iwk")
    assert (target.role_key, target.unit_code) == ("analis", "BID-IWK")
    assert target.unit_name.startswith("Bidang Ideologi")


def test_a_typo_in_the_role_is_refused_with_the_closest_role(world: World) -> None:
    with pytest.raises(InviteTargetRefused) as refused:
        _check(world, "analyst", "BID-IWK")
    message = str(refused.value)
    assert "Peran 'analyst' tidak dikenal" in message
    assert "Maksud Bapak/Ibu 'analis'?" in message
    assert "kabid, kasubag_perencanaan, kasubid, kepala" in message


def test_a_typo_in_the_unit_is_refused_with_the_closest_code(world: World) -> None:
    with pytest.raises(InviteTargetRefused) as refused:
        _check(world, "kabid", "BID-IKW")
    assert "Unit 'BID-IKW' tidak ada" in str(refused.value)
    assert "Maksud Bapak/Ibu 'BID-IWK'?" in str(refused.value)


def test_roles_of_the_organisations_sops_count_even_when_nobody_holds_them(world: World) -> None:
    with pytest.raises(InviteTargetRefused):
        _check(world, "operator", "BID-IWK")
    assert _check(world, "operator", "BID-IWK", {"operator"}).role_key == "operator"
    roles = sop_role_keys(CATALOG, ["kesbangpol-jeneponto-pengumpulan-data-kinerja"])
    assert roles == {"kabid", "kasubid", "analis", "kasubag_perencanaan"}
