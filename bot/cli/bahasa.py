"""click's own texts in Bahasa Indonesia: usage, headings, "[wajib]", every error.

click marks its texts for gettext (``from gettext import gettext as _`` in each
of its modules) but looks them up in the process-wide "messages" domain, which
would need a compiled catalogue on disk and a changed locale and would touch
every other library's texts too. So the ``_``/``ngettext`` names of click's
modules are pointed at the catalogue ``bot/templates/cli/click.id.yaml``;
a text missing from it stays as click wrote it, and a test scans every help
and error for English. What click builds without gettext (the usage line's
``[OPTIONS]``, metavars from a type's English name, short help cut at a
width) is set on the command tree by :func:`localise`.
"""

from __future__ import annotations

import importlib
import inspect
from functools import cache
from pathlib import Path

import click

_CATALOGUE = Path(__file__).resolve().parent.parent / "templates" / "cli" / "click.id.yaml"
_CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)


@cache
def catalogue() -> dict[str, str | list[str]]:
    """English message id -> Indonesian text (a [singular, plural] pair for plurals)."""
    import yaml

    loaded = yaml.safe_load(_CATALOGUE.read_text(encoding="utf-8"))
    return dict(loaded)


def gettext(message: str) -> str:
    found = catalogue().get(message)
    return found if isinstance(found, str) else message


def ngettext(singular: str, plural: str, n: int) -> str:
    found = catalogue().get(singular)
    if isinstance(found, list):
        return found[0] if n == 1 else found[1]
    return singular if n == 1 else plural


def install() -> None:
    """Route click's texts through the catalogue (idempotent; before commands are built)."""
    for name in _CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


def localise(command: click.Command) -> None:
    """Indonesian usage placeholders, metavars and whole short help, down the tree."""
    command.options_metavar = gettext("[OPTIONS]")
    if isinstance(command, click.Group):
        command.subcommand_metavar = gettext("COMMAND [ARGS]...")
    if command.help and not command.short_help:
        command.short_help = first_paragraph(command.help)
    for param in command.params:
        if param.metavar is None:
            param.metavar = _metavar(param)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localise(sub)


def _metavar(param: click.Parameter) -> str | None:
    """The Indonesian metavar for a parameter click would name in English, else None."""
    if isinstance(param, click.Option):
        english = param.type.name.upper()
        return gettext(english) if not param.is_flag and english in catalogue() else None
    english = (param.name or "").upper()
    if english not in catalogue():
        return None
    metavar = gettext(english)
    if not param.required:
        metavar = f"[{metavar}]"
    return metavar + ("..." if param.nargs != 1 else "")


def first_paragraph(text: str) -> str:
    """The help's first paragraph, whole: the command list never shows half a sentence.

    click would cut the help at the first ". " within a width, and "(mis. IWK-01=...)"
    then ends the sentence at "mis.".
    """
    paragraph = inspect.cleandoc(text).split("\n\n", 1)[0]
    return " ".join(paragraph.split())
