"""The one way to reach files under resources/ (shipped in the wheel as ``app.resources``).

Everything that needs the register database, an icon or the .desktop file goes through here,
so a checkout, an editable install and a wheel all resolve the same files.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable

_PACKAGE = "app.resources"


def resource(name: str) -> Traversable:
    """Return the packaged resource ``name`` (a path relative to resources/)."""
    node = resources.files(_PACKAGE)
    for part in name.split("/"):
        node = node.joinpath(part)
    if not node.is_file():
        raise FileNotFoundError(f"packaged resource {name!r} is missing from {_PACKAGE}")
    return node


def read_bytes(name: str) -> bytes:
    return resource(name).read_bytes()


def read_text(name: str) -> str:
    return resource(name).read_text(encoding="utf-8")


@lru_cache(maxsize=8)
def read_json(name: str):
    """Parse a packaged JSON resource once per process (the register database is ~1 MB)."""
    return json.loads(read_text(name))


DEMO_SOURCE = "demo/q72-cortex-a57-smp2.mig"
DEMO_DESTINATION = "demo/q11-cortex-a57-smp2-virt-7.2.mig"


def demo_paths(stack: ExitStack) -> tuple[str, str]:
    """Real files for the bundled demo pair: QEMU 7.2's stream and what QEMU 11.1 saves.

    ``stack`` keeps them alive: a zipped install extracts them to temporary files that last
    as long as the stack.
    """
    source, destination = (str(stack.enter_context(resources.as_file(resource(name))))
                           for name in (DEMO_SOURCE, DEMO_DESTINATION))
    return source, destination
