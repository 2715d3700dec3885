"""An organisation's oversight choices: when data counts as on time, when figures lock,
which entries look implausible, and below which capaian a kendala is required.

Pure configuration (``pengawasan:`` in the organisation file); every field has a
default, so an organisation that says nothing gets sensible behaviour.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class OversightPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    timeliness_days: Annotated[int, Field(ge=0, le=366)] = 15
    """A unit's data is on time when approved within this many days after the period ends
    (the DHIS2 "timely" rule, in calendar days)."""
    edit_window_days: Annotated[int, Field(ge=0, le=366)] | None = None
    """Entries made more than this many days after the period end are flagged as late in
    reports; ``None`` means no window."""
    jump_factor: Annotated[Decimal, Field(gt=1, le=1000, allow_inf_nan=False)] = Decimal(3)
    """A value more than this many times (or less than 1/this of) the previous quarter's
    asks the person to confirm; an indicator may set its own."""
    target_factor: Annotated[Decimal, Field(gt=1, le=100000, allow_inf_nan=False)] = Decimal(10)
    """A value more than this many times (or less than 1/this of) its target asks the person
    to confirm (issue 16); an indicator may set its own."""
    kendala_below_percent: Annotated[Decimal, Field(ge=0, le=1000, allow_inf_nan=False)] = Decimal(
        90
    )
    """Below this capaian, kendala and tindak lanjut are required before submitting."""
    plausibility_checks: bool = True
    """Ask for confirmation of implausible entries at all."""


DEFAULT_OVERSIGHT = OversightPolicy()


class OversightPolicyError(ValueError):
    """An oversight configuration that cannot be used; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            "kebijakan pengawasan tidak sah:\n" + "\n".join(f"- {p}" for p in problems)
        )


_MESSAGES = {
    "extra_forbidden": "kunci tidak dikenal (yang dikenal: {known})",
    "bool_type": "harus true atau false",
    "bool_parsing": "harus true atau false",
    "int_type": "harus bilangan bulat",
    "int_parsing": "harus bilangan bulat",
    "int_from_float": "harus bilangan bulat",
    "decimal_parsing": "harus angka",
    "decimal_type": "harus angka",
    "greater_than": "harus lebih dari {gt}",
    "greater_than_equal": "tidak boleh kurang dari {ge}",
    "less_than_equal": "tidak boleh lebih dari {le}",
}


def load_oversight_policy(data: Mapping[str, Any] | None) -> OversightPolicy:
    """The policy an organisation's config gives (empty or ``None``: the defaults)."""
    if not data:
        return DEFAULT_OVERSIGHT
    if not isinstance(data, Mapping):
        raise OversightPolicyError(["harus mapping (kunci: nilai)"])
    # Floats from YAML go through str, so 2.5 is 2.5 and not 2.4999...
    cleaned = {k: str(v) if isinstance(v, float) else v for k, v in data.items()}
    try:
        return OversightPolicy.model_validate(cleaned)
    except ValidationError as exc:
        known = ", ".join(OversightPolicy.model_fields)
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            template = _MESSAGES.get(error["type"])
            ctx = error.get("ctx", {})
            message = template.format(known=known, **ctx) if template else error["msg"]
            problems.append(f"{field}: {message}" if field else message)
        raise OversightPolicyError(problems) from exc
