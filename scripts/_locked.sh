# Sourced by scripts/ci-deploy-build: a fresh .venv-deploy holding exactly requirements/deploy.txt
# (pip --require-hashes: every file must match its recorded SHA-256, nothing unpinned comes in),
# then the project itself without dependencies or build isolation (its build backend is pinned too).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KB_DEPLOY_VENV:-$ROOT/.venv-deploy}"
PY="${PYTHON:-python3}"
source "$ROOT/scripts/_say.sh"
say "installing the pinned dependencies into $VENV (requirements/deploy.txt, hashes checked)"
rm -rf "$VENV"
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  --require-hashes --no-deps --only-binary=:all: -r "$ROOT/requirements/deploy.txt"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  --no-deps --no-build-isolation "$ROOT"
"$VENV/bin/python" -m pip check
export PATH="$VENV/bin:$PATH"
export NO_MKDOCS_2_WARNING=1
