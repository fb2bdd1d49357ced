"""Component pages: the site-wide model computed once per build, and one rendered page per entry.

``build_site_model`` does every corpus-wide computation (reference graph, Git provenance, URLs,
tag index for related entries) exactly once; ``render_component`` then only looks things up, so
rendering 10,000 pages stays a few seconds.
"""

from __future__ import annotations

import gc
import heapq
import json
import multiprocessing as mp
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from generator.ck.corpus import Corpus
from generator.ck.model import Entry
from generator.ck.references import ReferenceGraph, build_reference_graph
from generator.portal import depgraph, entryfiles, labels, metaview, papers, solutions, usage
from generator.portal.dashboards import result_titles
from generator.portal.jsonout import UnwritableOutput, dumps
from generator.portal.listings import tag_pages
from generator.portal.markdown import render_markdown
from generator.portal.pages import EntryView, ProvenanceView, RefItem, provenance_view, status_of
from generator.portal.people import Person, credit_of, repo_maintainers
from generator.portal.render import environment
from generator.portal.result_sections import SECTION_MODULES, component_section
from generator.portal.urls import SiteUrls, assign_urls
from generator.provenance.history import RepoHistory, read_history, web_url_from_remote

ENTRY_ROOT = "../../"  # most component pages live two folders deep: <module>/<alias or uid>/
RELATED_COUNT = 6
RELATED_MAX_DF = 500  # tags on more entries than this say nothing about relatedness
MAX_REVERSE = 20
MAX_RESULTS = 10
RESULT_PAGES = ("model", "platform", "dataset")  # types whose template lists the results using them
MAX_TARGETS = 5  # links shown per dependency (a tag dependency may match dozens of entries)
RELATED_SCAN = 40
SHOWN = 25  # a page looks at no more than the first SHOWN targets of a reference and referrers of an entry
# keys a type's template shows itself
SHOWN_BY_TEMPLATE = {"result": ("metrics",), "program": ("run_cmds",),
                     "paper": ("badges", "artifacts", "results", "benchmarks", "arxiv", "artifact_doi"),
                     "solution": ("steps", "results", "components", "platforms")}  # fmt: skip
RAW_INLINE_CHARS = 6_000  # meta JSON shown inline in the Raw JSON section up to this size
LABEL_CHARS = 80  # postings looked at per tag

RelatedProvider = Callable[[Entry], Sequence[Entry]]


@dataclass(frozen=True)
class RenderedPage:
    """One component page ready to write: URL folder, title, body for the shell, JSON, extra files."""

    url: str
    title: str
    body_html: str
    json_text: str
    extra_files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class SiteModel:
    """Everything computed once per build that component pages look up.

    ``related_provider`` is the hook for a better "more like this" (e.g. from the search index):
    set it to a function entry -> entries and pages use it instead of tag overlap.
    """

    corpus: Corpus
    graph: ReferenceGraph
    env: Environment  # per build, no auto-reload: one stat() per include per page adds up
    paths: SiteUrls  # page folder and API file of every entry
    names: dict[int, str]  # by id(entry); Entry.name is a property, too slow for 10^5 calls
    histories: dict[str, RepoHistory] = field(default_factory=dict)
    by_tag: dict[str, list[Entry]] = field(default_factory=dict)
    related_provider: RelatedProvider | None = None
    rows: dict[int, Any] | None = None  # listing rows by id(entry), filled by site_writer.compute_rows
    maintainers: dict[str, tuple[Person, ...]] = field(default_factory=dict)  # by repository alias (.ckr.json)
    tag_pages: dict[str, str] = field(default_factory=dict)  # tag -> page folder, tags that have a page
    origins: dict[str, usage.Origin] = field(default_factory=dict)  # by repository alias: where readers get it

    def tag_page(self, tag: str) -> str:
        """Site-relative folder of a tag's page ('' when the tag has none: on one entry, or unservable)."""
        return self.tag_pages.get(tag, "")

    @property
    def urls(self) -> dict[int, str]:
        """Page folder by id(entry)."""
        return self.paths.pages

    def url_of(self, entry: Entry) -> str:
        """Site-relative URL folder of an entry's page ('' for an entry without a page)."""
        return self.paths.pages.get(id(entry), "")

    def root_of(self, entry: Entry) -> str:
        """The relative path from an entry's page back to the site root."""
        return "../" * self.url_of(entry).count("/")

    def name_of(self, entry: Entry) -> str:
        """The entry's display name (cached)."""
        name = self.names.get(id(entry))
        return name if name is not None else entry.name

    def label_of(self, entry: Entry, *, module: bool = True) -> str:
        """A short link text ``module:name`` (names are cut: a link is not the place for an essay)."""
        name = self.name_of(entry)
        name = name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"
        return f"{entry.ref.module}:{name}" if module else name

    def history_of(self, entry: Entry) -> RepoHistory | None:
        """The Git history record of the entry's repository (None when unknown)."""
        return self.histories.get(entry.ref.repo)


