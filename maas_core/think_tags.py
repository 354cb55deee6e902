"""Streaming-safe splitter for ``<think>…</think>`` inside content.

Deployments without a reasoning parser (vLLM without ``--reasoning-parser``, PROTOCOLS.md E.1,
F5b) send the thinking inside ``content``; some drop the opening tag and only close it.
``feed`` takes content pieces as they arrive (a tag may be split across pieces) and returns
``(reasoning, content)``; ``flush`` returns what was held back at the end.

``assume_open=False`` (auto): split only when the content starts with ``<think>``.
``assume_open=True``: text before ``</think>`` is reasoning even without an opening tag.
"""

from __future__ import annotations

__all__ = ["ThinkTagSplitter", "split_think_tags"]

_OPEN = "<think>"
_CLOSE = "</think>"


class ThinkTagSplitter:
    def __init__(self, *, assume_open: bool = False) -> None:
        self._state = "think" if assume_open else "start"
        self._pending = ""  # text held back: maybe the start of a tag
        self._after_close = False  # strip the blank lines that follow </think>

    @property
    def passthrough(self) -> bool:
        """True once no more reasoning can come: callers may skip the splitter."""
        return self._state == "answer" and not self._pending and not self._after_close

    def feed(self, text: str) -> tuple[str, str]:
        if self._state == "answer" and not self._after_close:
            return "", text
        text = self._pending + text
        self._pending = ""
        if self._state == "start":
            text = self._decide_start(text)
            if self._state == "start":
                return "", ""
        if self._state == "think":
            return self._in_think(text)
        return "", self._answer(text)

    def flush(self) -> tuple[str, str]:
        """What is held back when the content ends."""
        text, self._pending = self._pending, ""
        if self._state == "think":
            return text, ""
        return "", text

    def _decide_start(self, text: str) -> str:
        stripped = text.lstrip()
        if stripped.startswith(_OPEN):
            self._state = "think"
            return stripped[len(_OPEN) :]
        if _OPEN.startswith(stripped):  # too short to tell yet ("", "  <thi")
            self._pending = text
            return ""
        self._state = "answer"
        return text

    def _in_think(self, text: str) -> tuple[str, str]:
        if text.lstrip().startswith(_OPEN):  # assume_open and the tag came after all
            text = text.lstrip()[len(_OPEN) :]
        end = text.find(_CLOSE)
        if end < 0:
            keep = _partial_suffix(text, _CLOSE)
            self._pending = text[len(text) - keep :] if keep else ""
            return text[: len(text) - keep], ""
        self._state = "answer"
        self._after_close = True
        return text[:end], self._answer(text[end + len(_CLOSE) :])

    def _answer(self, text: str) -> str:
        if self._after_close:
            text = text.lstrip("\r\n")
            if not text:
                return ""
            self._after_close = False
        return text


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest suffix of ``text`` that is a proper prefix of ``tag``."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:size]):
            return size
    return 0


def split_think_tags(text: str, *, assume_open: bool = False) -> tuple[str, str]:
    """``(reasoning, content)`` of a complete text.

    A lone ``</think>`` is honoured even without ``assume_open``: the whole text is known.
    """
    if not assume_open and _CLOSE in text and not text.lstrip().startswith(_OPEN):
        assume_open = True
    splitter = ThinkTagSplitter(assume_open=assume_open)
    reasoning, content = splitter.feed(text)
    more_reasoning, more_content = splitter.flush()
    if assume_open and _CLOSE not in text:  # never closed: it was an answer, not thinking
        return "", text
    return reasoning + more_reasoning, content + more_content
