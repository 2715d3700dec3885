"""SOP definitions as files: loading YAML into checked :class:`SopDefinition` objects."""

from bot.definitions.loader import (
    Catalog,
    DefinitionNotFound,
    LoadedDefinition,
    Problem,
    load_catalog,
    load_file,
    load_text,
)

__all__ = [
    "Catalog",
    "DefinitionNotFound",
    "LoadedDefinition",
    "Problem",
    "load_catalog",
    "load_file",
    "load_text",
]
