"""How many examples a property test tries: all of them in the full suite, fewer in the
fast tier (``pytest -m "not slow"``, the developer's loop; tests/conftest.py decides)."""

from __future__ import annotations

QUICK_SHARE = 8
"""The fast tier tries one example in this many (at least ``QUICK_MIN``)."""
QUICK_MIN = 20
quick = False
"""Set by tests/conftest.py before the test modules are collected."""


def examples(full: int) -> int:
    """``full`` in the full suite (what CI runs), a share of it in the fast tier."""
    return max(full // QUICK_SHARE, QUICK_MIN) if quick else full
