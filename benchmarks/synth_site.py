"""The mkdocs.yml for a synthetic KB: the project's own config and docs, with the kb repos swapped."""

from __future__ import annotations

import shutil
from pathlib import Path


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def write_mkdocs_config(root: Path, repo_paths: list[Path], *, template: Path | None = None) -> Path:
    """Write ``root/mkdocs.yml``: the project's config (and docs) with the kb repos replaced.

    The portal is then built exactly as the project builds it, only over the synthetic repos.
    Falls back to a minimal Material config when the template has no kb ``repos:`` list.
    """
    root = Path(root)
    template = template or Path(__file__).resolve().parent.parent / "mkdocs.yml"
    docs_src = template.parent / "docs"
    docs = root / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    if docs_src.is_dir():
        shutil.copytree(docs_src, docs)
    else:
        docs.mkdir(parents=True)
    if not (docs / "index.md").exists():
        _write(str(docs / "index.md"), "# Synthetic Reef KB\n")
    text = template.read_text(encoding="utf-8") if template.is_file() else ""
    config = _replace_repos(text, [str(Path(p).resolve()) for p in repo_paths]) if text else None
    if config is None:
        config = _minimal_config([str(Path(p).resolve()) for p in repo_paths])
    out = root / "mkdocs.yml"
    _write(str(out), config)
    return out


def _replace_repos(text: str, repos: list[str]) -> str | None:
    """Swap the items of the first ``repos:`` list for ``repos`` (None when there is none)."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.strip() == "repos:":
            indent = len(line) - len(line.lstrip())
            end = index + 1
            while end < len(lines) and (not lines[end].strip() or
                                        len(lines[end]) - len(lines[end].lstrip()) > indent):  # fmt: skip
                end += 1
            items = [f"{' ' * (indent + 2)}- {_yaml_str(p)}" for p in repos]
            return "\n".join([*lines[: index + 1], *items, *lines[end:]]) + "\n"
    return None


def _yaml_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _minimal_config(repos: list[str]) -> str:
    items = "\n".join(f"        - {_yaml_str(p)}" for p in repos)
    return ("site_name: Synthetic Reef KB\ndocs_dir: docs\ntheme:\n  name: material\n  font: false\n"
            "nav:\n  - Home: index.md\nplugins:\n  - kb:\n      repos:\n" + items + "\n")  # fmt: skip
