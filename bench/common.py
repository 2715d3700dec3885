"""What every benchmark reports: a figure, its unit, its target, and whether it met it.

Benchmarks print; they never assert. A figure that misses its target is
reported as such (the README's Performance section shows the latest run).
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from typing import Literal

Comparison = Literal["<=", ">=", "=="]


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    target: float | None = None
    comparison: Comparison = "<="
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        if self.comparison == "<=":
            return self.value <= self.target
        if self.comparison == ">=":
            return self.value >= self.target
        return self.value == self.target

    def line(self) -> str:
        shown = f"{self.value:,.3g}" if abs(self.value) < 1000 else f"{self.value:,.0f}"
        text = f"{self.name:<58} {shown:>12} {self.unit:<8}"
        if self.target is not None:
            verdict = "OK" if self.met else "MISSED"
            text += f"  target {self.comparison} {self.target:g} {self.unit}  {verdict}"
        if self.note:
            text += f"  ({self.note})"
        return text


def machine() -> str:
    """One line about the machine the figures come from."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kib = int(info.readline().split()[1])
            memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} CPU ({cpu}){memory}, "
        f"Python {platform.python_version()}"
    )


def status_mb() -> dict[str, float]:
    """``VmRSS`` and ``VmHWM`` of this process, in MiB (Linux ``/proc/self/status``)."""
    found = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024
    return found
