"""Dependencies as declared are what the code imports, their lower bounds are what CI installs, and
the source distribution holds the package and its licence but not the embedded knowledge base."""

from __future__ import annotations

import ast
import logging
import subprocess
import sys
import tarfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# Declared but never imported by name, each for a reason.
NOT_IMPORTED = {"mkdocs-material": "the portal's theme: MkDocs loads it by name from mkdocs.yml"}


def _normal(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _declared() -> dict[str, Requirement]:
    return {_normal(r.name): r for r in map(Requirement, PROJECT["dependencies"])}


def _imported_top_levels() -> set[str]:
    names = set()
    for path in (ROOT / "generator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"generator", "__future__"}


def _distributions_of(modules: set[str]) -> dict[str, str]:
    owners = packages_distributions()
    return {module: _normal(owners[module][0]) if module in owners else "?" for module in modules}


def test_every_imported_package_is_a_declared_dependency() -> None:
    undeclared = {m: d for m, d in _distributions_of(_imported_top_levels()).items() if d not in _declared()}
    assert not undeclared, f"imported but not in [project] dependencies: {undeclared}"


def test_every_declared_dependency_is_imported_or_has_a_reason() -> None:
    used = set(_distributions_of(_imported_top_levels()).values())
    unused = set(_declared()) - used - set(NOT_IMPORTED)
    assert not unused, f"declared but never imported by generator/: {sorted(unused)}"


def test_constraints_min_pins_exactly_every_lower_bound() -> None:
    pins = {}
    for line in (ROOT / "constraints-min.txt").read_text().splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            req = Requirement(text)
            pins[_normal(req.name)] = (Version(next(iter(req.specifier)).version), str(req.marker or ""))
    lower = {name: (Version(next(s.version for s in r.specifier if s.operator == ">=")), str(r.marker or ""))
             for name, r in _declared().items()}  # fmt: skip
    assert pins == lower


def test_the_bound_of_vl_convert_excludes_the_versions_that_cannot_render_vega_lite_6() -> None:
    spec = _declared()["vl-convert-python"].specifier
    assert not spec.contains("1.8.0") and spec.contains("1.9.0")


def test_filelock_is_only_required_where_fcntl_is_missing() -> None:
    assert str(_declared()["filelock"].marker) == 'sys_platform == "win32"'


def test_license_file_is_the_apache_2_text_the_metadata_names() -> None:
    assert PROJECT["license"] == "Apache-2.0"
    text = (ROOT / "LICENSE").read_text()
    assert text.lstrip().startswith("Apache License\n                           Version 2.0, January 2004")
    assert "END OF TERMS AND CONDITIONS" in text


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The member names of the source distribution (built without isolation: hatchling is installed)."""
    out = tmp_path_factory.mktemp("sdist")
    code = f"from hatchling.build import build_sdist; print(build_sdist({str(out)!r}))"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, timeout=300)
    (built,) = out.glob("reef_kb-*.tar.gz")
    with tarfile.open(built) as archive:
        return [name.split("/", 1)[1] for name in archive.getnames() if "/" in name]


def test_sdist_has_the_package_schemas_and_licence_but_not_the_embedded_kb(sdist: list[str]) -> None:
    assert {"pyproject.toml", "README.md", "LICENSE", "generator/cli/main.py", "constraints-min.txt"} <= set(sdist)
    assert any(name.startswith("schemas/") and name.endswith(".schema.json") for name in sdist)
    assert not [name for name in sdist if name.startswith(("kb/", "site/", ".venv", "benchmarks/out"))]
    assert len(sdist) < 400, len(sdist)


def test_the_plugin_logs_under_the_name_kb(caplog: pytest.LogCaptureFixture) -> None:
    from generator.portal.plugin import log

    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.kb"):
        log.info("hello")
    assert [(r.name, r.getMessage()) for r in caplog.records] == [("mkdocs.plugins.kb", "kb: hello")]
