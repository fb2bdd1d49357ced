"""The package layers of the brief hold: a module imports only from its own layer or below,
layer-2 siblings never import each other, and each heavy dependency stays behind one subpackage.
Checked on the source with ``ast``, so lazy imports inside functions count too."""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "generator"

# Unit name (a module or a subpackage of generator) -> layer. Units not listed inside generator/ck
# belong to layer 1, like the rest of the file DB.
LAYERS: dict[str, int] = {
    "__init__": 0, "__main__": 5, "errors": 0, "diagnostics": 0, "numbers": 0,
    "ck.ids": 0, "ck.model": 0, "ck.layout": 0, "ck.uid": 0, "ck.__init__": 0, "sitepaths": 0,
    "ck": 1, "config": 1, "schema": 1, "provenance": 1, "report": 1,
    "index": 2, "results": 2, "importers": 2,
    "portal": 3,
    "ops": 4,
    "cli": 5,
}  # fmt: skip

# Layer-2 packages allowed to use one another (add a pair with a reason).
SIBLING_EXCEPTIONS: set[tuple[str, str]] = {
    ("importers", "results"),  # importers title runs with the rule the portal titles them by (results.identity)
}

# Third-party packages allowed in exactly one subpackage of generator.
HEAVY = {"whoosh": "index", "git": "provenance", "altair": "results", "mkdocs": "portal",
         "jinja2": "portal", "markupsafe": "portal", "click": "cli"}  # fmt: skip

# The CLI may use these layer-1 units directly (pure types and small readers), besides ops/.
CLI_MAY_USE = {"errors", "diagnostics", "ck.ids", "ck.model", "ck.layout", "ck.__init__", "__init__",
               "ck", "config", "ck.jsonio"}  # fmt: skip


@dataclass(frozen=True)
class Import:
    """One import statement found in a module of generator/."""

    source: str  # dotted module name inside generator, e.g. "ck.store"
    target: str  # imported module, absolute and dotted, e.g. "generator.ck.model" or "whoosh.index"
    line: int


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def _resolve_relative(source: str, node: ast.ImportFrom, is_package: bool) -> str:
    parts = ["generator", *source.split(".")]
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, node.module] if node.module else base)


def _is_submodule(dotted: str) -> bool:
    if not dotted.startswith("generator."):
        return False
    rel = PACKAGE.joinpath(*dotted.split(".")[1:])
    return rel.with_suffix(".py").is_file() or (rel / "__init__.py").is_file()


