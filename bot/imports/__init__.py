"""Administrative imports (organisation, indicators and targets) and invites.

Every import reads the whole file first, collects every problem with its sheet,
row and column (in Bahasa Indonesia), and writes in one transaction only when
there is none: a bad file changes nothing.
"""

from bot.imports.problems import ImportFailed, Problem

__all__ = ["ImportFailed", "Problem"]
