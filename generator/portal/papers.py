"""Papers on the portal: a paper's own section (ACM badges, identifiers, artifacts, the results that
reproduce it), the "Papers" note on the pages of its artifacts and results, and the papers listing.

A paper names its artifacts and reproducing results as CK references (``{module_uoa, data_uoa}``),
which the reference graph resolves like any other; ``benchmarks`` names whole benchmarks whose
results reproduce or report it. Everything is looked up in a ``PaperIndex`` made once per corpus.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from generator.ck.corpus import Corpus
from generator.ck.model import Entry
from generator.portal.dashboards import results_view
from generator.portal.render import render

if TYPE_CHECKING:
    from generator.portal.component import SiteModel

MODULE = "paper"
FOLDER = "papers"
BADGES = {"available": "Artifacts Available", "functional": "Artifacts Evaluated – Functional",
          "reusable": "Artifacts Evaluated – Reusable", "reproduced": "Results Reproduced",
          "replicated": "Results Replicated"}  # fmt: skip
SHOWN = 12  # results listed by name on a paper's page (the dashboards hold the rest)
MAX_PAPERS = 10  # papers named on an artifact's or result's page


@dataclass(frozen=True)
class Link:
    """A link with its text (and an optional note after it)."""

    href: str
    text: str
    note: str = ""


@dataclass
class PaperIndex:
    """Papers by the benchmarks they name (computed once per corpus)."""

    papers: list[Entry]
    by_benchmark: dict[str, list[Entry]] = field(default_factory=dict)


_LAST: list[tuple[Corpus, PaperIndex]] = []


def paper_index(corpus: Corpus) -> PaperIndex:
    """The papers of a corpus, indexed by benchmark (cached for the last corpus)."""
    if _LAST and _LAST[0][0] is corpus:
        return _LAST[0][1]
    papers = corpus.of_module(MODULE)
    by_benchmark: dict[str, list[Entry]] = defaultdict(list)
    for paper in papers:
        for name in strings(paper.meta.get("benchmarks")):
            by_benchmark[name].append(paper)
    index = PaperIndex(papers, dict(by_benchmark))
    _LAST[:] = [(corpus, index)]
    return index


def strings(value: Any) -> list[str]:
    """The non-empty strings of a list (anything else: none)."""
    return [v for v in value if isinstance(v, str) and v.strip()] if isinstance(value, list) else []


def badges_of(meta: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, ACM name) of a paper's known badges, in the ACM order."""
    found = set(strings(meta.get("badges")))
    return [(key, name) for key, name in BADGES.items() if key in found]


def citation(meta: dict[str, Any]) -> str:
    """'Venue, Year' of a paper (the year only when the venue does not already say it)."""
    venue, year = _text(meta, "venue"), _year(meta)
    parts = [venue] if venue else []
    if year and str(year) not in venue:
        parts.append(str(year))
    return ", ".join(parts)


def _targets(site: SiteModel, entry: Entry, prefix: str, root: str) -> list[Link]:
    found: list[Link] = []
    for item in site.graph.outgoing(entry):
        if item.reference.json_path.startswith(prefix):
            found += [Link(root + site.url_of(t), site.label_of(t)) for t in item.targets[:1]]
    return found


def _benchmark_boards(site: SiteModel, names: list[str], root: str) -> list[tuple[str, list[Link]]]:
    """Per benchmark the paper names, its dashboards with their result counts."""
    view = results_view(site.corpus, site.paths.page_of)
    shown = []
    for name in names:
        boards = [b for b in view.dashboards if b.benchmark == name]
        shown.append((name, [Link(root + b.url, b.title, f"{len(b.rows)} results") for b in boards]))
    return shown


def paper_section(entry: Entry, site: SiteModel, root: str) -> Markup:
    """A paper's own section: badges, identifiers, artifacts and the results reproducing it."""
    meta = entry.meta
    results = _targets(site, entry, "$.results", root)
    boards = _benchmark_boards(site, strings(meta.get("benchmarks")), root)
    return Markup(render("paper_section.html", meta=meta, badges=badges_of(meta), benchmarks=boards,
                         where=citation(meta),
                         artifacts=_targets(site, entry, "$.artifacts", root), results=results[:SHOWN],
                         more_results=max(0, len(results) - SHOWN), arxiv=_text(meta, "arxiv"), doi=_text(meta, "doi"),
                         artifact_doi=_text(meta, "artifact_doi")))  # fmt: skip


def _year(meta: dict[str, Any]) -> int | None:
    year = meta.get("year")
    return year if isinstance(year, int) and not isinstance(year, bool) else None


def _text(meta: dict[str, Any], key: str) -> str:
    value = meta.get(key)
    return value if isinstance(value, str) else ""


def papers_of(entry: Entry, site: SiteModel) -> list[tuple[Entry, str]]:
    """The papers an entry's page names, with why: it is their artifact, or a result reproducing them."""
    found: dict[int, tuple[Entry, str]] = {}
    for item in site.graph.referrers(entry).first(MAX_PAPERS, module=MODULE):
        role = "reproduces" if item.reference.json_path.startswith("$.results") else "artifact"
        found[id(item.source)] = (item.source, role)
    benchmark = entry.meta.get("benchmark") if entry.ref.module == "result" else None
    if isinstance(benchmark, str):
        for paper in paper_index(site.corpus).by_benchmark.get(benchmark, [])[:MAX_PAPERS]:
            found.setdefault(id(paper), (paper, "reproduces"))
    return list(found.values())[:MAX_PAPERS]


def papers_note(entry: Entry, site: SiteModel, root: str) -> Markup:
    """The 'Papers' section of an artifact's or result's page ('' when no paper names it)."""
    if entry.ref.module == MODULE:
        return paper_section(entry, site, root)
    named = papers_of(entry, site)
    if not named:
        return Markup("")
    rows = [(Link(root + site.url_of(paper), site.name_of(paper), citation(paper.meta)), role, badges_of(paper.meta))
            for paper, role in named]  # fmt: skip
    return Markup(render("paper_note.html", rows=rows, module=entry.ref.module))


def listing_rows(site: SiteModel, root: str) -> list[dict[str, Any]]:
    """One row per paper for the papers listing: title, authors, venue, year, badges."""
    rows = []
    for paper in paper_index(site.corpus).papers:
        meta = paper.meta
        authors = strings(meta.get("authors"))
        year = _year(meta)
        rows.append({"href": root + site.url_of(paper), "title": site.name_of(paper),
                     "authors": ", ".join(authors[:3]) + (" et al." if len(authors) > 3 else ""),
                     "venue": _text(meta, "venue"), "year": year or "", "badges": badges_of(meta)})  # fmt: skip
    return sorted(rows, key=lambda r: (-(r["year"] or 0), r["title"].casefold()))


def render_listing(site: SiteModel, root: str = "../") -> str:
    """The papers listing: every paper with its badges; filters by venue, year and badge (kb-papers.js)."""
    rows = listing_rows(site, root)
    venues = sorted({r["venue"] for r in rows if r["venue"]}, key=str.casefold)
    years = sorted({r["year"] for r in rows if r["year"]}, reverse=True)
    return render("papers.html", rows=rows, venues=venues, years=years, badges=list(BADGES.items()), root=root)
