"""The one error family every reader, parser and rule loader raises for bad input.

Each error carries the file it came from, the byte offset (or line) where reading stopped and
what was expected there, so the CLI and GUI can print one precise line instead of a traceback.
"""

from __future__ import annotations


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

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(str(self.path))
        if self.offset is not None:
            where.append(f"offset {self.offset} (0x{self.offset:x})")
        if self.line is not None:
            where.append(f"line {self.line}")
        text = self.message
        if self.expected:
            text += f" (expected {self.expected})"
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
