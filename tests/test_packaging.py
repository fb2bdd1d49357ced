"""The wheel carries the package, the JSON Schemas, templates and assets, and the kb entry points."""

from __future__ import annotations

import email.parser
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel once (hatchling is in the venv, so no isolated build env is needed)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "--disable-pip-version-check", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    (built,) = out.glob("reef_kb-*.whl")
    return built


def _names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _read(wheel: Path, suffix: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(suffix)]
        return archive.read(name).decode("utf-8")


def test_wheel_contains_every_schema_under_generator_schemas(wheel: Path) -> None:
    expected = {f"generator/schemas/{p.name}" for p in (ROOT / "schemas").glob("*.schema.json")}
    assert expected, "schemas/ is empty"
    assert expected <= _names(wheel)


def test_wheel_contains_package_modules_templates_and_assets(wheel: Path) -> None:
    names = _names(wheel)
    for rel in ("generator/__init__.py", "generator/cli/main.py", "generator/ck/store.py",
                "generator/portal/plugin.py"):  # fmt: skip
        assert rel in names
    for folder in ("templates", "assets"):
        local = {f"generator/portal/{folder}/{p.relative_to(ROOT / 'generator/portal' / folder).as_posix()}"
                 for p in (ROOT / "generator/portal" / folder).rglob("*") if p.is_file()}  # fmt: skip
        assert local <= names, sorted(local - names)[:5]
    assert not [n for n in names if n.startswith(("tests/", "kb/", "site/", "benchmarks/"))]


def test_wheel_declares_the_kb_console_script_and_mkdocs_plugin(wheel: Path) -> None:
    entry_points = _read(wheel, ".dist-info/entry_points.txt")
    assert "[console_scripts]\nkb = generator.cli.main:main" in entry_points
    assert "[mkdocs.plugins]\nkb = generator.portal.plugin:KbPlugin" in entry_points


def test_wheel_metadata_names_the_distribution_python_and_dependencies(wheel: Path) -> None:
    metadata = email.parser.Parser().parsestr(_read(wheel, ".dist-info/METADATA"))
    assert metadata["Name"] == "reef-kb"
    assert metadata["Requires-Python"] == ">=3.10"
    requires = " ".join(metadata.get_all("Requires-Dist") or []).lower()
    for dependency in ("mkdocs", "mkdocs-material", "gitpython", "pyyaml", "jsonschema", "whoosh", "altair"):
        assert dependency in requires, dependency
    assert "pytest" in requires and "ck==2.6.4" in requires and "extra == 'test'" in requires


def test_unpacked_wheel_finds_its_packaged_schemas_and_runs_kb(wheel: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "site-packages")
    code = ("import generator, generator.schema.loader as l; print(generator.__file__); "
            "print(l.schemas_dir()); print(len(l.load_schemas().validators))")  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site-packages")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=tmp_path).stdout.splitlines()  # fmt: skip
    assert out[0].startswith(str(tmp_path / "site-packages" / "generator"))
    assert out[1] == str(tmp_path / "site-packages" / "generator" / "schemas")
    assert int(out[2]) >= 5
    help_text = subprocess.run([sys.executable, "-m", "generator", "--help"], env=env, capture_output=True,
                               text=True, check=True, cwd=tmp_path).stdout  # fmt: skip
    assert help_text.startswith("Usage: ")