def _tag_index(corpus: Corpus) -> dict[str, list[Entry]]:
    index: dict[str, list[Entry]] = defaultdict(list)
    for entry in corpus.entries:
        for tag in set(entry.tags):
            index[tag].append(entry)
    return dict(index)


def _source_url(source: Any) -> tuple[str, str]:
    """(web URL, rev) from a configured source: a URL string or a RepoSource-like object."""
    if isinstance(source, str):
        return web_url_from_remote(source), ""
    return web_url_from_remote(str(getattr(source, "url", "") or "")), str(getattr(source, "rev", "") or "")


def _histories(corpus: Corpus, repo_sources: Mapping[str, Any], site_root: Path | None,
               site_repo_url: str) -> dict[str, RepoHistory]:  # fmt: skip
    web_urls: dict[Path, str] = {}
    revs: dict[Path, str] = {}
    for repo in corpus.workspace.repos:
        source = repo_sources.get(repo.info.alias, repo_sources.get(str(repo.path)))
        url, rev = _source_url(source) if source is not None else ("", "")
        web_urls[repo.path] = url or web_url_from_remote(repo.info.url)
        if rev:
            revs[repo.path] = rev
    site = (site_root, site_repo_url) if site_root is not None and site_repo_url else None
    by_folder = read_history([r.path for r in corpus.workspace.repos], web_urls=web_urls, revs=revs,
                             site=site)  # fmt: skip
    return {r.info.alias: by_folder[r.path.resolve()] for r in corpus.workspace.repos}


def build_site_model(corpus: Corpus, *, repo_sources: Mapping[str, Any] | None = None,
                     site_root: Path | None = None, site_repo_url: str = "",
                     history: bool = True, urls: SiteUrls | None = None) -> SiteModel:  # fmt: skip
    """Compute the reference graph, Git provenance, URLs and tag index once per build.

    ``repo_sources`` maps a repository alias (or folder) to its web URL or RepoSource;
    ``site_root``/``site_repo_url`` (mkdocs ``repo_url``) link entries of the project's own Git;
    ``urls`` are the entries' page folders (``urls.assign_urls`` over the corpus when not given).
    """
    graph = build_reference_graph(corpus)
    histories = _histories(corpus, repo_sources or {}, site_root, site_repo_url) if history else {}
    paths = urls if urls is not None else assign_urls(corpus.entries)
    by_tag = _tag_index(corpus)
    return SiteModel(corpus=corpus, graph=graph, env=environment().overlay(auto_reload=False), paths=paths,
                     names={id(e): e.name for e in corpus.entries} | result_titles(corpus, paths.page_of),
                     histories=histories, by_tag=by_tag, tag_pages=tag_pages(by_tag),
                     maintainers={r.info.alias: repo_maintainers(r.info.dict)
                                  for r in corpus.workspace.repos},
                     origins=_origins(corpus, repo_sources or {}, site_root, site_repo_url))  # fmt: skip


def _origins(corpus: Corpus, repo_sources: Mapping[str, Any], site_root: Path | None,
             site_repo_url: str) -> dict[str, usage.Origin]:  # fmt: skip
    """Where readers get each repository (for the commands of the "Use it" sections)."""
    found = {}
    for repo in corpus.workspace.repos:
        source = repo_sources.get(repo.info.alias, repo_sources.get(str(repo.path)))
        found[repo.info.alias] = usage.origin_of(repo.path, repo.info.url, source, site_root, site_repo_url)
    return found


