"""Our HTML pages as a small element tree, for :mod:`bot.render.pdf`.

The standard library's tolerant HTML parser, reading the pages our own
templates write: void elements (``br``, ``img``, ``meta``, ``hr``) need no
closing tag, character references are decoded, and an end tag closes the
nearest open element of its name. Whitespace-only text between blocks is
dropped; text keeps its spaces for the paragraphs.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

_VOID = frozenset({"br", "img", "meta", "hr", "link", "col", "input", "wbr", "source"})
_SKIP = frozenset({"style", "script"})


class Element:
    __slots__ = ("attrs", "children", "classes", "tag")

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.classes = frozenset(attrs.get("class", "").split())
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


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.stack = [self.root]
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
            return
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            return
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        children = self.stack[-1].children
        if data.strip():
            children.append(data)
        elif children and isinstance(children[-1], Element) and children[-1].tag in _INLINE_GAP:
            children.append(" ")  # "<b>a</b> <i>b</i>": keep the space between inline elements


_INLINE_GAP = frozenset({"b", "strong", "i", "em", "u", "span", "a", "code", "small"})


def parse_html(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root
