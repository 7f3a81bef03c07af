"""Small English helpers shared by every layer that words a verdict for people."""

from __future__ import annotations


def plural(n: int, word: str) -> str:
    """``1 rule``, ``3 rules``: the count with the word, plural by a trailing "s"."""
    return f"{n} {word}{'' if n == 1 else 's'}"
