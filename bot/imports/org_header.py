"""The organisation part of an organisation file: name, calendar, rating bands, admins.

Only the keys the file gives are returned, so a re-import that leaves one out
keeps what is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.durations import DurationError, parse_duration
from bot.domain.oversight import OversightPolicyError, load_oversight_policy
from bot.domain.rating import RatingScaleError, load_rating_scale
from bot.domain.reminders import ReminderPolicyError, load_reminder_policy
from bot.imports.cells import CellError, Record, to_date, to_number
from bot.imports.problems import Location


@dataclass(frozen=True)
class OrgSpec:
    location: Location
    slug: str | None
    values: dict[str, Any]
    """Organisation columns given in the file (absent keys keep what is stored)."""
    admins: tuple[str, ...] = ()
    sops: tuple[str, ...] | None = None
    """SOP ids whose triggers start runs for this organisation (None: leave as stored)."""


def read_org_header(r: Record) -> OrgSpec:
    """Organisation values given in ``r`` (absent keys are left out)."""
    values: dict[str, Any] = {}
    if r.has("nama"):
        values["name"] = r.text("nama")
    if r.has("zona_waktu"):
        zone = r.text("zona_waktu") or ""
        try:
            ZoneInfo(zone)
            values["timezone"] = zone
        except (ZoneInfoNotFoundError, ValueError):
            r.fail("zona_waktu", f"'{zone}' bukan zona waktu; contoh: Asia/Makassar (WITA)")
    for column, attr in (("jam_mulai", "work_start"), ("jam_selesai", "work_end")):
        if r.has(column):
            parsed = _time(r.values[column])
            if parsed is None:
                r.fail(column, f"'{r.values[column]}' bukan jam; contoh: 07:30")
            else:
                values[attr] = parsed
    if r.has("cuti_bersama"):
        values["include_cuti_bersama"] = r.boolean("cuti_bersama", default=True)
    if r.has("contoh"):
        values["is_sample"] = r.boolean("contoh", default=False)
    if r.has("hari_libur_tambahan"):
        values["extra_non_working_days"] = _holidays(r)
    if r.has("kategori_capaian"):
        values["rating_bands"] = _bands(r)
    if r.has("pengingat"):
        values["reminder_policy"] = _reminder_policy(r)
    if r.has("pengawasan"):
        values["oversight_policy"] = _oversight_policy(r)
    if r.has("durasi_bawaan"):
        text = r.text("durasi_bawaan") or ""
        try:
            parse_duration(text)
            values["default_duration"] = text
        except DurationError as exc:
            r.fail("durasi_bawaan", f"{exc} (Waktu langkah yang tidak ditulis di dokumen SOP)")
    if r.has("kop"):
        values["letterhead"] = _letterhead(r)
    admins = r.values.get("admin")
    if isinstance(admins, str | int):
        admins = [a.strip() for a in str(admins).split(",") if a.strip()]
    sops = None
    if r.has("sop"):
        sops = tuple(str(s).strip() for s in _as_list(r.values["sop"]) if str(s).strip())
    return OrgSpec(r.location, r.text("slug"), values, tuple(str(a) for a in admins or ()), sops)


def _time(value: Any) -> time | None:
    if isinstance(value, time):
        return value
    if isinstance(value, datetime):
        return value.time()
    match = re.fullmatch(r"(\d{1,2})[.:](\d{2})", str(value).strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def _holidays(r: Record) -> dict[str, str]:
    """``{"2026-05-18": "Hari Jadi"}`` or a list of dates -> ISO date -> description."""
    raw = r.values["hari_libur_tambahan"]
    items = raw.items() if isinstance(raw, dict) else [(d, "") for d in _as_list(raw)]
    result: dict[str, str] = {}
    for day, name in items:
        try:
            result[to_date(day).isoformat()] = str(name or "")
        except CellError as exc:
            r.fail("hari_libur_tambahan", str(exc))
    return result


def _bands(r: Record) -> list[dict[str, Any]]:
    """``[{lebih_dari: 90, label: Sangat Tinggi}, ..., {label: Sangat Rendah}]``.

    ``lebih_dari`` is an exclusive lower bound, ``mulai_dari`` an inclusive one.
    Stored in the form ``bot.domain.rating.load_rating_scale`` reads, after it
    has checked the scale is contiguous (one band open downwards, no overlap).
    """
    raw = r.values["kategori_capaian"]
    bands: list[dict[str, Any]] = []
    if not isinstance(raw, list):
        r.fail("kategori_capaian", "harus berupa daftar {lebih_dari, label}")
        return bands
    for item in raw:
        if not isinstance(item, dict) or not item.get("label"):
            r.fail("kategori_capaian", f"{item!r}: setiap kategori perlu 'label'")
            continue
        band: dict[str, Any] = {"label": str(item["label"])}
        try:
            for key, field in (("lebih_dari", "min_exclusive"), ("mulai_dari", "min_inclusive")):
                if item.get(key) is not None:
                    band[field] = str(to_number(item[key]))
        except CellError as exc:
            r.fail("kategori_capaian", str(exc))
            continue
        bands.append(band)
    try:
        load_rating_scale({"bands": bands})
    except RatingScaleError as exc:
        r.fail("kategori_capaian", str(exc))
    return bands


def _reminder_policy(r: Record) -> dict[str, Any]:
    """``pengingat: {escalate_after_working_days: 3, overdue_time: "08:00"}``, checked now."""
    raw = r.values["pengingat"]
    try:
        policy = load_reminder_policy(raw if raw not in ("", None) else None)
    except ReminderPolicyError as exc:
        r.fail("pengingat", str(exc))
        return {}
    return policy.model_dump(mode="json", exclude_defaults=True)


def _oversight_policy(r: Record) -> dict[str, Any]:
    """``pengawasan: {timeliness_days: 10, kendala_below_percent: 85}``, checked now."""
    raw = r.values["pengawasan"]
    try:
        policy = load_oversight_policy(raw if raw not in ("", None) else None)
    except OversightPolicyError as exc:
        r.fail("pengawasan", str(exc))
        return {}
    return policy.model_dump(mode="json", exclude_defaults=True)


LETTERHEAD_KEYS = ("pemerintah", "nama", "alamat", "telepon", "logo", "tempat")


def _letterhead(r: Record) -> dict[str, str]:
    """``kop: {pemerintah, nama, alamat, telepon, logo, tempat}``: all text, all optional
    (``logo`` is a file name here; :func:`bot.imports.org_file.attach_logo` reads it)."""
    raw = r.values["kop"]
    if not isinstance(raw, dict):
        r.fail("kop", "harus berupa mapping {pemerintah, nama, alamat, telepon, logo, tempat}")
        return {}
    unknown = sorted(str(k) for k in raw if str(k) not in LETTERHEAD_KEYS)
    if unknown:
        r.fail("kop", f"kunci tidak dikenal: {', '.join(unknown)}; " + ", ".join(LETTERHEAD_KEYS))
    return {str(k): str(v).strip() for k, v in raw.items() if str(k) in LETTERHEAD_KEYS and v}


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [v.strip() for v in str(value).replace(";", ",").split(",") if v.strip()]
