"""Rating bands for a capaian ("Sangat Tinggi" ... "Sangat Rendah"), from configuration.

Each band is given by its lower bound only, inclusive (``min_inclusive``) or
exclusive (``min_exclusive``); it reaches up to the next band's lower bound.
Exactly one band has no lower bound: it starts at minus infinity. So a scale
cannot have gaps or overlaps, and every value gets exactly one label.

The common scale ">90 / 76-90 / 66-75 / 51-65 / <=50" is read literally where it
uses an inequality (">90", "<=50") and by its lower end where it gives an
integer range, which closes the gaps fractional values fall into:

    Sangat Rendah  (-inf, 50]     Sedang  [66, 76)    Sangat Tinggi  (90, inf)
    Rendah         (50, 66)       Tinggi  [76, 90]

so 50.5 is "Rendah", 65.5 "Rendah", 75.5 "Sedang", 90 "Tinggi", 90.01 "Sangat Tinggi".

In YAML, in any order::

    bands:
      - {label: Sangat Tinggi, min_exclusive: 90}
      - {label: Tinggi, min_inclusive: 76}
      - {label: Sangat Rendah}
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Bound = Annotated[Decimal, Field(allow_inf_nan=False)]


class RatingScaleError(ValueError):
    """A rating scale configuration that cannot be used; the message lists every problem."""


class RatingBand(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: Label
    min_inclusive: Bound | None = None
    min_exclusive: Bound | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> RatingBand:
        if self.min_inclusive is not None and self.min_exclusive is not None:
            raise ValueError("isi min_inclusive atau min_exclusive, jangan keduanya")
        return self

    @property
    def lower(self) -> Decimal | None:
        """The lower bound, ``None`` for minus infinity."""
        return self.min_inclusive if self.min_inclusive is not None else self.min_exclusive

    def admits(self, value: Decimal) -> bool:
        """Is ``value`` at or above this band's lower bound?"""
        if self.min_inclusive is not None:
            return value >= self.min_inclusive
        if self.min_exclusive is not None:
            return value > self.min_exclusive
        return True

    def describe_lower(self) -> str:
        if self.min_inclusive is not None:
            return f">= {self.min_inclusive}"
        if self.min_exclusive is not None:
            return f"> {self.min_exclusive}"
        return "terendah"


class RatingScale(BaseModel):
    """Bands sorted from the lowest; validated to cover every value exactly once."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bands: tuple[RatingBand, ...]

    @field_validator("bands")
    @classmethod
    def _contiguous(cls, bands: tuple[RatingBand, ...]) -> tuple[RatingBand, ...]:
        if not bands:
            raise ValueError("belum ada band")
        floors = [band for band in bands if band.lower is None]
        if len(floors) != 1:
            names = ", ".join(b.label for b in floors) or "tidak ada"
            raise ValueError(
                f"tepat satu band harus tanpa batas bawah (yang terendah); sekarang: {names}"
            )
        labels = [band.label.casefold() for band in bands]
        duplicates = sorted({b.label for b in bands if labels.count(b.label.casefold()) > 1})
        if duplicates:
            raise ValueError(f"label ganda: {', '.join(duplicates)}")
        rest = sorted((b for b in bands if b.lower is not None), key=lambda b: b.lower)
        for below, above in itertools.pairwise(rest):
            if below.lower == above.lower:
                raise ValueError(
                    f"band {below.label!r} dan {above.label!r} berbatas bawah sama ({below.lower})"
                )
        return (floors[0], *rest)

    def band_for(self, value: Decimal) -> RatingBand:
        """The highest band whose lower bound ``value`` reaches."""
        if value.is_nan():
            raise ValueError("nilai NaN tidak dapat diberi predikat")
        return next(band for band in reversed(self.bands) if band.admits(value))

    def rate(self, value: Decimal) -> str:
        return self.band_for(value).label


DEFAULT_SCALE = RatingScale(
    bands=(
        RatingBand(label="Sangat Rendah"),
        RatingBand(label="Rendah", min_exclusive=Decimal(50)),
        RatingBand(label="Sedang", min_inclusive=Decimal(66)),
        RatingBand(label="Tinggi", min_inclusive=Decimal(76)),
        RatingBand(label="Sangat Tinggi", min_exclusive=Decimal(90)),
    )
)


def load_rating_scale(data: Mapping[str, Any]) -> RatingScale:
    """Build a scale from configuration (``{"bands": [...]}``), with readable errors.

    Floats from YAML go through ``str``, so ``90.1`` is 90.1, not 90.09999...
    """
    try:
        return RatingScale.model_validate(_decimals(data))
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = _where(error["loc"], data)
            message = _MESSAGES.get(error["type"]) or str(error["msg"]).removeprefix(
                "Value error, "
            )
            problems.append(f"{where}: {message}" if where else message)
        raise RatingScaleError(
            "skala predikat tidak sah:\n" + "\n".join(f"- {p}" for p in problems)
        ) from exc


_MESSAGES = {
    "missing": "wajib diisi",
    "extra_forbidden": "kunci tidak dikenal (yang dikenal: label, min_inclusive, min_exclusive)",
    "string_too_short": "tidak boleh kosong",
    "string_too_long": "terlalu panjang",
    "finite_number": "harus angka terhingga",
    "decimal_parsing": "harus angka",
    "decimal_type": "harus angka",
}


def _decimals(data: Any) -> Any:
    if isinstance(data, Mapping):
        return {key: _decimals(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_decimals(value) for value in data]
    if isinstance(data, float):
        return str(data)
    return data


def _where(loc: tuple[int | str, ...], data: Mapping[str, Any]) -> str:
    """``("bands", 2, "label")`` -> ``band ke-3 (Rendah), label``."""
    parts: list[str] = []
    if len(loc) >= 2 and loc[0] == "bands" and isinstance(loc[1], int):
        index = loc[1]
        label = ""
        with contextlib.suppress(KeyError, IndexError, TypeError):
            name = str(data["bands"][index]["label"]).strip()
            label = f" ({name})" if name else ""
        parts.append(f"band ke-{index + 1}{label}")
        loc = loc[2:]
    parts.extend(str(part) for part in loc)
    return ", ".join(parts)
