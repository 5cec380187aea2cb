"""Reads Sentinel mock files: top-level `name = value` assignments whose values are
literals — strings, numbers, true/false/null, lists and maps (trailing commas allowed),
with #, // and /* */ comments. Anything else is an error with its line number."""

from __future__ import annotations

import json
import re

_TOKEN = re.compile(r"""
    (?P<space>\s+|\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[{}\[\]:,=])
""", re.VERBOSE | re.DOTALL)


class LiteralError(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, str, int]]:
    result, position, line = [], 0, 1
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            raise LiteralError(f"line {line}: unexpected {text[position:position + 20]!r}")
        kind, value = match.lastgroup, match.group()
        if kind != "space":
            result.append((kind, value, line))
        line += value.count("\n")
        position = match.end()
    result.append(("end", "", line))
    return result


class _Parser:
    def __init__(self, text: str):
        self.tokens, self.at = _tokens(text), 0

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.at]

    def take(self, value: str | None = None, kind: str | None = None) -> tuple[str, str, int]:
        token = self.tokens[self.at]
        if (value is not None and token[1] != value) or (kind is not None and token[0] != kind):
            wanted = repr(value) if value is not None else {"word": "a name"}.get(kind or "", kind)
            raise LiteralError(f"line {token[2]}: expected {wanted}, found {token[1] or 'the end'!r}")
        self.at += 1
        return token

    def value(self):
        kind, text, line = self.peek()
        if kind == "string":
            self.at += 1
            return json.loads(text)
        if kind == "number":
            self.at += 1
            return json.loads(text)
        if kind == "word" and text in ("true", "false", "null"):
            self.at += 1
            return {"true": True, "false": False, "null": None}[text]
        if text == "[":
            self.at += 1
            items = []
            while self.peek()[1] != "]":
                items.append(self.value())
                if self.peek()[1] != "]":
                    self.take(",")
            self.take("]")
            return items
        if text == "{":
            self.at += 1
            items = {}
            while self.peek()[1] != "}":
                key_line = self.peek()[2]
                key = self.value()
                if not isinstance(key, (str, int, float)):
                    raise LiteralError(f"line {key_line}: a map key must be a string or a number")
                if key in items:
                    raise LiteralError(f"line {key_line}: duplicate key {key!r}")
                self.take(":")
                items[key] = self.value()
                if self.peek()[1] != "}":
                    self.take(",")
            self.take("}")
            return items
        raise LiteralError(f"line {line}: expected a value, found {text or 'the end'!r}")

    def assignments(self) -> dict:
        result = {}
        while self.peek()[0] != "end":
            _, name, line = self.take(kind="word")
            if name in result:
                raise LiteralError(f"line {line}: {name} assigned twice")
            self.take("=")
            result[name] = self.value()
        return result


def parse(text: str) -> dict:
    return _Parser(text).assignments()
