"""Test environment for every test: Qt never needs a display (see testdata.py for helpers)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
