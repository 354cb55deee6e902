"""Deterministic, meaningful text vectors and rerank scores for the emulated embedding models.

A vector is a signed feature hash (the "hashing trick") of a text's words, word character
trigrams and CJK characters and bigrams, L2-normalised, in the requested dimension. Texts that
share words get close vectors, so offline retrieval really retrieves the passage that talks about
the query. A rerank score mixes how many of the query's content words a document contains with
the cosine of their vectors. Nothing random, nothing downloaded.
"""

from __future__ import annotations

import math
import re
import zlib
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+|[\u3400-\u9fff]+")
_STOP = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "do", "does", "for", "from", "how", "i",
     "in", "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "what",
     "when", "where", "which", "who", "why", "with", "you", "your"]
)
_RERANK_DIM = 4096


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def content_words(text: str) -> list[str]:
    """Lower-cased, lightly stemmed words without stop words; CJK runs as single characters."""
    words: list[str] = []
    for token in _WORD.findall(text.lower()):
        if token[0] >= "\u3400":
            words.extend(token)
        elif token not in _STOP:
            words.append(_stem(token))
    return words


def _features(text: str) -> list[tuple[str, float]]:
    features: list[tuple[str, float]] = []
    for token in _WORD.findall(text.lower()):
        if token[0] >= "\u3400":  # CJK: characters and bigrams
            features.extend((ch, 1.0) for ch in token)
            features.extend((token[i : i + 2], 1.0) for i in range(len(token) - 1))
            continue
        weight = 0.15 if token in _STOP else 1.0
        word = _stem(token)
        features.append(("w:" + word, weight))
        padded = f"#{word}#"
        grams = [padded[i : i + 3] for i in range(len(padded) - 2)]
        features.extend(("g:" + g, 0.5 * weight / len(grams) ** 0.5) for g in grams)
    return features


def _vector(text: str, dim: int) -> list[float]:
    values = [0.0] * dim
    for feature, weight in _features(text):
        h = zlib.crc32(feature.encode())
        values[h % dim] += weight if h & 0x80000000 else -weight
    norm = math.sqrt(sum(v * v for v in values))
    if norm == 0.0:  # no features (empty or only spaces): a fixed unit vector
        values[0], norm = 1.0, 1.0
    return [round(v / norm, 10) for v in values]


@lru_cache(maxsize=4096)
def embed(text: str, dim: int) -> tuple[float, ...]:
    """The unit vector of ``text`` in ``dim`` dimensions."""
    return tuple(_vector(text, dim))


def relevance(query: str, document: str) -> float:
    """A score in [0, 1]: query-word coverage and vector cosine, higher is more relevant."""
    wanted = set(content_words(query))
    present = set(content_words(document))
    coverage = len(wanted & present) / len(wanted) if wanted else 0.0
    q, d = embed(query, _RERANK_DIM), embed(document, _RERANK_DIM)
    cosine = max(0.0, sum(a * b for a, b in zip(q, d, strict=True)))
    return round(0.7 * coverage + 0.3 * cosine, 6)


def count_tokens(text: str) -> int:
    """The emulator's token count: one per latin word (plus one per 8 letters), one per CJK
    character or other symbol."""
    total = 0
    for token in re.findall(r"[A-Za-z0-9]+|[^\sA-Za-z0-9]", text):
        total += 1 + len(token) // 8
    return max(total, 1)
