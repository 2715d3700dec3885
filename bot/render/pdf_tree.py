"""Our HTML pages as a small element tree, for :mod:`bot.render.pdf`.

A small tokenizer reading the pages our own templates write: void
elements (``br``, ``img``, ``meta``, ``hr``) need no closing tag, character
references are decoded, and an end tag closes the
nearest open element of its name. Whitespace-only text between blocks is
dropped; text keeps its spaces for the paragraphs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

_VOID = frozenset({"br", "img", "meta", "hr", "link", "col", "input", "wbr", "source"})
_SKIP = frozenset({"style", "script"})


class Element:
    __slots__ = ("attrs", "children", "classes", "tag")

    def __init__(
        self, tag: str, attrs: dict[str, str], classes: frozenset[str] | None = None
    ) -> None:
        self.tag = tag
        self.attrs = attrs
        self.classes = frozenset(attrs.get("class", "").split()) if classes is None else classes
        self.children: list[Node] = []

    def elements(self, *tags: str) -> list[Element]:
        """The direct children that are elements with one of ``tags``."""
        return [c for c in self.children if isinstance(c, Element) and c.tag in tags]

    def iter(self, tag: str) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                if child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def find(self, tag: str) -> Element | None:
        return next(self.iter(tag), None)

    def find_id(self, ident: str) -> Element | None:
        for child in self.children:
            if isinstance(child, Element):
                if child.attrs.get("id") == ident:
                    return child
                found = child.find_id(ident)
                if found is not None:
                    return found
        return None

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<{self.tag} {self.attrs} ({len(self.children)})>"


Node = Element | str


_TOKEN = re.compile(
    r"<!--.*?-->|<!(?:[^>]*)>|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.DOTALL,
)
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


def _attrs(text: str) -> dict[str, str]:
    if not text.strip():
        return {}
    found = {}
    for m in _ATTR.finditer(text):
        value = m[2] if m[2] is not None else m[3] or m[4] or ""
        found[m[1].lower()] = html.unescape(value) if "&" in value else value
    return found


_NO_ATTRS: tuple[dict[str, str], frozenset[str]] = ({}, frozenset())


def parse_html(source: str) -> Element:
    """The tree of ``source`` (a page our templates wrote).

    A tokenizer of its own rather than :mod:`html.parser`: four times faster on
    a 2,000-row report, and our pages use only plain tags, quoted attributes
    and character references.
    """
    root = Element("#root", {})
    stack = [root]
    # the same attribute text (class="num", colspan="9") comes back thousands of times:
    # read once, shared (nothing changes an element's attributes once it is read)
    seen: dict[str, tuple[dict[str, str], frozenset[str]]] = {"": _NO_ATTRS}
    skipping = 0
    at = 0

    def text(data: str) -> None:
        if skipping or not data:
            return
        children = stack[-1].children
        if data.strip():
            children.append(html.unescape(data) if "&" in data else data)
        elif children and isinstance(children[-1], Element) and children[-1].tag in _INLINE_GAP:
            children.append(" ")  # "<b>a</b> <i>b</i>": keep the space between inline elements

    for token in _TOKEN.finditer(source):
        text(source[at : token.start()])
        at = token.end()
        closing, tag = token.group(1), token.group(2)
        if tag is None:
            continue  # a comment or the doctype
        tag = tag.lower()
        if tag in _SKIP:
            skipping = skipping - 1 if closing else skipping + 1
            skipping = max(skipping, 0)
            continue
        if closing:
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth].tag == tag:
                    del stack[depth:]
                    break
            continue
        raw = token.group(3) or ""
        known = seen.get(raw)
        if known is None:
            attrs = _attrs(raw.rstrip("/"))
            known = seen[raw] = (attrs, frozenset(attrs.get("class", "").split()))
        element = Element(tag, *known)
        stack[-1].children.append(element)
        if tag not in _VOID and not raw.endswith("/"):
            stack.append(element)
    text(source[at:])
    return root


_INLINE_GAP = frozenset({"b", "strong", "i", "em", "u", "span", "a", "code", "small"})
