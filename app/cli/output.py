"""Output helpers shared by the commands: JSON on stdout in the one indentation scripts see."""

from __future__ import annotations

import json
import sys
from typing import Any


def print_json(data: Any) -> None:
    # One write: json.dump with indent= writes every token separately (~15k calls for show).
    sys.stdout.write(json.dumps(data, indent=1) + "\n")
