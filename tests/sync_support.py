"""Real upstream Git repositories of CK entries, served from local bare repos (file:// URLs)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import git

from generator.ck.store import Repo


@dataclass
class Upstream:
    """A CK repository in a work clone that pushes to a bare 'upstream' reachable by file:// URL."""

    name: str
    work: git.Repo
    bare: Path

    @property
    def url(self) -> str:
        """The file:// URL kb sync clones from."""
        return self.bare.as_uri()

    @property
    def ck(self) -> Repo:
        """The CK repository inside the work clone."""
        return Repo.open(self.work.working_dir)

    def commit(self, message: str, *, push: bool = True) -> str:
        """Commit everything in the work clone (and push); returns the new commit."""
        self.work.git.add("-A")
        self.work.git.commit("-m", message, "--allow-empty")
        if push:
            self.work.git.push("origin", "HEAD:main", "--force", "--tags")
        return self.work.head.commit.hexsha


def make_upstream(root: Path, name: str, entries: list[str] = (), deps: list[str] = ()) -> Upstream:
    """A bare repo plus a work clone holding a CK repository with ``module:alias`` entries."""
    bare = root / "upstream" / f"{name}.git"
    git.Repo.init(bare, bare=True, initial_branch="main")
    work_dir = root / "work" / name
    work = git.Repo.init(work_dir, initial_branch="main")
    with work.config_writer() as cfg:
        cfg.set_value("user", "name", "Upstream Author")
        cfg.set_value("user", "email", "author@example.org")
    work.create_remote("origin", bare.as_uri())
    repo = Repo.init(work_dir, name, deps=list(deps))
    for cid in entries:
        module, alias = cid.split(":")
        repo.add(module, alias, meta={"tags": [module, alias]})
    upstream = Upstream(name, work, bare)
    upstream.commit(f"{name}: initial entries")
    return upstream


def write_config(root: Path, repos: list[dict[str, str] | str], **options: object) -> Path:
    """An mkdocs.yml whose kb plugin lists the repositories (plus extra plugin options)."""
    import yaml

    kb: dict[str, object] = {"repos": repos, **options}
    config = {"site_name": "Sync test", "theme": {"name": "material", "font": False},
              "plugins": [{"kb": kb}]}  # fmt: skip
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text("# Home\n")
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path