def _imports_of(path: Path) -> list[Import]:
    source = _module_name(path)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [Import(source, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve_relative(source, node, path.name == "__init__.py") if node.level else node.module or ""
            found.append(Import(source, target, node.lineno))
            found += [Import(source, f"{target}.{a.name}", node.lineno) for a in node.names
                      if _is_submodule(f"{target}.{a.name}")]  # "from generator.ck import store"
    return found


ALL_IMPORTS = [imp for path in sorted(PACKAGE.rglob("*.py")) for imp in _imports_of(path)]


def unit_of(module: str) -> str:
    """The layer unit of a dotted module name relative to generator ('ck.store' -> 'ck')."""
    parts = module.split(".")
    if module == "ck":
        return "ck.__init__"
    if parts[0] == "ck" and len(parts) > 1 and f"ck.{parts[1]}" in LAYERS:
        return f"ck.{parts[1]}"
    return parts[0]


def layer_of(module: str) -> int:
    """The layer number of a module, failing clearly when nobody assigned one."""
    unit = unit_of(module)
    if unit not in LAYERS:
        pytest.fail(f"generator/{unit.replace('.', '/')} has no layer: add it to LAYERS in tests/test_layers.py")
    return LAYERS[unit]


def _internal(imp: Import) -> str | None:
    if imp.target == "generator":
        return "__init__"
    return imp.target.removeprefix("generator.") if imp.target.startswith("generator.") else None


def test_every_module_of_generator_has_a_layer() -> None:
    for path in PACKAGE.rglob("*.py"):
        layer_of(_module_name(path))


def _where(imp: Import) -> str:
    return f"generator/{imp.source.replace('.', '/')}.py:{imp.line}"


def layer_violations(imports: list[Import]) -> list[str]:
    """Imports of a higher layer (same-layer imports are fine, except between layer-2 siblings)."""
    found = []
    for imp in imports:
        target = _internal(imp)
        if target is None or unit_of(target) == unit_of(imp.source):
            continue
        if layer_of(target) > layer_of(imp.source):
            found.append(f"{_where(imp)} (layer {layer_of(imp.source)}) imports {imp.target} "
                         f"(layer {layer_of(target)})")  # fmt: skip
    return found


def sibling_violations(imports: list[Import]) -> list[str]:
    """Layer-2 packages importing one another."""
    found = []
    for imp in imports:
        target = _internal(imp)
        if target is None or layer_of(imp.source) != 2 or layer_of(target) != 2:
            continue
        pair = (unit_of(imp.source), unit_of(target))
        if pair[0] != pair[1] and pair not in SIBLING_EXCEPTIONS:
            found.append(f"{_where(imp)} imports {imp.target}")
    return found


def cli_violations(imports: list[Import]) -> list[str]:
    """CLI modules reaching past ops/ into index, results, portal or the store's internals."""
    found = []
    for imp in imports:
        target = _internal(imp)
        if target is not None and unit_of(imp.source) == "cli" and unit_of(target) not in {"cli", "ops", *CLI_MAY_USE}:
            found.append(f"{_where(imp)} imports {imp.target}")
    return found


def heavy_violations(imports: list[Import], dependency: str) -> list[str]:
    """Imports of a heavy third-party package outside its one home subpackage."""
    return [f"{_where(imp)} imports {imp.target}" for imp in imports
            if imp.target.split(".")[0] == dependency and unit_of(imp.source) != HEAVY[dependency]]  # fmt: skip


def stdlib_violations(imports: list[Import]) -> list[str]:
    """Layer-0 modules importing anything but the standard library and other layer-0 modules."""
    return [f"{_where(imp)} imports {imp.target}" for imp in imports
            if layer_of(imp.source) == 0 and _internal(imp) is None
            and imp.target.split(".")[0] not in sys.stdlib_module_names]  # fmt: skip


def test_modules_import_only_from_lower_or_equal_layers() -> None:
    violations = layer_violations(ALL_IMPORTS)
    assert not violations, "\n".join(violations)


def test_layer_two_siblings_do_not_import_each_other() -> None:
    violations = sibling_violations(ALL_IMPORTS)
    assert not violations, "\n".join(violations)


def test_the_cli_uses_ops_and_pure_types_only() -> None:
    violations = cli_violations(ALL_IMPORTS)
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("dependency", sorted(HEAVY))
def test_heavy_dependency_is_imported_only_in_its_own_subpackage(dependency: str) -> None:
    violations = heavy_violations(ALL_IMPORTS, dependency)
    assert not violations, f"{dependency} belongs in generator/{HEAVY[dependency]}/ only:\n" + "\n".join(violations)


def test_layer_zero_uses_the_standard_library_only() -> None:
    violations = stdlib_violations(ALL_IMPORTS)
    assert not violations, "\n".join(violations)


def test_the_checks_catch_planted_violations() -> None:
    planted = [Import("ck.ids", "generator.portal.render", 3), Import("index.scan", "generator.results.table", 4),
               Import("cli.repo", "generator.index.kb_index", 5), Import("ops.build", "whoosh.index", 6),
               Import("ck.model", "jsonschema", 7), Import("ck.store", "generator.ck.model", 8)]  # fmt: skip
    assert layer_violations(planted) == [
        "generator/ck/ids.py:3 (layer 0) imports generator.portal.render (layer 3)"]
    assert sibling_violations(planted) == ["generator/index/scan.py:4 imports generator.results.table"]
    assert cli_violations(planted) == ["generator/cli/repo.py:5 imports generator.index.kb_index"]
    assert heavy_violations(planted, "whoosh") == ["generator/ops/build.py:6 imports whoosh.index"]
    assert stdlib_violations(planted) == ["generator/ck/model.py:7 imports jsonschema"]


def test_relative_and_from_package_imports_are_resolved() -> None:
    found = {i.target for i in _imports_of(PACKAGE / "cli" / "app.py")}
    assert "generator.cli.context" in found and "click" in found
    assert "generator.__version__" not in found
