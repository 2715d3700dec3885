"""The conversation as data: typed positions per chat and task, and the transition table.

No Telegram, no database (an import-linter contract holds it): ``state`` says
what a position is, ``table`` what an event does to it, ``diagram`` draws the
table for ``handlers/*.mmd``.
"""
