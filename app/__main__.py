"""``python -m app``: the same entry point as the ``cpreg-explorer`` command."""

import sys

from app.cli.dispatch import main

sys.exit(main())