def entry_json(entry: Entry) -> str:
    """The downloadable JSON of an entry (identities, meta, info, desc; no local path)."""
    data = entry.to_dict()
    data.pop("path", None)
    # Compact: json's C encoder is skipped when indent is set, which costs ~1 ms per big entry.
    return dumps(data, sort_keys=True) + "\n"


# -- references ---------------------------------------------------------------------------------


def _href(site: SiteModel, entry: Entry, root: str) -> str:
    return root + site.url_of(entry)


def _links(site: SiteModel, entry: Entry, root: str) -> dict[str, metaview.Links]:
    links: dict[str, metaview.Links] = {}
    for item in site.graph.outgoing(entry):
        if item.targets:
            shown = [metaview.Link(_href(site, t, root), site.label_of(t, module=False))
                     for t in item.targets[:MAX_TARGETS]]  # fmt: skip
            links[item.reference.json_path] = metaview.Links(shown, max(0, len(item.targets) - MAX_TARGETS))
    return links


def _dependencies(site: SiteModel, entry: Entry, root: str) -> list[RefItem]:
    """What the entry refers to; top-level CK dependency blocks are left out (the Needs section lists them)."""
    items = []
    for item in site.graph.outgoing(entry):
        ref = item.reference
        if ref.kind == "tags" and ref.json_path.split(".")[1] in labels.DEP_BLOCKS:
            continue
        targets = [metaview.Link(_href(site, t, root), site.label_of(t))
                   for t in item.targets[:MAX_TARGETS]]  # fmt: skip
        what = f"{ref.module}:{ref.target}" if ref.kind == "uoa" and ref.module else ref.target
        where = labels.path_label(entry.ref.module, ref.json_path, entry.meta)
        items.append(RefItem(where=where, kind=ref.kind, target=what, links=targets,
                             more=max(0, len(item.targets) - MAX_TARGETS)))  # fmt: skip
    return items


def _reverse(site: SiteModel, entry: Entry, root: str) -> tuple[list[RefItem], int, list[tuple[str, int]]]:
    """Unique entries referring to this one (first MAX_REVERSE by rank), how many more, counts per module."""
    referrers = site.graph.referrers(entry)
    items = []
    for item in referrers.first(MAX_REVERSE):
        source = item.source
        link = metaview.Link(_href(site, source, root), site.label_of(source))
        where = labels.path_label(source.ref.module, item.reference.json_path, source.meta)
        items.append(RefItem(where=where, kind=item.reference.kind, target="",
                             links=[link], module=source.ref.module))  # fmt: skip
    return items, max(0, referrers.count - MAX_REVERSE), referrers.per_module


def _results_using(site: SiteModel, entry: Entry, root: str) -> list[metaview.Link]:
    """Up to MAX_RESULTS results that reference this entry (model, platform, dataset pages)."""
    items = site.graph.referrers(entry).first(MAX_RESULTS, module="result")
    return [metaview.Link(_href(site, i.source, root), site.label_of(i.source)) for i in items]


def page_neighbours(site: SiteModel, entry: Entry) -> tuple[list[Entry], str]:
    """The entries an entry's page may show (bounded by SHOWN) and the counts it prints, as a string:
    what the page's key must cover besides the entry itself (its dependencies, referrers, results)."""
    shown: dict[int, Entry] = {}
    counts: list[str] = []
    for item in site.graph.outgoing(entry):
        counts.append(str(len(item.targets)))
        shown.update((id(t), t) for t in item.targets[:SHOWN])
    referrers = site.graph.referrers(entry)
    counts += [str(referrers.count), repr(referrers.per_module)]
    for item in (*referrers.first(SHOWN), *referrers.first(MAX_RESULTS, module="result")):
        shown[id(item.source)] = item.source
        counts.append(item.reference.json_path)
    shown.pop(id(entry), None)
    return list(shown.values()), "\x1e".join(counts)


