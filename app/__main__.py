"""``python -m app``: the same entry point as the ``cpreg-explorer`` command."""

import sys

from .cli import main

sys.exit(main())
