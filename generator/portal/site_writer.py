"""Write every generated output into the built site: pages, listings, redirects, API, feeds, sitemap.

Component and listing pages are filled into theme shells (see ``shell.py``). Every output goes
through an ``OutputWriter`` with a key, so a build over a site that was not cleaned re-renders
and rewrites only what an edit touched (see ``manifest.py``).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.ck.model import Entry
from generator.errors import GeneratorError
from generator.portal import api, contribute, feeds, papers, redirects, solutions
from generator.portal import listings as lst
from generator.portal.component import SiteModel, page_neighbours, render_component
from generator.portal.jsonout import dumps, script_json
from generator.portal.labels import type_name, type_plural
from generator.portal.listings import EntryRow, ListingView
from generator.portal.manifest import CODE_VERSION, Manifest, OutputWriter, WriteCounts, digest
from generator.portal.parallel import Task, TaskPool
from generator.portal.shell import SHELL_DIR, Shell, load_shell
from generator.portal.sitemap import gzipped, render_sitemap
from generator.sitepaths import feed_path, is_servable, module_api_path

SENTINEL = api.CATALOGUE_PATH
SignatureFn = Callable[[Entry], Any]
ENTRY_CHUNK = 100  # component pages per task: small enough to balance two workers


@dataclass(frozen=True)
class SiteOptions:
    """Site-wide settings the outputs need (from mkdocs.yml)."""

    site_name: str = "Reef KB"
    site_url: str = ""
    doc_pages: tuple[tuple[str, str], ...] = ()  # (url, title) of hand-written pages, for the sitemap


@dataclass
class WriteStats:
    """What a site write produced (for logs, tests and benchmarks)."""

    entry_pages: int = 0
    listing_pages: int = 0
    rendered_entries: int = 0
    counts: WriteCounts = field(default_factory=WriteCounts)
    seconds: float = 0.0
    refused: list[str] = field(default_factory=list)  # outputs the path gate or the JSON writer refused
    notes: list[str] = field(default_factory=list)  # redirects not made, repositories without a page


def entry_signature(entry: Entry) -> Any:
    """What besides meta/info/desc a page shows of an entry folder: its files (by mtime)."""
    try:
        folder = os.stat(entry.ref.path)
    except OSError:
        return None
    return folder.st_mtime_ns


def compute_rows(site: SiteModel) -> dict[int, EntryRow]:
    """The listing row of every entry by ``id(entry)``; computed once per site model (home page and writer)."""
    if site.rows is None:
        site.rows = {id(e): lst.entry_row(e, site.url_of(e), site, site.paths.api_of(e)) for e in site.corpus.entries}
    return site.rows


def _neighbours(site: SiteModel) -> dict[int, tuple[list[Entry], str]]:
    """Per entry, the entries its page may show and the counts it prints (bounded per page)."""
    return {id(e): page_neighbours(site, e) for e in site.corpus.entries}


DigestCache = dict[int, tuple[Entry, str]]


def _own_digests(entries: list[Entry], signature: SignatureFn, cache: DigestCache) -> DigestCache:
    """Digest of each entry's own content; entry objects kept across live rebuilds reuse theirs."""
    fresh: DigestCache = {}
    for e in entries:
        known = cache.get(id(e))
        if known is not None and known[0] is e:
            fresh[id(e)] = known
            continue
        data = e.to_dict()
        data.pop("path", None)
        fresh[id(e)] = (e, digest(data, signature(e)))
    return fresh


def _key(parts: Iterable[str]) -> str:
    """A short hash of strings (keys of 10,000 pages: JSON-encoding their inputs cost seconds)."""
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=12).hexdigest()