def _graph_svg(site: SiteModel, entry: Entry, root: str) -> Markup:
    """Inline SVG of the entry's neighbourhood (nodes keyed by the id() of their entries)."""
    entry_of: dict[str, Entry] = {str(id(entry)): entry}

    def outgoing(node: depgraph.Node) -> Iterable[Entry]:
        source = entry_of[node.key]
        return (t for item in site.graph.outgoing(source) for t in item.targets[:SHOWN])

    def incoming(node: depgraph.Node) -> Iterable[Entry]:
        return (item.source for item in site.graph.referrers(entry_of[node.key]).first(SHOWN))

    def node_of(e: Entry, parent: str) -> depgraph.Node:
        key = str(id(e))
        entry_of[key] = e
        name = site.name_of(e)
        return depgraph.Node(key=key, label=name, title=f"{e.ref.module}: {name}", href=_href(site, e, root),
                             parent=parent)  # fmt: skip

    name = site.name_of(entry)
    centre = depgraph.Node(key=str(id(entry)), label=name, title=f"{entry.ref.module}: {name}", href="")
    columns = depgraph.layout(centre, entry, outgoing, incoming, node_of)
    return depgraph.render_svg(columns, caption=f"Dependencies of {name}")


# -- related, description, page ----------------------------------------------------------------


def related_entries(site: SiteModel, entry: Entry) -> list[Entry]:
    """Entries sharing the rarest tags (bounded work per page), same type first."""
    if site.related_provider is not None:
        return [e for e in site.related_provider(entry) if e is not entry][:RELATED_COUNT]
    by_tag = site.by_tag
    tags = sorted((t for t in set(entry.tags) if 2 <= len(by_tag.get(t, ())) <= RELATED_MAX_DF),
                  key=lambda t: len(by_tag[t]))[:3]  # fmt: skip
    scores: dict[int, float] = defaultdict(float)
    found: dict[int, Entry] = {}
    for tag in tags:
        postings = by_tag[tag]
        weight = 1.0 / len(postings)
        for other in postings[:RELATED_SCAN]:
            scores[id(other)] += weight
            found[id(other)] = other
    found.pop(id(entry), None)
    module = entry.ref.module
    ranked = heapq.nsmallest(RELATED_COUNT, ((-scores[k], e.ref.module != module, e.ref.uoa, k)
                                             for k, e in found.items()))  # fmt: skip
    return [found[k] for *_, k in ranked]


def description_source(entry: Entry, readme: str) -> str:
    """The Markdown describing an entry: its README, else a description/desc/abstract string."""
    if readme.strip():
        return readme
    for source in (entry.meta, entry.info):
        for key in ("description", "desc", "abstract"):
            value = source.get(key)
            if isinstance(value, str) and value.strip():
                return value
    return ""


def _superseded_link(site: SiteModel, entry: Entry, target: str, root: str) -> metaview.Link | None:
    found = site.corpus.lookup(entry.ref.module, target) if target else []
    return metaview.Link(_href(site, found[0], root), site.label_of(found[0], module=False)) if found else None


