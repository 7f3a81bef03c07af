#!/usr/bin/env bash
# Set up everything Cpreg Explorer needs on a fresh Debian machine, then run it.
#   bash dev.sh demo    # GUI on the bundled real QEMU 7.2 -> 11.1 streams
#   bash dev.sh test    # ruff, mypy and the whole test suite (what CI runs)
# Idempotent: reruns reuse .venv and skip packages that are already installed.
set -euo pipefail
cd "$(dirname "$0")"

VENV=${CPREG_VENV:-.venv}
APT_PACKAGES=(python3-venv xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
              libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3 qemu-system-arm
              xdotool)

log() { printf '[dev.sh] %s\n' "$*" >&2; }

system_packages() {
    local missing=()
    for p in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    log "installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

python_env() {
    local py=${PYTHON:-python3}
    if [ ! -x "$VENV/bin/python" ]; then
        log "creating $VENV"
        "$py" -m venv "$VENV"
    fi
    if ! "$VENV/bin/python" -c "import app, PySide6, pyqtgraph, construct, platformdirs, pytest, pytestqt, hypothesis, mypy, ruff" 2>/dev/null \
       || [ pyproject.toml -nt "$VENV/.installed" ] || [ setup.py -nt "$VENV/.installed" ]; then
        log "installing the project and its test extra into $VENV"
        "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
        "$VENV/bin/python" -m pip install -q -e ".[test]"
        touch "$VENV/.installed"
    fi
}

lint() {
    # Configuration in pyproject.toml; both must pass before the tests run.
    log "ruff check app"
    "$VENV/bin/ruff" check --quiet app
    log "mypy app"
    "$VENV/bin/mypy" --no-error-summary app
}

run_tests() {
    export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
    if command -v xvfb-run >/dev/null; then
        # The window test starts the real application on a virtual X screen.
        xvfb-run -a -s "-screen 0 1600x1000x24" "$VENV/bin/python" -m pytest "$@"
    else
        "$VENV/bin/python" -m pytest "$@"
    fi
}

run_demo() {
    # With a display this opens the window; without one (ssh, CI) cpreg-explorer prints the
    # same diff as text instead of failing to open a window nobody could see.
    exec "$VENV/bin/cpreg-explorer" --demo "$@"
}

cmd=${1:-}
shift || true
case "$cmd" in
    demo) system_packages; python_env; run_demo "$@" ;;
    test) system_packages; python_env; lint; run_tests "$@" ;;
    setup) system_packages; python_env ;;
    *) echo "usage: bash dev.sh demo|test|setup [args]" >&2; exit 2 ;;
esac
