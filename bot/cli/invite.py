"""``sopbot invite``: make a one-time code and the Telegram deep link that uses it."""

from __future__ import annotations

import click

from bot.cli.clock import resolve_now
from bot.cli.db import ORG_OPTION, friendly_db_errors, resolve_org, unit_of_work
from bot.domain.calendar import load_zone
from bot.domain.locale_id import format_datetime_id


@click.command()
@click.option("--role", "role_key", required=True, help="Kunci peran, mis. kabid.")
@click.option("--unit", "unit_code", required=True, help="Kode unit, mis. BID-1.")
@click.option("--person", "person_ref", help="NIP atau nama pegawai di berkas organisasi.")
@click.option("--nama", "name", help="Nama orang baru (bila belum ada di berkas organisasi).")
@click.option("--days", default=7, show_default=True, type=int, help="Masa berlaku (hari).")
@click.option("--bot-username", help="Nama pengguna bot (bawaan: TELEGRAM_BOT_USERNAME).")
@ORG_OPTION
@friendly_db_errors
def invite(
    role_key: str,
    unit_code: str,
    person_ref: str | None,
    name: str | None,
    days: int,
    bot_username: str | None,
    org_slug: str | None,
) -> None:
    """Buat kode undangan sekali pakai untuk ROLE di UNIT dan cetak tautannya."""
    from bot.definitions import load_catalog
    from bot.imports.invites import InviteError, create_invite, deep_link
    from bot.services.invites import InviteTargetRefused, check_invite_target, sop_role_keys
    from bot.settings import get_settings

    username = bot_username or get_settings().telegram_bot_username
    try:
        with unit_of_work() as uow:
            org = resolve_org(uow, org_slug)
            zone = load_zone(org.timezone)
            target = check_invite_target(
                uow,
                org,
                role_key=role_key,
                unit_code=unit_code,
                sop_roles=sop_role_keys(load_catalog(), uow.orgs.sop_ids(org.id)),
            )
            created = create_invite(
                uow,
                org,
                role_key=target.role_key,
                unit_code=target.unit_code,
                person_ref=person_ref,
                name=name,
                days=days,
                now=resolve_now(None, zone),
            )
            link = deep_link(username, created.code) if username else None
            uow.commit()
    except (InviteError, InviteTargetRefused) as exc:
        raise click.ClickException(str(exc)) from exc
    who = f" untuk {created.person_name}" if created.person_name else ""
    click.echo(
        f"Kode undangan{who} ({target.role_key} di {target.unit_code}, {target.unit_name}) "
        f"dibuat: {created.code}"
    )
    click.echo(f"Berlaku sampai {format_datetime_id(created.expires_at.astimezone(zone))}.")
    if link:
        click.echo(f"Tautan: {link}")
    else:
        click.echo(
            "Nama pengguna bot belum diatur (TELEGRAM_BOT_USERNAME atau --bot-username), "
            "jadi tautan tidak dapat dibuat; pengguna dapat mengirim "
            f"'/start {created.code}' ke bot."
        )