def _raw_meta(meta: dict[str, Any]) -> str:
    """The meta as indented JSON when small enough to inline (the full entry is always in entry.json)."""
    try:
        if len(dumps(meta)) > RAW_INLINE_CHARS:  # the fast compact encoder first: big metas are common
            return ""
    except UnwritableOutput:
        return ""
    text = json.dumps(meta, indent=1, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= RAW_INLINE_CHARS else ""


def _own_section(entry: Entry, site: SiteModel, root: str) -> Markup:
    """A paper's or a solution's own section, and the papers naming the entry."""
    note = papers.papers_note(entry, site, root)
    return solutions.solution_section(entry, site, root) + note if entry.ref.module == "solution" else note


def build_view(entry: Entry, site: SiteModel) -> tuple[EntryView, dict[str, bytes]]:
    """The page model of one entry plus the files to copy next to it."""
    history = site.history_of(entry)
    folder = f"{entry.ref.module}/{entry.ref.path.name}/"
    source = (lambda rel: history.blob_url(folder + rel)) if history else None
    files, copies = entryfiles.scan_files(entry.ref.path, source)
    readme = entryfiles.readme_text(files, entry.ref.path)
    root = site.root_of(entry)
    links = _links(site, entry, root)
    module, meta = entry.ref.module, entry.meta
    shown_elsewhere = frozenset(SHOWN_BY_TEMPLATE.get(module, ()))
    if not readme.strip() and module == "paper":
        shown_elsewhere |= {"abstract"}
    reverse, reverse_more, reverse_counts = _reverse(site, entry, root)
    state, reason, superseded_by = status_of(meta)
    view = EntryView(
        module=module, name=site.name_of(entry), alias=entry.ref.alias, uid=entry.ref.uid, repo=entry.ref.repo,
        cid=entry.ref.cid, state=state, state_reason=reason,
        superseded_by=_superseded_link(site, entry, superseded_by, root),
        tags=[(t, root + u if (u := site.tag_page(t)) else "") for t in entry.tags],
        description=Markup(render_markdown(description_source(entry, readme), links=entryfiles.file_links(files))),
        facts=metaview.key_facts(module, meta, links),
        rows=metaview.other_rows(module, meta, links, shown_elsewhere),
        metrics=metaview.metrics(meta) if module == "result" else [],
        files=files, dependencies=_dependencies(site, entry, root), reverse=reverse, reverse_more=reverse_more,
        reverse_counts=reverse_counts,
        results=_results_using(site, entry, root) if module in RESULT_PAGES else [],
        results_count=dict(reverse_counts).get("result", 0),
        graph=_graph_svg(site, entry, root),
        related=[metaview.Link(_href(site, e, root), site.label_of(e))
                 for e in related_entries(site, entry)],
        provenance=provenance_view(entry, history), byline=credit_of(entry, site.maintainers).byline(),
        use=usage.recipes(entry, site.origins.get(entry.ref.repo, usage.Origin())),
        type_name=labels.type_name(module), raw_meta=_raw_meta(meta), needs=metaview.needs_rows(module, meta, links),
        edit_url=history.blob_url(f"{module}/{entry.ref.path.name}/.cm/meta.json") if history else "",
        module_href=root + site.paths.module_url(module), meta=meta,
        results_html=component_section(entry, site.corpus, root, site.paths.page_of)
        if module in (*SECTION_MODULES, "result") else Markup(""),
        also_in=[metaview.Link(_href(site, e, root), f"repository {e.ref.repo}") for e in site.paths.also_in(entry)],
        papers_html=_own_section(entry, site, root),
    )  # fmt: skip
    return view, copies


def render_component(entry: Entry, site: SiteModel) -> RenderedPage:
    """Render one entry's page body (the shell adds the <h1> title), its JSON and extra files."""
    view, copies = build_view(entry, site)
    template = site.env.select_template([f"entry-{entry.ref.module}.html", "entry.html"])
    body = template.render(page=view, root=site.root_of(entry))
    return RenderedPage(url=site.url_of(entry), title=site.name_of(entry), body_html=body,
                        json_text=entry_json(entry), extra_files=copies)  # fmt: skip


# -- many pages at once -------------------------------------------------------------------------

_FORKED_SITE: SiteModel | None = None
CHUNK = 250


def _render_chunk(indexes: list[int]) -> list[RenderedPage]:
    site = _FORKED_SITE
    assert site is not None
    return [render_component(site.corpus.entries[i], site) for i in indexes]


def render_components(entries: Sequence[Entry], site: SiteModel, *,
                      workers: int = 1) -> Iterator[tuple[Entry, RenderedPage]]:  # fmt: skip
    """Render many pages in order; with ``workers`` > 1, in forked processes sharing the model.

    Forking shares the corpus and graph copy-on-write (no pickling of the model); only the
    rendered pages travel back. Falls back to one process where ``fork`` is unavailable.
    """
    global _FORKED_SITE
    # The corpus is large and lives for the whole build: freezing it keeps the collector from
    # walking it again and again (and, after a fork, from touching the shared memory pages).
    gc.freeze()
    try:
        if workers <= 1 or len(entries) < 2 * CHUNK or "fork" not in mp.get_all_start_methods():
            for entry in entries:
                yield entry, render_component(entry, site)
            return
        position = {id(e): i for i, e in enumerate(site.corpus.entries)}
        indexes = [position[id(e)] for e in entries]
        chunks = [indexes[i : i + CHUNK] for i in range(0, len(indexes), CHUNK)]
        _FORKED_SITE = site
        with mp.get_context("fork").Pool(workers) as pool:
            done = 0
            for pages in pool.imap(_render_chunk, chunks):
                for page in pages:
                    yield entries[done], page
                    done += 1
    finally:
        _FORKED_SITE = None
        gc.unfreeze()


__all__ = ["ProvenanceView", "RenderedPage", "SiteModel", "build_site_model", "render_component",
           "render_components"]
