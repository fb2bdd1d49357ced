# Shared by scripts/portal, scripts/test and scripts/bench: make .venv and install the project.
# Sourced, not run. Idempotent: re-installs only when pyproject.toml changed since the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"
EXTRAS="${1:-}"

source "$ROOT/scripts/_say.sh"

if [ ! -x "$VENV/bin/python" ]; then
  if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "Reef KB needs Python 3.10 or newer; '$PY' is missing or older." >&2
    echo "Set PYTHON=/path/to/python3.x and run the script again." >&2
    exit 2
  fi
  say "creating virtual environment in .venv ($($PY --version))"
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.reef-kb-installed${EXTRAS:+-$EXTRAS}"
superset="$VENV/.reef-kb-installed-test"  # the test extras include everything the plain install has
if [ -z "$EXTRAS" ] && [ -f "$superset" ] && [ ! "$ROOT/pyproject.toml" -nt "$superset" ]; then
  stamp="$superset"
fi
if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
  say "installing reef-kb${EXTRAS:+[$EXTRAS]} into .venv (editable)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT${EXTRAS:+[$EXTRAS]}"
  touch "$stamp"
else
  say "reef-kb${EXTRAS:+[$EXTRAS]} already installed in .venv"
fi
export PATH="$VENV/bin:$PATH"
export NO_MKDOCS_2_WARNING=1
