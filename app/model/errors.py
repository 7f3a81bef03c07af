"""The one error family every reader, parser and rule loader raises for bad input.

Each error carries the file it came from, the byte offset (or line) where reading stopped and
what was expected there, so the CLI and GUI can print one precise line instead of a traceback.
"""

from __future__ import annotations

QUOTE_LIMIT = 80  # characters of the user's input an error message repeats
MESSAGE_LIMIT = 500  # a message past this is cut: one line must stay one readable line


def quote(text: object, limit: int = QUOTE_LIMIT) -> str:
    """``text`` as an error message repeats input: escaped like repr (no raw newline or
    control character can split the line), at most ``limit`` characters of it, then "…"."""
    if not isinstance(text, str):  # numbers, lists: their repr, cut the same way
        shown = repr(text)
        return shown[:limit] + ("…" if len(shown) > limit else "")
    return repr(text[:limit]) + ("…" if len(text) > limit else "")


def one_line(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """``text`` with control characters escaped and cut to ``limit`` characters: file names
    may hold newlines, and a message must never become two lines or a megabyte."""
    if text.isprintable() and len(text) <= limit:
        return text
    safe = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:limit])
    return safe + ("…" if len(text) > limit else "")


class FormatError(Exception):
    """Input that does not have the expected format.

    ``offset`` is a byte offset for binary input; ``line`` a 1-based line number for text input.
    """

    def __init__(self, message: str, *, path: str | None = None, offset: int | None = None,
                 line: int | None = None, expected: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.offset = offset
        self.line = line
        self.expected = expected

    def with_path(self, path: str) -> FormatError:
        """Return the same error attributed to ``path`` (readers of in-memory data lack one)."""
        if self.path is None:
            self.path = path
        return self

    def details(self) -> list[str]:
        """Where reading stopped and why, one "Label: value" line each — what an error box
        lists under its headline (the path is the headline's)."""
        lines = []
        if self.offset is not None:
            lines.append(f"Offset: {self.offset} (0x{self.offset:x})")
        if self.line is not None:
            lines.append(f"Line: {self.line}")
        lines.append(f"Reason: {self.message}")
        if self.expected:
            lines.append(f"Expected: {self.expected}")
        return lines

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(one_line(str(self.path)))
        if self.offset is not None:
            where.append(f"offset {self.offset} (0x{self.offset:x})")
        if self.line is not None:
            where.append(f"line {self.line}")
        text = one_line(self.message)
        if self.expected:
            text += f" (expected {one_line(self.expected)})"
        return f"{': '.join(where)}: {text}" if where else text


class StreamError(FormatError):
    """A QEMU migration stream that cannot be read."""


class DumpError(FormatError):
    """A text/JSON register dump, list or log that cannot be read."""


class RegisterNameError(FormatError):
    """A register written by a user (name, id, encoding) that cannot be resolved."""


class RuleError(FormatError):
    """A rule or rule file that is invalid."""


class UnknownFormatError(FormatError):
    """No reader recognised the input; ``attempts`` says why each one declined."""

    def __init__(self, message: str, *, path: str | None = None,
                 attempts: tuple[tuple[str, str], ...] = ()):
        super().__init__(message, path=path, offset=0)
        self.attempts = attempts

    def __str__(self) -> str:
        base = super().__str__()
        if not self.attempts:
            return base
        tried = "; ".join(f"{name}: {why}" for name, why in self.attempts)
        return f"{base}; tried {tried}"


class Cancelled(Exception):
    """The user cancelled a long operation (raised from a progress callback's cancel check)."""
