"""``python -m bot.conversation [--check] [DIR]``: write (or check) the handlers' diagrams."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.conversation.diagram import stale, write

HANDLERS = Path(__file__).resolve().parents[2] / "handlers"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    rest = [a for a in argv if a != "--check"]
    directory = Path(rest[0]) if rest else HANDLERS
    if check:
        differ = stale(directory)
        for name in differ:
            print(f"{directory / name}: differs from the table; run python -m bot.conversation")
        return 1 if differ else 0
    for path in write(directory):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
