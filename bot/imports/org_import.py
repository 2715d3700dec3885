"""Applying an organisation file: upsert by unit code, NIP (or unique name) and role key.

Re-importing the same file changes nothing and reports everything unchanged.
The caller commits; any problem raises ``ImportFailed`` first, so the unit of
work rolls back and the database stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.domain.enums import Acting
from bot.imports.org_file import OrgFile, PersonSpec, RoleSpec, UnitSpec
from bot.imports.problems import Location, Problems
from bot.persistence.models import Organisation, Person, RoleAssignment, Unit, UnitKind
from bot.persistence.uow import AbstractUnitOfWork


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    created_names: list[str] = field(default_factory=list)
    updated_names: list[str] = field(default_factory=list)
    """What was created or changed, by name, so the summary says what, not only how many."""

    def __str__(self) -> str:
        return (
            f"{self.created} baru{_names(self.created_names)}, "
            f"{self.updated} diubah{_names(self.updated_names)}, {self.unchanged} tetap"
        )

    def tally(self, created: bool, changed: bool, name: str = "") -> str | None:
        """Count one row (by ``name`` in the summary); ``baru``, ``diubah`` or None
        (unchanged) for the preview's list of changes."""
        if created:
            self.created += 1
            self.created_names.append(name)
            return NEW
        if changed:
            self.updated += 1
            self.updated_names.append(name)
            return CHANGED
        self.unchanged += 1
        return None


_SHOWN_NAMES = 6


def _names(names: list[str]) -> str:
    """`` (A; B; C dan 4 lainnya)``; nothing when there are none."""
    if not names:
        return ""
    shown = "; ".join(names[:_SHOWN_NAMES])
    more = len(names) - _SHOWN_NAMES
    return f" ({shown} dan {more} lainnya)" if more > 0 else f" ({shown})"


NEW, CHANGED = "baru", "diubah"
Change = tuple[str, str]
"""(``baru`` or ``diubah``, what): a line of what an import writes, for its preview."""


def noted(changes: list[Change], status: str | None, what: str) -> None:
    if status is not None:
        changes.append((status, what))


@dataclass
class OrgImportResult:
    slug: str
    organisation_created: bool
    organisation_changed: bool = False
    units: Counts = field(default_factory=Counts)
    people: Counts = field(default_factory=Counts)
    roles: Counts = field(default_factory=Counts)
    changes: list[Change] = field(default_factory=list)
    """What is new or changed, in file order (issue 19: the preview before "Simpan")."""

    def summary(self) -> str:
        if self.organisation_created:
            head = "dibuat"
        else:
            head = "diperbarui" if self.organisation_changed else "tidak berubah"
        return (
            f"Organisasi {self.slug} {head}.\n"
            f"Unit: {self.units}\nPegawai: {self.people}\nPeran: {self.roles}"
        )


