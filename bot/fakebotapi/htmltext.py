"""Telegram's ``parse_mode=HTML``: plain text plus entities, or the 400 Telegram gives.

The bot renders its messages from templates; an unescaped ``<`` or an
unclosed tag passes every unit test and then fails in production with
``can't parse entities``. Parsing like Telegram does makes e2e tests catch it.
"""

from __future__ import annotations

import html
import re
from typing import Any

from .errors import ApiError, bad_request
from .shapes import utf16_len

_VALUE = r"(?:\"[^\"]*\"|'[^']*'|[^\s>]+)"
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>]+(?:\s*=\s*" + _VALUE + r")?)*)\s*>")
_ATTR = re.compile(r"([^\s=>]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?")
_CHAR_REF = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|lt|gt|amp|quot);")

_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_SUPPORTED = {*_SIMPLE, "a", "span", "blockquote", "tg-emoji"}


def _fail(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


def _attrs(raw: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for m in _ATTR.finditer(raw):
        value = next((g for g in m.groups()[1:] if g is not None), "")
        found[m.group(1).lower()] = html.unescape(value)
    return found


def _entity_for(tag: str, attrs: dict[str, str], byte_offset: int) -> dict[str, Any] | None:
    """The entity an opening tag starts (``None`` for a ``<code>`` merged into its ``<pre>``)."""
    if tag == "a":
        return {"type": "text_link", "url": attrs.get("href", "")}
    if tag == "span":
        if attrs.get("class") != "tg-spoiler":
            raise _fail(f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset}')
        return {"type": "spoiler"}
    if tag == "blockquote":
        return {"type": "expandable_blockquote" if "expandable" in attrs else "blockquote"}
    if tag == "tg-emoji":
        return {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id", "")}
    return {"type": _SIMPLE[tag]}


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Return ``(plain_text, entities)`` for an HTML-formatted message, or raise a 400."""
    out: list[str] = []
    offset = 0  # in UTF-16 code units, as Telegram counts
    stack: list[tuple[str, int, dict[str, Any] | None]] = []
    entities: list[dict[str, Any]] = []
    pos = 0
    while pos < len(source):
        lt = source.find("<", pos)
        chunk_end = len(source) if lt < 0 else lt
        if chunk_end > pos:
            text = _CHAR_REF.sub(lambda m: html.unescape(m.group(0)), source[pos:chunk_end])
            out.append(text)
            offset += utf16_len(text)
        if lt < 0:
            break
        byte_offset = len(source[:lt].encode())
        m = _TAG.match(source, lt)
        if m is None:
            if source.find(">", lt) < 0:
                raise _fail(f"Unclosed start tag at byte offset {byte_offset}")
            raise _fail(f'Unsupported start tag "" at byte offset {byte_offset}')
        closing, tag = m.group(1) == "/", m.group(2).lower()
        if tag not in _SUPPORTED:
            kind = "end" if closing else "start"
            raise _fail(f'Unsupported {kind} tag "{tag}" at byte offset {byte_offset}')
        if not closing:
            attrs = _attrs(m.group(3))
            entity = _entity_for(tag, attrs, byte_offset)
            if tag == "code" and stack and stack[-1][0] == "pre" and stack[-1][2] is not None:
                language = attrs.get("class", "").removeprefix("language-")
                if language:
                    stack[-1][2]["language"] = language
                entity = None
            stack.append((tag, offset, entity))
        else:
            if not stack:
                raise _fail(f"Unexpected end tag at byte offset {byte_offset}")
            open_tag, start, entity = stack.pop()
            if open_tag != tag:
                raise _fail(
                    f'Unmatched end tag at byte offset {byte_offset}, expected "</{open_tag}>", '
                    f'found "</{tag}>"'
                )
            if entity is not None and offset > start:
                entities.append({**entity, "offset": start, "length": offset - start})
        pos = m.end()
    if stack:
        raise _fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities
