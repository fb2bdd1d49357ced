"""The portal/CLI configuration: the ``kb`` plugin section of ``mkdocs.yml``."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.ck.profile import PROFILES
from generator.errors import GeneratorError

CONFIG_NAME = "mkdocs.yml"
LOCK_NAME = "kb.lock"


@dataclass(frozen=True)
class RepoSource:
    """One configured repository: a local folder, or a Git URL pinned to a branch, tag or commit."""

    path: str = ""
    url: str = ""
    rev: str = ""
    subdir: str = ""
    name: str = ""
    branch: str = ""
    tag: str = ""
    commit: str = ""
    web_url: str = ""  # where pages link to the source, when the Git URL is not a web host's
    profile: str = ""  # 'reef' or 'ck': overrides the kb_profile of the repository's .ckr.json

    @property
    def is_remote(self) -> bool:
        """True when the repository comes from a Git URL (synced by ``kb sync``)."""
        return bool(self.url)

    @property
    def wanted(self) -> str:
        """The requested revision: commit, tag, branch or rev, whichever is given ('' = remote HEAD)."""
        return self.commit or self.tag or self.branch or self.rev

    @property
    def label(self) -> str:
        """The repository's name in the lock and in messages (explicit name, else from the URL)."""
        if self.name:
            return self.name
        tail = self.url.rstrip("/").rsplit("/", 1)[-1] if self.url else Path(self.path).name
        return tail[: -len(".git")] if tail.endswith(".git") else tail


@dataclass(frozen=True)
class KbConfig:
    """What the CLI and the plugin share: the repositories and where the config lives."""

    root: Path
    repos: tuple[RepoSource, ...] = ()
    options: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def cache_dir(self) -> Path:
        """Where synced repos are cloned: ``$KB_CACHE_DIR/repos``, else ``<cache_dir option>/repos``."""
        env = os.environ.get("KB_CACHE_DIR")
        base = Path(env) if env else self.root / str(self.options.get("cache_dir") or ".kb-cache")
        return base.resolve() / "repos"

    @property
    def lock_path(self) -> Path:
        """The lock file that pins every synced repository (``kb.lock`` next to mkdocs.yml)."""
        return self.root / LOCK_NAME

    def profile_overrides(self, resolved: list[tuple[str, Path]]) -> dict[Path, str]:
        """Folder → profile for the sources that set one (``resolved``: each source label's folder)."""
        wanted = {s.label: s.profile for s in self.repos if s.profile}
        return {path: wanted[label] for label, path in resolved if label in wanted}

    def local_repo_paths(self) -> list[Path]:
        """Absolute folders of the configured local repositories."""
        return [(self.root / r.path).resolve() for r in self.repos if r.path and not r.url]


@functools.cache
def _lenient_loader() -> Any:
    """A safe YAML loader that tolerates mkdocs' ``!!python/name:`` and ``!ENV`` tags as plain values
    (PyYAML is imported here: commands given ``-R`` folders never read a config file)."""
    import yaml

    class LenientLoader(yaml.SafeLoader):
        """SafeLoader plus a catch-all constructor for unknown tags."""

    def unknown_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)  # type: ignore[arg-type]

    LenientLoader.add_multi_constructor("", unknown_tag)
    return LenientLoader


def parse_repo_sources(raw: Any, origin: Path) -> tuple[RepoSource, ...]:
    """Turn the plugin's ``repos`` list (strings or mappings) into RepoSource records."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise GeneratorError("'repos' of the kb plugin must be a list", path=origin)
    sources = []
    for item in raw:
        if isinstance(item, str):
            sources.append(RepoSource(path=item))
        elif isinstance(item, dict):
            known = {k: str(v) for k, v in item.items() if k in RepoSource.__dataclass_fields__}
            if known.get("profile", "") not in ("", *PROFILES):
                raise GeneratorError(f"repository entry {item!r}: profile must be one of {', '.join(PROFILES)}",
                                     path=origin, hint="'reef' checks Reef KB's schemas as errors; 'ck' "
                                                       "checks the CK format only")  # fmt: skip
            sources.append(RepoSource(**known))
        else:
            raise GeneratorError(f"repository entry {item!r} must be a path or a mapping", path=origin)
    return tuple(sources)


def find_config(start: Path) -> Path | None:
    """The nearest ``mkdocs.yml`` in start or its parents."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path) -> KbConfig:
    """Read the kb plugin section of an ``mkdocs.yml``."""
    import yaml

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_lenient_loader()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise GeneratorError(f"cannot read configuration: {exc}", path=path) from None
    options = plugin_options(data)
    return KbConfig(root=path.parent.resolve(), repos=parse_repo_sources(options.get("repos"), path),
                    options=options)  # fmt: skip


def plugin_options(data: dict[str, Any]) -> dict[str, Any]:
    """The options mapping of the ``kb`` entry in an mkdocs config's plugin list."""
    plugins = data.get("plugins") or []
    items = plugins.items() if isinstance(plugins, dict) else (
        (next(iter(p)), next(iter(p.values()))) if isinstance(p, dict) else (p, {}) for p in plugins
    )  # fmt: skip
    for name, options in items:
        if name == "kb":
            return options or {}
    return {}
