"""``python -m bench [--quick] [--only NAME ...]``: run the benchmarks and print their figures.

The machine line first, then each benchmark's figures (each beside its target)
and its own wall time, then how many targets were met and missed. A missed
target is a finding, not a failure: the exit code is 0 unless a benchmark
crashed. Benchmark modules are imported only when their turn comes, so one
that does not exist yet is reported as not available instead of stopping the
others.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from collections.abc import Sequence

from bench.common import Figure, machine

BENCHMARKS = (
    "throughput",
    "fanout",
    "reports",
    "report_load",
    "memory",
    "bulk_input",
    "multiworker",
    "image",
)
BUDGET_SECONDS = 180.0
"""What one benchmark may take on 2 cores; a longer one is flagged in its time line."""
BUDGETS = {"throughput": 270.0}
"""Benchmarks allowed longer: throughput plays the script against seven bots (echo, anchor,
a floor bot and sopbot on each backend, and sopbot with every bidang in one organisation)."""


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Tolok ukur sopbot (benchmarks): angka, target, dan apakah target tercapai.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="ukuran kecil, hanya untuk memeriksa bahwa benchmark berjalan (small sizes)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=BENCHMARKS,
        metavar="NAME",
        help=f"hanya benchmark ini (only these): {', '.join(BENCHMARKS)}",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    chosen = [name for name in BENCHMARKS if not args.only or name in args.only]
    print(f"Mesin (machine): {machine()}", flush=True)
    if args.quick:
        print("Mode --quick: ukuran kecil, angka tidak mewakili (figures not representative)")
    figures: list[Figure] = []
    crashed: list[str] = []
    missing: list[str] = []
    for name in chosen:
        print(f"\n== {name} ==", flush=True)
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bench.{name}":
                raise
            print(f"  belum tersedia (not available): bench/{name}.py does not exist yet")
            missing.append(name)
            continue
        started = time.perf_counter()
        try:
            found = list(module.run(quick=args.quick))
        except Exception:
            traceback.print_exc()
            print(f"  GAGAL (crashed) after {time.perf_counter() - started:.1f} s", flush=True)
            crashed.append(name)
            continue
        took = time.perf_counter() - started
        for figure in found:
            print(figure.line())
        budget = BUDGETS.get(name, BUDGET_SECONDS)
        over = f"  OVER the {budget:.0f} s budget" if took > budget else ""
        print(f"  ({name}: {took:.1f} s wall time{over})", flush=True)
        figures += found
    print()
    print(summary(figures, crashed, missing))
    return 1 if crashed else 0


def summary(figures: Sequence[Figure], crashed: Sequence[str], missing: Sequence[str]) -> str:
    met = sum(1 for f in figures if f.met is True)
    missed = [f for f in figures if f.met is False]
    text = (
        f"Ringkasan (summary): {met} target tercapai (met), {len(missed)} tidak (missed), "
        f"{sum(1 for f in figures if f.met is None)} angka tanpa target (no target)"
    )
    for figure in missed:
        text += f"\n  MISSED: {figure.name}: {figure.value:,.3g} {figure.unit}"
        text += f" (target {figure.comparison} {figure.target:g} {figure.unit})"
    if missing:
        text += f"\n  belum tersedia (not available): {', '.join(missing)}"
    if crashed:
        text += f"\n  GAGAL (crashed): {', '.join(crashed)}"
    return text


if __name__ == "__main__":
    sys.exit(main())
