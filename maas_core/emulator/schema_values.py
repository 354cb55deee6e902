"""Deterministic JSON values valid for a JSON schema (tool arguments, structured output).

Rules: every property (required and optional) is filled; ``$ref`` / ``$defs`` / ``definitions``,
``allOf``, ``anyOf`` / ``oneOf`` (first non-null branch), ``enum`` (first), ``const``, ``default``
are honoured; numbers are taken in order from the user's message (so "magic_function(3)" gives 3),
else 42 / 3.5 clamped to the bounds; strings are one "topic word" of the user's message (else
``"sample"``), shaped by ``format`` and length bounds.
"""

from __future__ import annotations

import re
from typing import Any

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_WORD = re.compile(r"[^\W\d_][\w-]*")
_STOP_WORDS = (
    "the and for with what whats how who why when where which that this use tool tools please "
    "call function value give tell answer about from into you your are was is then also say"
)
_STOP = frozenset(_STOP_WORDS.split(" "))
_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "12:00:00",
    "email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
}
_MAX_DEPTH = 8


_QUOTED = re.compile(r"'([^']{2,})'|\"([^\"]{2,})\"|“([^”]{2,})”|「([^」]{2,})」")


def topic_word(text: str) -> str:
    """A quoted phrase of ``text`` if there is one ("a customer named '你好啊集团'"), else
    its last non-trivial word ("What is the weather in Paris?" -> "Paris")."""
    quoted = _QUOTED.search(text)
    if quoted:
        return next(group for group in quoted.groups() if group)
    # Identifiers such as tool names ("get_weather") are not topics.
    words = [
        w for w in _WORD.findall(text) if len(w) >= 3 and w.lower() not in _STOP and "_" not in w
    ]
    return words[-1] if words else "sample"


class ValueMaker:
    """Builds one value for a schema; numbers are consumed from the message in order."""

    def __init__(self, root: dict[str, Any], text: str = "") -> None:
        self._root = root
        self._word = topic_word(text)
        self._numbers = [float(n) for n in _NUMBER.findall(text)]

    def make(self, schema: Any = None, depth: int = 0) -> Any:
        schema = self._root if schema is None else schema
        if not isinstance(schema, dict):
            return self._word
        schema = self._resolve(schema)
        for key in ("const", "default"):
            if schema.get(key) is not None:
                return schema[key]
        if schema.get("enum"):
            return schema["enum"][0]
        branch = self._branch(schema)
        if branch is not None:
            return self.make(branch, depth + 1)
        return self._typed(schema, _type_of(schema), depth)

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while "$ref" in schema and seen < _MAX_DEPTH:
            target: Any = self._root
            for part in schema["$ref"].lstrip("#/").split("/"):
                target = target.get(part, {}) if part and isinstance(target, dict) else target
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            seen += 1
        if "allOf" in schema:
            merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
            for part in schema["allOf"]:
                part = self._resolve(part)
                merged.setdefault("properties", {}).update(part.get("properties", {}))
                merged.update({k: v for k, v in part.items() if k != "properties"})
            schema = merged
        return schema

    @staticmethod
    def _branch(schema: dict[str, Any]) -> Any:
        options = schema.get("anyOf") or schema.get("oneOf")
        if not options:
            return None
        for option in options:
            if not (isinstance(option, dict) and option.get("type") == "null"):
                return option
        return options[0]

    def _typed(self, schema: dict[str, Any], kind: str, depth: int) -> Any:
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            return self._array(schema, depth)
        if kind in ("integer", "number"):
            return self._number(schema, kind)
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return self._string(schema)

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        if depth > _MAX_DEPTH:
            return {}
        props = schema.get("properties") or {}
        return {name: self.make(sub, depth + 1) for name, sub in props.items()}

    def _array(self, schema: dict[str, Any], depth: int) -> list[Any]:
        if depth > _MAX_DEPTH:
            return []
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list):
            return [self.make(item, depth + 1) for item in prefix]
        count = max(1, int(schema.get("minItems", 1)))
        if "maxItems" in schema:
            count = min(count, int(schema["maxItems"]))
        return [self.make(schema.get("items", {}), depth + 1) for _ in range(count)]

    def _number(self, schema: dict[str, Any], kind: str) -> int | float:
        value = self._numbers.pop(0) if self._numbers else (42.0 if kind == "integer" else 3.5)
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        if isinstance(low, (int, float)) and value <= low:
            value = low + (1 if "exclusiveMinimum" in schema and "minimum" not in schema else 0)
        if isinstance(high, (int, float)) and value >= high:
            value = high - (1 if "exclusiveMaximum" in schema and "maximum" not in schema else 0)
        return int(value) if kind == "integer" else float(value)

    def _string(self, schema: dict[str, Any]) -> str:
        text = _FORMATS.get(str(schema.get("format", "")), self._word)
        min_len = int(schema.get("minLength", 0))
        if len(text) < min_len:
            text = (text * (min_len // max(len(text), 1) + 1))[:min_len]
        if "maxLength" in schema:
            text = text[: int(schema["maxLength"])]
        return text


def _type_of(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if isinstance(kind, str):
        return kind
    if "properties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return "string"


def value_for(schema: dict[str, Any], text: str = "") -> Any:
    """A value valid for ``schema``, filled from the user's ``text`` where it helps."""
    return ValueMaker(schema, text).make()