def _update(obj: Any, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def import_org(
    uow: AbstractUnitOfWork, data: OrgFile, org_slug: str | None, *, actor_id: int | None = None
) -> OrgImportResult:
    """Write ``data`` into the organisation; raise ``ImportFailed`` listing every problem.

    ``actor_id``: the admin who sent the file in the chat (None: the command line)."""
    problems = Problems()
    org, created, changed = _organisation(uow, data, org_slug, problems)
    if org is None:
        problems.raise_if_any()
        raise AssertionError("unreachable")
    result = OrgImportResult(org.slug, created, changed)
    if changed and not created:
        result.changes.append((CHANGED, f"Organisasi {org.name}"))
    units = _units(uow, org, data, problems, result.units, result.changes)
    people = _people(uow, org, data.people, problems, result.people, result.changes)
    _roles(uow, org, data.roles, units, people, problems, result.roles, result.changes)
    if data.org and data.org.admins:
        _admins(uow, org, data, people, problems, result.changes)
    if data.org and data.org.sops is not None:
        uow.orgs.set_sops(org.id, data.org.sops)
    problems.raise_if_any()
    uow.audit.record("org_import", "organisation", org.id, actor_id=actor_id, after=_counts(result))
    return result


def _admins(
    uow: AbstractUnitOfWork,
    org: Organisation,
    data: OrgFile,
    people: dict[str, Person],
    problems: Problems,
    changes: list[Change],
) -> None:
    """The file's ``admin:`` list becomes the organisation's admins (issue 19: who sees the
    admin menu in Telegram is who the file names; someone left out is no longer an admin)."""
    assert data.org is not None
    named: list[Person] = []
    for ref in data.org.admins:
        person = _person_ref(uow, org, ref, people, data.org.location, "admin", problems)
        if person is not None and person not in named:
            named.append(person)
    if problems or {p.id for p in named} == {p.id for p in org.admins}:
        return
    org.admins[:] = named
    changes.append((CHANGED, "Admin: " + ", ".join(p.name for p in named)))


def numbers(counts: Counts) -> dict[str, int]:
    """The counts alone (the audit log keeps numbers; the names are for the summary)."""
    return {"created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged}


def _counts(result: OrgImportResult) -> dict[str, Any]:
    return {
        k: {n: getattr(getattr(result, k), n) for n in ("created", "updated", "unchanged")}
        for k in ("units", "people", "roles")
    }


def _organisation(
    uow: AbstractUnitOfWork, data: OrgFile, org_slug: str | None, problems: Problems
) -> tuple[Organisation | None, bool, bool]:
    """The organisation (created when new), whether it was created, whether it changed."""
    spec = data.org
    where = spec.location if spec else Location()
    slug = org_slug or (spec.slug if spec else None)
    if spec and spec.slug and org_slug and spec.slug != org_slug:
        problems.add(where, "slug", f"berkas untuk '{spec.slug}', bukan '{org_slug}' (--org)")
        return None, False, False
    if not slug:
        problems.add(where, "slug", "organisasi tidak disebut: isi slug di berkas atau pakai --org")
        return None, False, False
    values = dict(spec.values) if spec else {}
    org = uow.orgs.organisation(slug)
    if org is not None:
        return org, False, _update(org, values)
    if not values.get("name"):
        problems.add(where, "nama", f"organisasi '{slug}' belum ada; tuliskan namanya di berkas")
        return None, False, False
    org = Organisation(slug=slug, **values)
    uow.orgs.add(org)
    uow.orgs.flush()
    return org, True, True


def _units(
    uow: AbstractUnitOfWork,
    org: Organisation,
    data: OrgFile,
    problems: Problems,
    counts: Counts,
    changes: list[Change],
) -> dict[str, Unit]:
    by_code = {u.code: u for u in uow.orgs.units(org.id)}
    specs: dict[str, UnitSpec] = {}
    for spec in data.units:
        if spec.code in specs:
            problems.add(spec.location, "kode", f"kode unit '{spec.code}' sudah dipakai di atas")
        else:
            specs[spec.code] = spec
    parents = {code: (u.parent.code if u.parent else None) for code, u in by_code.items()}
    for spec in specs.values():
        if spec.parent_code and spec.parent_code not in by_code | specs:
            problems.add(spec.location, "induk", f"unit induk '{spec.parent_code}' tidak ada")
        parents[spec.code] = spec.parent_code
    for spec in specs.values():
        code: str | None = spec.code
        for _ in range(len(parents)):
            code = parents.get(code) if code else None
            if code == spec.code:
                problems.add(spec.location, "induk", "hierarki unit berputar (induk melingkar)")
                break
    if problems:
        return by_code
    new = {code for code in specs if code not in by_code}
    for code in sorted(new):
        by_code[code] = Unit(
            organisation=org, code=code, name=specs[code].name, kind=UnitKind.LAINNYA
        )
        uow.orgs.add(by_code[code])
    for spec in specs.values():
        parent = by_code[spec.parent_code] if spec.parent_code else None
        values = {"name": spec.name, "kind": UnitKind(spec.kind), "parent": parent}
        changed = _update(by_code[spec.code], values)
        status = counts.tally(spec.code in new, changed, spec.code)
        noted(changes, status, f"Unit {spec.code} {spec.name}")
    uow.orgs.flush()
    return by_code


def _people(
    uow: AbstractUnitOfWork,
    org: Organisation,
    specs: list[PersonSpec],
    problems: Problems,
    counts: Counts,
    changes: list[Change],
) -> dict[str, Person]:
    """Upsert people; returns them keyed by NIP and by lower-cased name (for role rows)."""
    found: dict[str, Person] = {}
    nips: set[str] = set()
    telegram: dict[int, Location] = {}
    for spec in specs:
        if spec.nip:
            if spec.nip in nips:
                problems.add(spec.location, "nip", f"NIP {spec.nip} sudah dipakai di atas")
                continue
            nips.add(spec.nip)
            person = uow.orgs.person_by_nip(org.id, spec.nip)
        else:
            named = list(uow.orgs.people_named(org.id, spec.name))
            if len(named) > 1:
                problems.add(
                    spec.location, "nip", f"ada {len(named)} pegawai bernama '{spec.name}'; isi NIP"
                )
                continue
            person = named[0] if named else None
        if spec.telegram_user_id is not None:
            other = uow.orgs.person_by_telegram_id(spec.telegram_user_id)
            if spec.telegram_user_id in telegram or (other is not None and other is not person):
                problems.add(
                    spec.location,
                    "telegram_id",
                    f"ID Telegram {spec.telegram_user_id} sudah dipakai pegawai lain",
                )
                continue
            telegram[spec.telegram_user_id] = spec.location
        values: dict[str, Any] = {"name": spec.name, "active": spec.active}
        if spec.nip:
            values["nip"] = spec.nip
        if spec.rank is not None:
            values["rank"] = spec.rank
        if spec.telegram_user_id is not None:
            values["telegram_user_id"] = spec.telegram_user_id
        created = person is None
        if person is None:
            person = Person(organisation=org, **values)
            uow.orgs.add(person)
        status = counts.tally(created, not created and _update(person, values), person.name)
        noted(changes, status, f"Pegawai {spec.name}" + (f" ({spec.nip})" if spec.nip else ""))
        if spec.nip:
            found[spec.nip] = person
        found.setdefault(spec.name.lower(), person)
    uow.orgs.flush()
    return found


def _person_ref(
    uow: AbstractUnitOfWork,
    org: Organisation,
    ref: str,
    known: dict[str, Person],
    location: Location,
    column: str,
    problems: Problems,
) -> Person | None:
    """A person named by NIP or by name, from the file first, then the database."""
    ref = ref.strip()
    compact = ref.replace(" ", "")
    person = known.get(compact) or known.get(ref.lower())
    if person is None and compact.isdigit():
        person = uow.orgs.person_by_nip(org.id, compact)
    if person is None:
        named = uow.orgs.people_named(org.id, ref)
        if len(named) > 1:
            problems.add(location, column, f"ada {len(named)} pegawai bernama '{ref}'; pakai NIP")
            return None
        person = named[0] if named else None
    if person is None:
        problems.add(location, column, f"pegawai '{ref}' tidak ada (sebutkan NIP atau nama)")
    return person


def _roles(
    uow: AbstractUnitOfWork,
    org: Organisation,
    specs: list[RoleSpec],
    units: dict[str, Unit],
    people: dict[str, Person],
    problems: Problems,
    counts: Counts,
    changes: list[Change],
) -> None:
    for spec in specs:
        person = _person_ref(uow, org, spec.person_ref, people, spec.location, "pegawai", problems)
        unit = units.get(spec.unit_code)
        if unit is None:
            problems.add(spec.location, "unit", f"unit '{spec.unit_code}' tidak ada")
        if person is None or unit is None or problems:
            continue
        values = {"acting": Acting(spec.acting), "valid_to": spec.valid_to, "title": spec.title}
        existing = uow.orgs.find_assignment(person.id, spec.role_key, unit.id, spec.valid_from)
        what = f"Peran {spec.role_key} {unit.code}: {person.name}"
        who = f"{spec.role_key} {unit.code} ({person.name})"
        if existing is None:
            uow.orgs.add(
                RoleAssignment(
                    person=person,
                    role_key=spec.role_key,
                    unit=unit,
                    valid_from=spec.valid_from,
                    **values,
                )
            )
            uow.orgs.flush()
            noted(changes, counts.tally(True, False, who), what)
        else:
            noted(changes, counts.tally(False, _update(existing, values), who), what)
