"""The MkDocs plugin ``kb``: a thin adapter between MkDocs events and the portal generator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.config import RepoSource, parse_repo_sources
from generator.errors import GeneratorError
from generator.portal import pages
from generator.portal.dashboards import write_dashboards
from generator.portal.shell import shell_markdown, shell_src_uri
from generator.portal.site_writer import write_site

log = get_plugin_logger(__name__)


class KbPluginConfig(Config):
    """Options of the ``kb`` plugin in mkdocs.yml."""

    repos = config_options.Type(list, default=[])


class KbPlugin(BasePlugin[KbPluginConfig]):
    """Adds a page per entry and a listing per module from the configured CK repositories."""

    def __init__(self) -> None:
        self.corpus: Corpus | None = None
        self.repo_paths: list[Path] = []

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Load every configured repository once per build."""
        config_file = Path(config.config_file_path or "mkdocs.yml").resolve()
        sources: tuple[RepoSource, ...] = parse_repo_sources(self.config.repos, config_file)
        self.repo_paths = [(config_file.parent / s.path).resolve() for s in sources if s.path]
        try:
            self.corpus = Corpus.load(Workspace.open(self.repo_paths))
        except GeneratorError as exc:
            raise PluginError(f"kb: cannot load repositories: {exc}") from None
        for problem in self.corpus.problems:
            log.warning("%s: %s", problem.path, problem.message)
        log.info("loaded %d entries from %d repositories", len(self.corpus.entries), len(self.repo_paths))
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        """Add the theme shells and the generated browse page."""
        for depth in (1, 2):
            files.append(File.generated(config, shell_src_uri(depth), content=shell_markdown()))
        if files.get_file_from_path("browse.md") is None:
            files.append(File.generated(config, "browse.md", content=self._browse_markdown()))
        return files

    def _browse_markdown(self) -> str:
        assert self.corpus is not None
        lines = ["# Browse", "", "| Type | Entries |", "| --- | ---: |"]
        for module, count in pages.module_counts(self.corpus):
            lines.append(f"| [{module}]({pages.module_url(module)}) | {count} |")
        return "\n".join(lines) + "\n"

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write every component and listing page into the site."""
        assert self.corpus is not None
        boards = write_dashboards(self.corpus, Path(config.site_dir))  # before write_site: it drops the shells
        log.info("%d dashboards, %d chart points, %d SVGs", boards.dashboards, boards.points, boards.svgs)
        stats = write_site(self.corpus, Path(config.site_dir))
        log.info("wrote %d component pages and %d listings", stats.entry_pages, stats.listing_pages)

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        """Rebuild when an entry changes under a configured repository."""
        for path in self.repo_paths:
            server.watch(str(path))
        return server
