"""The MkDocs plugin ``kb``: a thin adapter between MkDocs events and the portal generator."""

from __future__ import annotations

import gc
import html
import time
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.config import RepoSource, parse_repo_sources
from generator.diagnostics import inert
from generator.errors import GeneratorError
from generator.portal import assets, live, pages
from generator.portal.buildlog import guard_build_log
from generator.portal.component import SiteModel, build_site_model
from generator.portal.dashboards import dashboards_key, svg_tasks, write_dashboards
from generator.portal.home import dashboards_html, place_home, render_home
from generator.portal.labels import type_plural
from generator.portal.manifest import CACHE_DIR_NAME, Manifest, manifest_path, sentinel_holds
from generator.portal.parallel import Task, TaskPool, default_workers, fork_safe_svg
from generator.portal.publish import Publication, publication
from generator.portal.redirects import SCRIPT_HASH
from generator.portal.render import MemoryBytecodeCache
from generator.portal.schema_pages import add_schema_files
from generator.portal.search_index import SearchIndexCache, search_page_markdown, write_search_index
from generator.portal.shell import SHELL_DEPTHS, SHELL_DIR, shell_markdown, shell_src_uri
from generator.portal.site_writer import SENTINEL, SiteOptions, SiteWriter, WriteStats, compute_rows
from generator.portal.sitefiles import SiteFolder
from generator.sitepaths import ROOT_NAMES, shown_name, top_segment

log = get_plugin_logger("kb")  # messages read "kb: …" (the plugin's name in mkdocs.yml)
HEADERS_FILE = "_headers"


def _repositories(sources: tuple[RepoSource, ...], config_file: Path,
                  options: dict[str, Any]) -> tuple[list[Path], dict[str, Any]]:  # fmt: skip
    """Folders to load and their provenance sources; synced repos come from kb.lock, offline."""
    if not any(s.is_remote for s in sources):
        local = {str((config_file.parent / s.path).resolve()): s for s in sources if s.path}
        return [Path(p) for p in local], local
    from generator.config import KbConfig
    from generator.provenance.synced import remote_source_of, resolved_repos

    try:
        resolved = resolved_repos(KbConfig(root=config_file.parent, repos=sources, options=options))
    except GeneratorError as exc:
        raise PluginError(f"kb: {inert(str(exc))}") from None
    by_path: dict[str, Any] = {}
    for repo in resolved:
        configured = next((s for s in sources if s.label == repo.name), None)
        by_path[str(repo.path)] = remote_source_of(repo, configured) or configured
    return [r.path for r in resolved], by_path


class KbPluginConfig(Config):
    """Options of the ``kb`` plugin in mkdocs.yml."""

    repos = config_options.Type(list, default=[])
    cache_dir = config_options.Type(str, default=CACHE_DIR_NAME)
    history = config_options.Type(bool, default=True)
    repo_map = config_options.Type(dict, default={})  # repo_uoa -> Git URL for repo_deps (kb sync)
    default_repo_url = config_options.Type(str, default="")  # e.g. https://github.com/ctuning/{repo_uoa}
    sync_url_schemes = config_options.Type(list, default=["https", "ssh"])  # what upstreams' repo_deps may use


