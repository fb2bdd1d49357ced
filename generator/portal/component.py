"""Component pages: the site-wide model computed once per build, and one rendered page per entry.

``build_site_model`` does every corpus-wide computation (reference graph, Git provenance, URLs,
related entries) exactly once; ``render_component`` then only looks things up, so rendering
10,000 pages stays a few seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.ck.corpus import Corpus
from generator.ck.model import Entry, EntryRef
from generator.ck.references import ReferenceGraph, ResolvedReference, build_reference_graph
from generator.portal import pages
from generator.portal.render import render

ENTRY_ROOT = "../../"  # component pages live two folders deep: <module>/<alias or uid>/

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
    """Everything computed once per build that component pages look up."""

    corpus: Corpus
    graph: ReferenceGraph
    outgoing: dict[EntryRef, list[ResolvedReference]]
    urls: dict[EntryRef, str]
    repo_sources: dict[str, Any] = field(default_factory=dict)
    related_provider: RelatedProvider | None = None

    def url_of(self, entry: Entry) -> str:
        """Site-relative URL folder of an entry's page."""
        return self.urls.get(entry.ref) or pages.entry_url(entry)


def _outgoing_index(graph: ReferenceGraph) -> dict[EntryRef, list[ResolvedReference]]:
    index: dict[EntryRef, list[ResolvedReference]] = defaultdict(list)
    for item in graph.resolved:
        index[item.source.ref].append(item)
    return dict(index)


def build_site_model(corpus: Corpus, *, repo_sources: dict[str, Any] | None = None) -> SiteModel:
    """Compute the reference graph, URLs and other corpus-wide data once per build."""
    graph = build_reference_graph(corpus)
    return SiteModel(corpus=corpus, graph=graph, outgoing=_outgoing_index(graph),
                     urls={e.ref: pages.entry_url(e) for e in corpus.entries},
                     repo_sources=dict(repo_sources or {}))  # fmt: skip


def entry_json(entry: Entry) -> str:
    """The downloadable JSON of an entry (identities, meta, info, desc; no local path)."""
    import json

    data = entry.to_dict()
    data.pop("path", None)
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def render_component(entry: Entry, site: SiteModel) -> RenderedPage:
    """Render one entry's page body (the shell adds the <h1> title), its JSON and extra files."""
    page = pages.entry_page(entry)
    body = render("entry.html", page=page, root=ENTRY_ROOT)
    return RenderedPage(url=site.url_of(entry), title=page.title, body_html=body,
                        json_text=entry_json(entry))  # fmt: skip
