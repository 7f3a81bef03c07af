"""``cpreg-explorer``: headless commands for scripts and CI, and the way into the window.

``parser`` declares every command and option; ``dispatch.main`` runs one; each command group
has its module (``inspect``: show/diff/decode, ``rules``: check/suggest/export, ``capture``,
``explore``: no command, open the window); ``output``, ``progress`` and ``state`` are shared
helpers. Keep the command names, options and JSON shapes stable: others script them.
"""

from app.cli.dispatch import main

__all__ = ["main"]
