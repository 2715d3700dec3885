"""Optional packages the bot's libraries would load only because they are installed.

python-telegram-bot imports ``cryptography`` at start whenever it is installed (for
Telegram Passport, ``try: import`` in ``telegram/_bot.py`` and
``telegram/_passport/credentials.py``), and httpx imports ``rich`` and ``pygments``
for its command line client (``try: from ._main import main`` in ``httpx/__init__.py``).
sopbot uses neither Passport nor httpx's command line, and production does not
install these packages; the development tools do (pdfplumber needs cryptography,
import-linter rich), and there they cost the bot about 11 MB of its memory after
imports (bench/memory.py). :class:`DeclineForLibraries` answers those two libraries'
imports as if the packages were absent, which both libraries handle; any other
importer (pdfplumber in the tests, say) still gets them.

python-telegram-bot also imports its webhook server (tornado, 2.7 MB) with
``telegram.ext`` whenever tornado is installed, which production does for
``sopbot run --webhook``; long polling never uses it. It is declined the same way and
loaded by :func:`bot.telegram.webhook_server.load_webhook_server` when a webhook is run.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec
    from types import FrameType

DECLINED: dict[str, tuple[str, ...]] = {
    "cryptography": ("telegram",),
    "rich": ("httpx",),
    "pygments": ("httpx",),
    "tornado": ("telegram",),
}
"""Top-level package -> the libraries whose imports of it are declined."""


def _importer(frame: FrameType | None) -> str:
    """The module whose ``import`` statement is running: the first frame outside the
    import machinery and this module."""
    while frame is not None:
        filename = frame.f_code.co_filename
        if not (
            filename.startswith("<frozen importlib")
            or filename == __file__
            or filename.endswith(("importlib/__init__.py", "importlib/_bootstrap.py"))
        ):
            return str(frame.f_globals.get("__name__", ""))
        frame = frame.f_back
    return ""


class DeclineForLibraries:
    """A ``sys.meta_path`` finder (``importlib.abc.MetaPathFinder``'s protocol, not its
    class: ``importlib.abc`` loads importlib.resources, tempfile and shutil): raises
    ModuleNotFoundError for a package in :data:`DECLINED` not yet loaded when one of its
    listed libraries imports it; finds nothing otherwise (the next finder looks)."""

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> ModuleSpec | None:
        top = fullname.partition(".")[0]
        libraries = DECLINED.get(top)
        if libraries is None or top in sys.modules:
            return None
        importer = _importer(sys._getframe(1))
        if importer.partition(".")[0] in libraries:
            raise ModuleNotFoundError(
                f"{fullname} is not loaded for {importer} (bot.optional_imports)", name=fullname
            )
        return None


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, DeclineForLibraries) for finder in sys.meta_path):
        sys.meta_path.insert(0, DeclineForLibraries())
