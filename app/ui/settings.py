"""The one place the window keeps what it remembers between runs.

Preferences a user would carry to another machine (recent pairs, last directory) live in the
config dir; window geometry, dock layout and the autosaved session (``autosave_path``) in
the state dir (platformdirs picks both per platform). All are small JSON files written
atomically (temp file + rename), so a crash mid-write never leaves a half file. A file that
cannot be read (not JSON, nested 100,000 deep, not an object, a FIFO, huge) never stops the
start: it is renamed aside (``settings.json.unreadable``; never deleted, an older one never
replaced), the window starts with defaults and says so (``problems``, shown in the status bar,
and the log). Entries of the wrong shape are ignored one by one.
``CPREG_EXPLORER_SETTINGS_DIR`` (or the constructor's arguments) redirects both, which is how
tests keep away from the real user's files.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import tempfile
from pathlib import Path

import platformdirs

from app.model import session_file
from app.model.errors import FormatError

APP_NAME = "cpreg-explorer"
ENV_DIR = "CPREG_EXPLORER_SETTINGS_DIR"
MAX_RECENT = 10
MAX_BYTES = 4 << 20  # the files hold ten path pairs and two base64 blobs

log = logging.getLogger(__name__)


class Settings:
    def __init__(self, config_dir: str | os.PathLike | None = None,
                 state_dir: str | os.PathLike | None = None):
        override = os.environ.get(ENV_DIR)
        self.config_path = Path(config_dir or override
                                or platformdirs.user_config_dir(APP_NAME)) / "settings.json"
        self.state_path = Path(state_dir or override
                               or platformdirs.user_state_dir(APP_NAME)) / "window.json"
        self.problems: list[str] = []  # one sentence per file set aside at start
        self._config = self._read(self.config_path)
        self._state = self._read(self.state_path)

    def _read(self, path: Path) -> dict:
        problem = _read(path)
        if isinstance(problem, dict):
            return problem
        try:
            aside = session_file.set_aside(path)
        except OSError as exc:
            said = f"could not be moved aside either ({exc})"
        else:
            said = f"it was kept as {aside.name}"
        message = f"The settings file {path} could not be read ({problem}); {said}."
        log.warning("%s", message)
        self.problems.append(message)
        return {}

    # -- recent pairs and directories (config) --------------------------------------------
    def recent_pairs(self) -> list[tuple[str, str]]:
        pairs = self._config.get("recent_pairs", [])
        if not isinstance(pairs, list):
            return []
        return [(p[0], p[1]) for p in pairs if isinstance(p, list) and len(p) == 2
                and isinstance(p[0], str) and isinstance(p[1], str)]

    def add_recent_pair(self, src: str, dst: str) -> None:
        pair = (os.path.abspath(src), os.path.abspath(dst))
        pairs = [pair] + [p for p in self.recent_pairs() if p != pair]
        self._config["recent_pairs"] = [list(p) for p in pairs[:MAX_RECENT]]
        self._save_config()

    def clear_recent(self) -> None:
        self._config["recent_pairs"] = []
        self._save_config()

    def last_dir(self) -> str:
        last = self._config.get("last_dir")
        return last if isinstance(last, str) and last else str(Path.home())

    def set_last_dir(self, path: str) -> None:
        self._config["last_dir"] = os.path.dirname(os.path.abspath(path))
        self._save_config()

    def last_rules_dir(self) -> str | None:
        """The folder a rule file was last opened from, saved to or exported to."""
        last = self._config.get("last_rules_dir")
        return last if isinstance(last, str) and last else None

    def set_last_rules_dir(self, path: str) -> None:
        self._config["last_rules_dir"] = os.path.dirname(os.path.abspath(path))
        self._save_config()

    # -- window layout (state) ------------------------------------------------------------
    def window_layout(self) -> tuple[bytes | None, bytes | None]:
        """(QMainWindow.saveGeometry(), saveState()) from the last run, if any."""
        return _unb64(self._state.get("geometry")), _unb64(self._state.get("state"))

    def set_window_layout(self, geometry: bytes, state: bytes) -> None:
        self._state["geometry"] = base64.b64encode(geometry).decode("ascii")
        self._state["state"] = base64.b64encode(state).decode("ascii")
        _write(self.state_path, self._state)

    # -- autosaved session (state) ------------------------------------------------------
    def autosave_dir(self) -> Path:
        """Where sessions are autosaved (app.model.session_file names the files)."""
        return self.state_path.parent

    def autosave_path(self, pid: int | None = None) -> Path:
        """This process's autosave file (``pid`` for another process's)."""
        from app.model.session_file import autosave_name

        return self.autosave_dir() / autosave_name(os.getpid() if pid is None else pid)

    def _save_config(self) -> None:
        _write(self.config_path, self._config)


def _unb64(text) -> bytes | None:
    if not isinstance(text, str):
        return None
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        log.warning("ignoring a corrupt window layout entry in the settings")
        return None


def _read(path: Path) -> dict | str:
    """The JSON object in ``path`` ({} when there is no file), or why it cannot be read."""
    try:
        data = json.loads(session_file.read_small_file(path, MAX_BYTES).decode("utf-8"))
    except FileNotFoundError:
        return {}
    except FormatError as exc:
        return exc.message
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError included
        return str(exc)
    except RecursionError:
        return "JSON nested too deeply"
    return data if isinstance(data, dict) else f"a JSON {type(data).__name__}, not an object"


def _write(path: Path, data: dict) -> None:
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        # Losing a recent-files entry is not worth interrupting the user over.
        log.warning("cannot save settings to %s: %s", path, exc)
