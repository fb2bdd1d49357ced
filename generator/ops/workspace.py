"""Decide which repositories a command works on: flags, mkdocs.yml, or the current folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from generator.ck import layout
from generator.ck.resolve import Workspace
from generator.config import KbConfig, find_config, load_config
from generator.errors import GeneratorError, UsageError
from generator.ops.ck_repos import ck_repo_paths


def _enclosing_repo(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / layout.REPO_FILE).is_file():
            return folder
    return None


def resolve_repo_paths(repo_paths: Sequence[Path], config_path: Path | None, cwd: Path) -> list[Path]:
    """Repositories named by --repo, else the enclosing CK repo, else those in mkdocs.yml."""
    return [path for path, _ in _resolve(repo_paths, config_path, cwd)]


def _resolve(repo_paths: Sequence[Path], config_path: Path | None, cwd: Path) -> list[tuple[Path, str]]:
    """Each repository folder with the profile mkdocs.yml sets for it ('' = the repository's own);
    the repositories CK knows under $CK_REPOS come after those of the folder or mkdocs.yml."""
    if repo_paths:
        return [(_given_repo(p), "") for p in repo_paths]
    found = _configured(config_path, cwd)
    seen = {path for path, _ in found}
    found += [(path, "") for path in ck_repo_paths() if path not in seen]
    if not found:
        raise GeneratorError(
            "no repository given",
            hint="pass --repo PATH, run inside a CK repository, list repos in mkdocs.yml, or set CK_REPOS",
        )
    return found


def _configured(config_path: Path | None, cwd: Path) -> list[tuple[Path, str]]:
    """The enclosing CK repository, else the repositories of mkdocs.yml (none when neither)."""
    enclosing = _enclosing_repo(cwd) if config_path is None else None
    if enclosing is not None:
        return [(enclosing, "")]
    config = load_kb_config(config_path, cwd)
    if config is None or not config.repos:
        return []
    if any(source.is_remote for source in config.repos):
        from generator.provenance.synced import resolved_repos  # GitPython only when repos are synced

        resolved = [(repo.name, repo.path) for repo in resolved_repos(config)]
    else:
        resolved = [(s.label, (config.root / s.path).resolve()) for s in config.repos if s.path]
    profiles = config.profile_overrides(resolved)
    return [(path, profiles.get(path, "")) for _, path in resolved]


def _given_repo(path: Path) -> Path:
    """A folder named with -R: a usage error unless it is a CK repository."""
    if not path.is_dir():
        raise UsageError("repository folder does not exist", path=path, hint="check the -R/--repo path")
    if not (path / layout.REPO_FILE).is_file():
        raise UsageError(f"not a CK repository: {layout.REPO_FILE} is missing", path=path,
                         hint=f"create one with 'kb repo init {path}' or pass the repository's own folder")  # fmt: skip
    return path.resolve()


def load_kb_config(config_path: Path | None, cwd: Path) -> KbConfig | None:
    """The kb section of the given or nearest mkdocs.yml, if there is one."""
    if config_path is not None and not config_path.is_file():
        raise UsageError("configuration file does not exist", path=config_path, hint="check the -c/--config path")
    path = config_path or find_config(cwd)
    return load_config(path) if path is not None else None


def open_workspace(repo_paths: Sequence[Path], config_path: Path | None, cwd: Path) -> Workspace:
    """Open the repositories a command should see, with the profiles mkdocs.yml sets."""
    resolved = _resolve(repo_paths, config_path, cwd)
    return Workspace.open([p for p, _ in resolved], {p: profile for p, profile in resolved if profile})