class KbPlugin(BasePlugin[KbPluginConfig]):
    """Adds a page per entry, listings, API, feeds from the configured CK repositories.

    Defining ``on_startup`` keeps one plugin object across ``mkdocs serve`` rebuilds, so the
    corpus is reloaded entry by entry (``live.py``) and unchanged outputs are skipped (``manifest.py``).
    """

    def __init__(self) -> None:
        self.loaded: Corpus | None = None  # every entry read from the repositories
        self.corpus: Corpus | None = None  # the entries this build publishes (see publish.py)
        self.publication: Publication | None = None
        self.site: SiteModel | None = None
        self.repo_paths: list[Path] = []
        self.sources: dict[str, RepoSource] = {}
        self.dirty = False
        self.changed: set[str] | None = None  # paths reported by the watcher; None = unknown
        self.doc_pages: list[tuple[str, str]] = []
        self.last_stats: WriteStats | None = None
        self.digests: dict[int, Any] = {}  # entry digests reused across live rebuilds
        self.search_cache = SearchIndexCache()  # search documents and index files, across live rebuilds
        self.collector_paused = False
        self.chart_pool: TaskPool | None = None  # dashboards' static charts, drawn from on_files on
        self.boards_key = ""  # what the dashboards were last written from (dashboards.dashboards_key)
        self.bytecode = MemoryBytecodeCache()  # compiled theme templates, across live rebuilds

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Remember whether builds are dirty (serve / build --dirty); forget any earlier session."""
        guard_build_log()
        self.dirty = dirty
        self.loaded, self.corpus, self.site, self.changed, self.digests = None, None, None, None, {}
        self.search_cache, self.boards_key = SearchIndexCache(), ""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Load the repositories (only changed entries on a live rebuild); add theme and assets."""
        guard_build_log()
        self._pause_collector()
        config_file = Path(config.config_file_path or "mkdocs.yml").resolve()
        sources: tuple[RepoSource, ...] = parse_repo_sources(self.config.repos, config_file)
        self.repo_paths, self.sources = _repositories(sources, config_file, dict(self.config))
        self.loaded = self._load_corpus()
        for problem in self.loaded.problems:
            log.warning("%s: %s", shown_name(str(problem.path), 300), shown_name(problem.message, 500))
        log.info("loaded %d entries from %d repositories", len(self.loaded.entries), len(self.repo_paths))
        self._add_theme_and_assets(config)
        return config

    def _load_corpus(self) -> Corpus:
        if self.loaded is not None and self.changed is not None:
            fresh = live.reload_changed(self.loaded, sorted(self.changed))
            self.changed = set()
            if fresh is not None:
                return fresh
        try:
            profiles = {Path(p): s.profile for p, s in self.sources.items() if s is not None and s.profile}
            return Corpus.load(Workspace.open(self.repo_paths, profiles))
        except GeneratorError as exc:
            raise PluginError(f"kb: cannot load repositories: {inert(str(exc))}") from None

    def _add_theme_and_assets(self, config: MkDocsConfig) -> None:
        theme_dir = str(assets.THEME_DIR)
        if theme_dir not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, theme_dir)
        for path in assets.linked_assets(".css"):
            if path not in config.extra_css:
                config.extra_css.append(path)
        for path in assets.linked_assets(".js"):
            if path not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(path)  # type: ignore[arg-type]

    def _publish(self, files: Files) -> None:
        """Decide what this build publishes, before anything is written: entries the site cannot
        carry are left out with an error each; the hand-written pages' folders are kept from modules."""
        assert self.loaded is not None
        roots = ROOT_NAMES | {top_segment(f.url) for f in files.documentation_pages() if f.url.strip("/")}
        self.publication = publication(self.loaded, roots)
        self.corpus = self.publication.corpus
        for found in self.publication.diagnostics:
            log.warning("%s: %s", shown_name(str(found.path), 300), found.message)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        """Add the theme shells, our static assets and the generated browse page."""
        self._publish(files)
        for depth in SHELL_DEPTHS:
            files.append(File.generated(config, shell_src_uri(depth), content=shell_markdown()))
        for site_path, source in assets.asset_files():
            if files.get_file_from_path(site_path) is None:
                files.append(File.generated(config, site_path, abs_src_path=str(source)))
        if files.get_file_from_path("browse.md") is None:
            has_api_doc = files.get_file_from_path("api.md") is not None
            files.append(File.generated(config, "browse.md", content=self._browse_markdown(has_api_doc)))
        if files.get_file_from_path("search.md") is None:
            files.append(File.generated(config, "search.md", content=search_page_markdown()))
        guide = Path(config.config_file_path or "mkdocs.yml").resolve().parent / "CONTRIBUTING.md"
        if files.get_file_from_path("contributing.md") is None and guide.is_file():  # one source, no drift
            files.append(File.generated(config, "contributing.md", content=guide.read_text(encoding="utf-8")))
        add_schema_files(files, config)  # /schemas/: reference pages and raw schema files (issue 5)
        self._start_charts(Path(config.site_dir))
        self.doc_pages = []
        for file in files.documentation_pages():
            if not file.src_uri.startswith(SHELL_DIR):
                self.doc_pages.append((file.url, file.name))
                if self.dirty and file.src_uri in ("index.md", "README.md"):
                    file.is_modified = lambda: True  # type: ignore[method-assign]  # home shows live counts
        return files

    def _start_charts(self, site_dir: Path) -> None:
        """On a clean build, draw the dashboards' static charts (the slowest outputs: ~0.15 s each)
        in a worker from now on, while MkDocs renders pages on the other core."""
        self._stop_charts()
        if self.dirty or not fork_safe_svg():  # dirty: only changed charts are drawn, after the pages
            return
        assert self.corpus is not None and self.publication is not None
        tasks = svg_tasks(self.corpus, site_dir, self.publication.urls.page_of)
        if tasks:
            self.chart_pool = TaskPool(1 if default_workers() > 1 else 0, background=True)
            self.chart_pool.start(tasks)

    def _stop_charts(self) -> int:
        """Wait for the early chart worker; how many charts it drew."""
        pool, self.chart_pool = self.chart_pool, None
        if pool is None:
            return 0
        with pool:
            return sum(pool.results())

    def _browse_markdown(self, has_api_doc: bool) -> str:
        assert self.corpus is not None and self.publication is not None
        lines = ["# Browse", "", "| Type | Entries |", "| --- | ---: |"]
        for module, count in pages.module_counts(self.corpus):  # raw links: MkDocs cannot check generated pages
            url = html.escape(self.publication.urls.module_url(module), quote=True)
            lines.append(f'| <a href="../{url}">{html.escape(type_plural(module))}</a> | {count} |')
        doc = ' · <a href="../api/">API documentation</a>' if has_api_doc else ""
        lines += ["", 'Also: <a href="../tags/">all tags</a> · <a href="../repos/">repositories</a> · '
                  f'<a href="../api/catalogue.json">JSON API</a>{doc} · <a href="../schemas/">schemas of each type</a>'
                  ' · <a href="../papers/">papers</a> · <a href="../contribute/">add an entry from your browser</a>']
        return "\n".join(lines) + "\n"

    def _site_model(self, config: MkDocsConfig) -> SiteModel:
        if self.site is None or self.site.corpus is not self.corpus:
            assert self.corpus is not None and self.publication is not None
            config_dir = Path(config.config_file_path or "mkdocs.yml").resolve().parent
            self.site = build_site_model(self.corpus, repo_sources=self.sources, site_root=config_dir,
                                         site_repo_url=config.repo_url or "", history=self.config.history,
                                         urls=self.publication.urls)  # fmt: skip
        return self.site

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        """Keep the theme's compiled templates across live rebuilds (MkDocs makes a new environment each time)."""
        env.bytecode_cache = self.bytecode
        return env

    def on_nav(self, nav: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        """Keep the theme shells out of the navigation (an automatic nav would list them)."""
        nav.items = _without_shells(nav.items)
        nav.pages = [p for p in nav.pages if not p.file.src_uri.startswith(SHELL_DIR)]
        for index, page in enumerate(nav.pages):  # re-link prev/next around the removed shells
            page.previous_page = nav.pages[index - 1] if index else None
            page.next_page = nav.pages[index + 1] if index + 1 < len(nav.pages) else None
        for file in files.documentation_pages():  # a shell links no neighbour: its pages would inherit it
            if file.src_uri.startswith(SHELL_DIR) and file.page is not None:
                file.page.previous_page = file.page.next_page = None
        return nav

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Put the generated home (counts, dashboards, latest results, newest, changed) under the home page's title."""
        if not page.is_homepage:
            return html
        site = self._site_model(config)
        rows = list(compute_rows(site).values())
        root = "../" * page.url.count("/")
        return place_home(html, render_home(rows, repo_count=len(site.corpus.workspace.repos),
                                            dashboards=dashboards_html(site), root=root,
                                            module_url=site.paths.module_url))  # fmt: skip

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """Fill the page's Content Security Policy with the hashes of its inline scripts."""
        return assets.apply_csp(output)

    def on_post_template(self, output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str | None:
        """Give theme templates such as 404.html the same CSP."""
        return assets.apply_csp(output_content) if template_name.endswith(".html") else output_content

    def _pause_collector(self) -> None:
        """No cyclic garbage collection during a build: each full pass walks millions of corpus
        objects (~0.5 s at 10,000 entries, twice per live rebuild); little of a build is cyclic."""
        if gc.isenabled():
            gc.disable()
            self.collector_paused = True

    def _resume_collector(self) -> None:
        if self.collector_paused:
            self.collector_paused = False
            gc.enable()

    def on_build_error(self, *, error: Exception) -> None:
        """Stop the chart worker and collect garbage again after a failed build."""
        if self.chart_pool is not None:
            self.chart_pool.close()
            self.chart_pool = None
        self._resume_collector()

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write every generated output; on a non-clean site skip what is unchanged."""
        try:
            self._write_outputs(config)
        finally:
            self._resume_collector()

    def _write_outputs(self, config: MkDocsConfig) -> None:
        site = self._site_model(config)
        site_dir = Path(config.site_dir)
        config_dir = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        cache = config_dir / self.config.cache_dir
        path = manifest_path(cache, site_dir)
        previous = Manifest.load(path)
        if not sentinel_holds(site_dir, previous, SENTINEL):
            previous = Manifest()
            self.search_cache.forget_files()  # the site was cleaned: every index file must be written
        options = SiteOptions(site_name=config.site_name, site_url=config.site_url or "",
                              doc_pages=tuple(self.doc_pages))  # fmt: skip
        start = time.perf_counter()
        chart_tasks: list[Task] | None = [] if fork_safe_svg() else None  # else drawn here, now
        url_of = site.paths.page_of
        boards_key = dashboards_key(site.corpus, site_dir, url_of)
        if not previous.outputs or boards_key != self.boards_key:  # a kept site with the same results: skip
            early = self.chart_pool is not None  # charts already being drawn since on_files
            boards = write_dashboards(site.corpus, site_dir, svg=not early, svg_tasks=chart_tasks,
                                      url_of=url_of)  # before shells go  # fmt: skip
            log.info("%d dashboards, %d chart points, %d SVGs", boards.dashboards, boards.points, boards.svgs)
            self.boards_key = boards_key
        writer = SiteWriter(site, site_dir, options, previous, digests=self.digests)
        chart_tasks = chart_tasks or []
        with TaskPool(default_workers()) as pool:  # component pages and SVGs in workers, the rest here
            pool.start(chart_tasks + writer.entry_tasks())
            writer.write_others()
            found = write_search_index(site.corpus, site_dir, self.search_cache if self.dirty else None, url_of)
            writer.absorb(pool.results()[len(chart_tasks) :])
            drawn = self._stop_charts()
        if drawn:
            log.info("%d static charts drawn alongside the pages", drawn)
        stats = writer.finish()
        SiteFolder(site_dir).write(HEADERS_FILE, assets.headers_file([SCRIPT_HASH]))
        stats.seconds = time.perf_counter() - start
        for message in stats.notes:
            log.info("%s", shown_name(message, 300))
        for message in stats.refused:
            log.warning("output not written: %s", shown_name(message, 300))
        self.digests = writer.digests
        try:
            writer.out.current.save(path)
        except OSError as exc:
            log.warning("cannot save the build manifest %s: %s", path, exc)
        log.info("search index: %d documents, %d shards, %d bytes", found.documents, found.shards, found.total_bytes)
        self.last_stats = stats
        counts = stats.counts
        log.info("%d component pages (%d rendered), %d listings; %d files written, %d unchanged, %d removed"
                 " in %.1f s", stats.entry_pages, stats.rendered_entries, stats.listing_pages, counts.written,
                 counts.skipped, counts.deleted, stats.seconds)  # fmt: skip

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        """Rebuild when an entry changes under a configured repository; remember which paths changed."""
        self.changed = set()
        for path in self.repo_paths:
            server.watch(str(path))
            _record_changes(server, str(path), self)
        return server


def _without_shells(items: list[Any]) -> list[Any]:
    kept = []
    for item in items:
        file = getattr(item, "file", None)
        if file is not None and file.src_uri.startswith(SHELL_DIR):
            continue
        children = getattr(item, "children", None)
        if children:
            item.children = _without_shells(children)
            if not item.children:
                continue
        kept.append(item)
    return kept


def _record_changes(server: Any, path: str, plugin: KbPlugin) -> None:
    """Attach a handler to the server's watch of ``path`` that collects changed file paths."""
    from watchdog.events import FileSystemEventHandler

    class Recorder(FileSystemEventHandler):
        def on_any_event(self, event: Any) -> None:
            if plugin.changed is not None:
                for attr in ("src_path", "dest_path"):
                    value = getattr(event, attr, "")
                    if value:
                        plugin.changed.add(str(value))

    watch = getattr(server, "_watch_refs", {}).get(str(Path(path).resolve()))
    observer = getattr(server, "observer", None)
    if watch is not None and observer is not None and hasattr(observer, "add_handler_for_watch"):
        observer.add_handler_for_watch(Recorder(), watch)
    else:  # cannot see individual changes: reload everything on each rebuild
        plugin.changed = None