def _entry_keys(site: SiteModel, rows: dict[int, EntryRow], shell: Shell, own: DigestCache) -> dict[int, str]:
    """Per entry, a key over everything its page shows: itself, 1- and 2-hop labels, tag peers."""
    near = _neighbours(site)
    label = {k: "\x1e".join(r.label_key) for k, r in rows.items()}
    hop1 = {id(e): _key([label[id(e)], near[id(e)][1], *sorted(label[id(n)] for n in near[id(e)][0])])
            for e in site.corpus.entries}  # fmt: skip
    tag_keys = {t: _key(sorted("\x1e".join((e.ref.uid, label[id(e)], *e.tags)) for e in members))
                for t, members in site.by_tag.items()}  # fmt: skip
    shell_key = digest(shell.head, shell.tail)
    keys = {}
    for e in site.corpus.entries:
        keys[id(e)] = _key([CODE_VERSION, shell_key, own[id(e)][1], repr(rows[id(e)]), near[id(e)][1],
                            *sorted(hop1[id(n)] for n in near[id(e)][0]), "\x1d",
                            *sorted(tag_keys.get(t, "") + site.tag_page(t) for t in set(e.tags))])  # fmt: skip
    return keys


def json_ld(entry: Entry, row: EntryRow, site_url: str) -> str:
    """A schema.org description of an entry as a JSON-LD script (``<`` escaped, so no ``</script>``)."""
    kinds = {"dataset": "Dataset", "paper": "ScholarlyArticle", "program": "SoftwareSourceCode",
             "script": "SoftwareSourceCode", "soft": "SoftwareApplication", "package": "SoftwareApplication",
             "model": "CreativeWork", "result": "Observation"}  # fmt: skip
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": kinds.get(row.module, "CreativeWork"),
                            "name": row.name, "identifier": row.uid or row.alias,
                            "keywords": list(row.tags)}  # fmt: skip
    if site_url:
        data["url"] = site_url.rstrip("/") + "/" + row.url
    if row.added:
        data["dateCreated"] = row.added
    if row.changed:
        data["dateModified"] = row.changed
    return f'<script type="application/ld+json">{script_json(data)}</script>\n'


