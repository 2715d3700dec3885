"""Bot API parameters, whichever way they arrived.

PTB sends form fields whose values are JSON-encoded except plain strings
(``text=123`` is the *string* "123", ``reply_markup`` is a JSON string), other
clients send a JSON body with real types, uploads come as multipart. Typed
getters hide the difference from the method implementations.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from . import errors
from .errors import bad_request


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    content: bytes
    filename: str | None
    content_type: str | None


@dataclass
class Params:
    """Parameters of one call plus any uploaded files (keyed by part name)."""

    values: dict[str, Any]
    uploads: dict[str, Upload] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def required(self, name: str) -> Any:
        if not self.has(name):
            raise bad_request(f"{name} is empty")
        return self.values[name]

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_float(self, name: str, default: float = 0.0) -> float:
        value = self.values.get(name)
        if value in (None, ""):
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def get_json(self, name: str) -> Any:
        """A structured parameter (reply_markup, entities, scope...), decoded if it was a string."""
        value = self.values.get(name)
        if isinstance(value, str):
            if not value:
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value


async def read_params(request: web.Request) -> Params:
    """Query string, then JSON, form-encoded or multipart body."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.body_exists:
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise errors.bad_request("can't parse JSON request body") from None
            if isinstance(body, dict):
                values.update(body)
        elif ctype.startswith("multipart/"):
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader) or not part.name:
                    continue
                data = bytes(await part.read())
                if part.filename is not None:
                    mime = part.headers.get("Content-Type")
                    uploads[part.name] = Upload(data, part.filename, mime)
                else:
                    values[part.name] = data.decode()
        else:
            values.update(await request.post())
    return Params(values, uploads)
