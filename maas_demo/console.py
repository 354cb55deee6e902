"""Terminal output of the demo: section headers, streamed thinking and answers, tool calls.

Colour (ANSI SGR codes) only when the stream is a terminal, ``--no-color`` was not given and
``NO_COLOR`` is unset (https://no-color.org). Without colour every kind of text still has a
plain-text label (``thinking:``, ``answer:``, ``->``), so the output reads the same in a log.
"""

from __future__ import annotations

import os
from typing import TextIO

__all__ = ["Console", "StreamPrinter", "usage_text", "use_color"]

_STYLES = {
    "header": "1;36",
    "thinking": "2",
    "label": "1",
    "tool": "33",
    "note": "2;3",
    "error": "1;31",
}


def use_color(stream: TextIO, *, disabled: bool = False) -> bool:
    """Whether to colour ``stream``: a tty, not ``--no-color``, no ``NO_COLOR`` variable."""
    if disabled or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Console:
    """Writes (and flushes) styled text to one stream."""

    def __init__(self, out: TextIO, *, color: bool) -> None:
        self.out = out
        self.color = color

    def style(self, text: str, kind: str) -> str:
        """``text`` wrapped in the SGR code of ``kind`` (unchanged without colour)."""
        if not self.color or not text:
            return text
        return f"\x1b[{_STYLES[kind]}m{text}\x1b[0m"

    def write(self, text: str, kind: str | None = None) -> None:
        self.out.write(self.style(text, kind) if kind else text)
        self.out.flush()

    def line(self, text: str = "", kind: str | None = None) -> None:
        self.write(text, kind)
        self.write("\n")

    def header(self, title: str) -> None:
        """A section header: a blank line, the title, and a rule under it."""
        self.line()
        self.line(title, "header")
        self.line("-" * len(title), "header")

    def field(self, name: str, value: object, width: int = 9) -> None:
        """``name  value`` on one aligned line."""
        self.line(f"  {self.style(name.ljust(width), 'label')} {value}")

    def note(self, text: str) -> None:
        self.line(f"  ({text})", "note")

    def tool_call(self, name: str, args: object) -> None:
        self.line(f"  -> tool call  {name}({_args(args)})", "tool")

    def tool_result(self, name: str, result: object) -> None:
        self.line(f"  <- {name}: {result}", "tool")

    def usage(self, line: str) -> None:
        self.line(f"  {line}", "note")

    def stream(self) -> StreamPrinter:
        return StreamPrinter(self)


def _args(args: object) -> str:
    if isinstance(args, dict):
        return ", ".join(f"{k}={v!r}" for k, v in args.items())
    return str(args)


class StreamPrinter:
    """Prints a streamed reply live: thinking (dim, labelled) apart from the answer.

    Whitespace at the start and end of a section is dropped (``<think>\\n…\\n</think>``
    leaves newlines around the reasoning); inner line breaks are indented under the label.
    """

    _INDENT = "\n" + " " * 12

    def __init__(self, console: Console) -> None:
        self._console = console
        self._section: str | None = None
        self._pending = ""  # whitespace held back until more text comes in the same section

    def reasoning(self, text: str) -> None:
        self._feed("thinking", text)

    def content(self, text: str) -> None:
        self._feed("answer", text)

    def _feed(self, section: str, text: str) -> None:
        if not text:
            return
        if self._section != section:
            if not text.strip():
                return  # nothing to show yet: no label for whitespace alone
            self._enter(section)
            text = text.lstrip()
        body = text.rstrip()
        if body:
            shown = (self._pending + body).replace("\n", self._INDENT)
            self._console.write(shown, "thinking" if section == "thinking" else None)
            self._pending = ""
        self._pending += text[len(body):]

    def _enter(self, section: str) -> None:
        self.close()
        self._section = section
        kind = "thinking" if section == "thinking" else "label"
        self._console.write(f"  {section + ':':<10}", kind)

    def close(self) -> None:
        """End the current line, if anything was printed."""
        if self._section is not None:
            self._console.write("\n")
        self._section, self._pending = None, ""


def usage_text(inputs: int | None, outputs: int | None, total: int | None,
               reasoning: int | None) -> str:
    """``tokens: in 12, out 30 (reasoning 20), total 42``; missing numbers are left out."""
    parts = [f"in {inputs}" if inputs is not None else "in ?"]
    out = f"out {outputs}" if outputs is not None else "out ?"
    if reasoning:
        out += f" (reasoning {reasoning})"
    parts += [out, f"total {total}" if total is not None else "total ?"]
    text = "tokens: " + ", ".join(parts)
    return text if reasoning else text + " (no reasoning tokens reported)"