class SiteWriter:
    """One build's output pass over a site folder."""

    def __init__(self, site: SiteModel, site_dir: Path, options: SiteOptions, previous: Manifest | None,
                 signature: SignatureFn = entry_signature, digests: DigestCache | None = None) -> None:  # fmt: skip
        self.site = site
        self.site_dir = site_dir
        self.options = options
        self.out = OutputWriter(site_dir, previous)
        self.signature = signature
        self.digests: DigestCache = digests or {}
        self.stats = WriteStats()
        self.rows = compute_rows(site)
        self.shells: dict[int, Shell] = {}
        self.keys: dict[int, str] = {}  # page key by id(entry): what its page shows (see _entry_keys)
        modules = {m: site.paths.module_url(m) for m in {e.ref.module for e in site.corpus.entries}}
        self.redirects = redirects.plan_redirects(site.corpus.entries, site.paths.pages, modules)
        self.stats.notes += self.redirects.warnings
        self.sorted_rows = lst.sort_rows(self.rows.values())

    def write_all(self, workers: int = 1) -> WriteStats:
        """Write every output, remove stale ones, drop the shells (component pages on ``workers`` processes)."""
        with TaskPool(workers) as pool:
            pool.start(self.entry_tasks())
            self.write_others()
            self.absorb(pool.results())
        return self.finish()

    def _shell(self, depth: int) -> Shell:
        if depth not in self.shells:
            self.shells[depth] = load_shell(self.site_dir, depth)
        return self.shells[depth]

    def _shell_of(self, url: str) -> Shell:
        """The theme shell for a page folder (as deep as the folder)."""
        return self._shell(url.count("/"))

    def entry_tasks(self, chunk: int | None = None) -> list[Task]:
        """Tasks rendering the component pages whose inputs changed (unchanged groups are kept).

        Each task writes a chunk of pages with their JSON, API files and redirects; ``absorb``
        records what they wrote. Call before forking: the tasks find this writer in ``_ACTIVE``.
        On a clean site every page is written, so the page keys (only the manifest needs them)
        are computed later, by ``write_others``, while the workers render.
        """
        global _ACTIVE
        clean = not self.out.previous.groups
        if not clean:
            self._compute_keys()
        todo: list[int] = []
        for index, entry in enumerate(self.site.corpus.entries):
            row = self.rows[id(entry)]
            if not clean and self.out.keep_group(row.url, self.keys[id(entry)]):
                continue
            todo.append(index)
        self.stats.entry_pages = len(self.site.corpus.entries)
        self.stats.rendered_entries = len(todo)
        _ACTIVE = self
        size = chunk or ENTRY_CHUNK
        return [(_write_entry_chunk, (todo[i : i + size],)) for i in range(0, len(todo), size)]

    def _compute_keys(self) -> None:
        if not self.keys:
            self.digests = _own_digests(self.site.corpus.entries, self.signature, self.digests)
            self.keys = _entry_keys(self.site, self.rows, self._shell(2), self.digests)

    def write_chunk(self, todo: list[int]) -> list[tuple[int, list[str], list[str]]]:
        """Render and write some component pages; (entry index, paths written, refusals) of each."""
        done = []
        for index in todo:
            entry = self.site.corpus.entries[index]
            before = len(self.out.refused)
            try:
                files = self._entry_files(entry, self.rows[id(entry)])
            except GeneratorError as exc:  # e.g. a number strict JSON cannot hold: no page, a diagnostic
                done.append((index, [], [f"{entry.ref.cid}: {exc.message}"]))
                continue
            written = [relpath for relpath, content in files.items() if self.out.write(relpath, content)]
            done.append((index, written, self.out.refused[before:]))
        return done

    def absorb(self, results: Iterable[list[tuple[int, list[str], list[str]]]]) -> None:
        """Record in the manifest what the entry tasks wrote, under each page's key."""
        self._compute_keys()
        entries = self.site.corpus.entries
        for done in results:
            for index, paths, refused in done:
                entry = entries[index]
                self.out.record_group(self.rows[id(entry)].url, self.keys[id(entry)], paths)
                self.stats.refused += refused

    def write_others(self) -> None:
        """Every output besides component pages: listings, tag and repository pages, API, feeds, sitemap."""
        self._compute_keys()  # on a clean site, while the workers render
        self.write_listings()
        self.write_contribute()
        self.write_papers()
        self.write_solution_dashboards()
        self.write_api()
        self.write_feeds_and_sitemap()

    def finish(self) -> WriteStats:
        """Remove stale outputs and the shells; the stats of the pass."""
        self.out.remove_stale()
        self.out.folder.remove_tree(SHELL_DIR)
        self.stats.counts = self.out.counts
        self.stats.refused += self.out.refused
        return self.stats

    def _entry_files(self, entry: Entry, row: EntryRow) -> dict[str, str | bytes]:
        page = render_component(entry, self.site)
        body = page.body_html + json_ld(entry, row, self.options.site_url)
        shell = self._shell_of(row.url)
        files: dict[str, str | bytes] = {row.url + "index.html": shell.fill(page.title, body, row.url),
                                         row.url + "entry.json": page.json_text}  # fmt: skip
        for name, data in page.extra_files.items():
            files[row.url + name] = data
        graph = self.site.graph
        files[row.api] = api.entry_document(entry, row, graph.outgoing(entry), graph.referrers(entry), self.rows)
        for redirect in self.redirects.by_entry.get(id(entry), ()):
            files[redirect.source + "index.html"] = redirects.redirect_html(redirect)
        return files

    def _listing(self, view: ListingView, *, feed_url: str = "", api_url: str = "") -> None:
        shell = self._shell_of(view.url)
        tag_page = self.site.tag_page
        # tags whose page folder is not the tag itself ('' for a tag without a page)
        slugs = {t: tag_page(t)[len("tags/") : -1] for r in view.rows for t in r.tags}
        slugs = {t: slug for t, slug in slugs.items() if slug != t}
        key = digest(CODE_VERSION, shell.head, shell.tail, view.url, view.title, view.kind, view.intro, feed_url,
                     api_url, [r.cells() for r in view.rows], sorted(slugs.items()))  # fmt: skip
        self.stats.listing_pages += 1
        names = [view.url + n for n in ("rows.json", "rows.js", "index.html")]
        if all(self.out.is_current(n, key) for n in names):
            for name in names:
                self.out.emit(name, key, lambda: "")
            return
        try:
            text = lst.rows_json(view.rows, title=view.title)
        except GeneratorError as exc:
            self.stats.refused.append(f"{view.url}: {exc}")
            return
        if slugs:
            text = text[:-1] + ',"tag_slugs":' + dumps(slugs) + "}"
        if view.kind != "module":  # the Type column shows what entries are called, not module names
            types = {m: type_name(m) for m in sorted({r.module for r in view.rows})}
            text = text[:-1] + ',"type_names":' + dumps(types) + "}"
        self.out.emit(names[0], key, lambda: text)
        self.out.emit(names[1], key, lambda: lst.rows_script(text, view.url))
        body = lst.render_listing(view, feed_url=feed_url, api_url=api_url, module_url=self.site.paths.module_url,
                                  page_of_tag=tag_page)  # fmt: skip
        self.out.emit(names[2], key, lambda: shell.fill(view.title, body, view.url))

    def write_listings(self) -> None:
        """Module listings, tag pages and index, repository pages and index."""
        shell1 = self._shell(1)
        by_module: dict[str, list[EntryRow]] = defaultdict(list)
        for row in self.sorted_rows:
            by_module[row.module].append(row)
        for module, rows in by_module.items():
            self._listing(ListingView(self.site.paths.module_url(module), type_plural(module), "module", rows),
                          feed_url=feed_path("changed", module), api_url=module_api_path(module))  # fmt: skip
        for url, (names, rows) in lst.rows_by_tag_page(self.sorted_rows).items():
            rows = lst.sort_rows(rows) if len(names) > 1 else rows
            self._listing(ListingView(url, "Tag: " + " / ".join(sorted(names)), "tag", rows))
        counts = sorted(((t, len(r)) for t, r in lst.rows_by_tag(self.sorted_rows).items()),
                        key=lambda kv: (-kv[1], kv[0]))  # fmt: skip
        body = lst.render_tag_index(counts, self.site.tag_page)
        self.out.emit("tags/index.html", None, lambda: shell1.fill("Tags", body, "tags/"))
        repos = self.repo_summaries()
        by_repo: dict[str, list[EntryRow]] = defaultdict(list)
        for row in self.sorted_rows:
            by_repo[row.repo].append(row)
        for repo in repos:
            intro = {"description": repo["description"], "web_url": repo["web_url"],
                     "counts": sorted(Counter(r.module for r in by_repo[repo["name"]]).items())}  # fmt: skip
            view = ListingView(lst.repo_url(repo["name"]), f"Repository: {repo['name']}", "repo",
                               by_repo[repo["name"]], intro)  # fmt: skip
            self._listing(view)
        body = lst.render_repo_index(repos)
        self.out.emit("repos/index.html", None, lambda: shell1.fill("Repositories", body, "repos/"))

    def write_contribute(self) -> None:
        """The contribute index and one form per type (contribute.py)."""
        for url, title, body in contribute.pages(self.site.corpus.workspace, self.site.histories):
            shell = self._shell_of(url)
            key = digest(CODE_VERSION, shell.head, shell.tail, title, body)
            self.out.emit(url + "index.html", key, lambda s=shell, t=title, b=body, u=url: s.fill(t, b, u))

    def write_papers(self) -> None:
        """The papers listing (papers.py), filterable by venue, year and ACM badge."""
        url = papers.FOLDER + "/"
        shell = self._shell_of(url)
        body = papers.render_listing(self.site, root="../")
        key = digest(CODE_VERSION, shell.head, shell.tail, body)
        self.out.emit(url + "index.html", key, lambda: shell.fill("Papers", body, url))

    def write_solution_dashboards(self) -> None:
        """Each solution's own dashboards: its results alone (solutions.py), under dashboards/."""
        for url, title, files in solutions.dashboard_pages(self.site):
            shell = self._shell_of(url)
            body = files.pop("")
            texts = {name: text for name, text in files.items() if isinstance(text, str)}
            key = digest(CODE_VERSION, shell.head, shell.tail, body, texts)
            for name, text in files.items():
                self.out.emit(url + name, key, text if callable(text) else lambda text=text: text)
            self.out.emit(url + "index.html", key, lambda s=shell, t=title, b=body, u=url: s.fill(t, b, u))

    def repo_summaries(self) -> list[dict[str, Any]]:
        """Name, entry count, description and safe web URL of every repository."""
        counts = Counter(r.repo for r in self.rows.values())
        found = []
        for repo in self.site.corpus.workspace.repos:
            info = repo.info
            if not is_servable(info.alias):
                continue  # its entries were skipped with a diagnostic; no page either
            url = info.url if info.url.startswith(("https://", "http://")) else ""
            desc = info.dict.get("desc", "") if isinstance(info.dict, dict) else ""
            found.append({"name": info.alias, "count": counts.get(info.alias, 0), "web_url": url,
                          "description": desc if isinstance(desc, str) else ""})  # fmt: skip
        return sorted(found, key=lambda r: r["name"])

    def write_api(self) -> None:
        """Module indexes and the catalogue (entry files are written with their pages)."""
        by_module: dict[str, list[EntryRow]] = defaultdict(list)
        for row in self.sorted_rows:
            by_module[row.module].append(row)
        for module, rows in by_module.items():
            self.out.emit(module_api_path(module), None, lambda rows=rows, m=module: api.module_document(m, rows))
        repos = [{"name": r["name"], "count": r["count"], "web_url": r["web_url"], "page": lst.repo_url(r["name"])}
                 for r in self.repo_summaries()]  # fmt: skip
        self.out.emit(SENTINEL, None, lambda: api.catalogue_document(self.sorted_rows, repos,
                                                                     self.site.paths.module_url))  # fmt: skip

    def write_feeds_and_sitemap(self) -> None:
        """Atom feeds and a sitemap of real pages only (replacing MkDocs' one)."""
        rows = list(self.rows.values())
        for path, text in feeds.feeds(rows, site_name=self.options.site_name, site_url=self.options.site_url):
            self.out.emit(path, None, lambda text=text: text)
        self.write_sitemap(rows)

    def write_sitemap(self, rows: Iterable[EntryRow]) -> None:
        """Hand-written pages, listings, tag and repository pages, component pages; no shells or redirects."""
        urls: list[tuple[str, str]] = [(u, "") for u, _ in self.options.doc_pages]
        modules = sorted({r.module for r in self.sorted_rows})
        urls += [(self.site.paths.module_url(m), "") for m in modules]
        urls += [("tags/", ""), ("repos/", ""), (papers.FOLDER + "/", "")]
        urls += [(u, "") for u in sorted(lst.rows_by_tag_page(self.sorted_rows))]
        urls += [(lst.repo_url(r["name"]), "") for r in self.repo_summaries()]
        urls += [(r.url, r.changed) for r in self.sorted_rows]
        text = render_sitemap(urls, self.options.site_url)
        self.out.write("sitemap.xml", text)
        self.out.write("sitemap.xml.gz", gzipped(text))


def write_site(site: SiteModel, site_dir: Path, options: SiteOptions | None = None, previous: Manifest | None = None,
               signature: SignatureFn = entry_signature, digests: DigestCache | None = None,
               workers: int = 1) -> tuple[WriteStats, Manifest, DigestCache]:  # fmt: skip
    """Write every generated output; returns stats, the new manifest and the entry digests to reuse."""
    start = time.perf_counter()
    writer = SiteWriter(site, site_dir, options or SiteOptions(), previous, signature, digests)
    stats = writer.write_all(workers)
    stats.seconds = time.perf_counter() - start
    return stats, writer.out.current, writer.digests


_ACTIVE: SiteWriter | None = None  # the writer whose entry tasks run (inherited by forked workers)


def _write_entry_chunk(todo: list[int]) -> list[tuple[int, list[str], list[str]]]:
    """Task body: write a chunk of component pages with the active writer."""
    assert _ACTIVE is not None, "entry tasks run only after SiteWriter.entry_tasks()"
    return _ACTIVE.write_chunk(todo)
