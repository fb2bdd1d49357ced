"""Page models: what each generated page shows, computed from the corpus; pure data, no I/O."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from generator.ck.corpus import Corpus
from generator.ck.model import Entry
from generator.portal.dates import normalized_date
from generator.portal.entryfiles import EntryFile
from generator.portal.metaview import Link, Metric, Row
from generator.provenance.history import RepoHistory


def module_counts(corpus: Corpus) -> list[tuple[str, int]]:
    """Entries per module, most first, for the home page and the browse page."""
    counts = Counter(e.ref.module for e in corpus.entries)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


# -- component pages ----------------------------------------------------------------------------

STATES = ("active", "disputed", "superseded", "withdrawn")


@dataclass(frozen=True)
class RefItem:
    """A dependency or reverse dependency: where in the meta, what it names, what it resolved to."""

    where: str
    kind: str
    target: str
    links: list[Link]
    module: str = ""  # module of the other entry (for reverse dependencies)
    more: int = 0  # further matching entries not linked


@dataclass(frozen=True)
class ProvenanceView:
    """Who added and last changed an entry, when, and in which commits (linked when possible)."""

    source: str  # "git", "info.json" or ""
    added: str = ""
    added_by: str = ""
    added_commit: str = ""
    added_url: str = ""
    changed: str = ""
    changed_by: str = ""
    changed_commit: str = ""
    changed_url: str = ""
    commits: int = 0


@dataclass(frozen=True)
class EntryView:
    """Everything a component page template shows; HTML fields are already sanitized Markup."""

    module: str
    name: str
    alias: str
    uid: str
    repo: str
    cid: str
    state: str
    state_reason: str
    superseded_by: Link | None
    tags: list[tuple[str, str]]
    description: Markup
    facts: list[Row]
    rows: list[Row]
    metrics: list[Metric]
    files: list[EntryFile]
    dependencies: list[RefItem]
    reverse: list[RefItem]
    reverse_more: int
    reverse_counts: list[tuple[str, int]]
    results: list[Link]  # results using this entry (model, platform and dataset pages)
    results_count: int
    graph: Markup
    related: list[Link]
    provenance: ProvenanceView
    edit_url: str
    module_href: str
    meta: dict[str, Any] = field(default_factory=dict)  # for type templates; autoescaped
    json_name: str = "entry.json"
    results_html: Markup = field(default_factory=Markup)  # Results section (chart, best results) before metadata
    also_in: list[Link] = field(default_factory=list)  # entries of other repositories with this module and name
    byline: Markup = field(default_factory=Markup)  # who contributed the entry, from its data (people.credit_of)
    use: tuple[Any, ...] = ()  # usage.Recipe of kb and of CK: the commands of the "Use it" section
    type_name: str = ""  # what an entry of this module is called ("Data set")
    needs: list[Row] = field(default_factory=list)  # CK dependency blocks as "needs" lists
    raw_meta: str = ""  # the meta as indented JSON for the Raw JSON section ('' when too big to inline)
    papers_html: Markup = field(default_factory=Markup)  # a paper's section, or the papers naming this entry

    @property
    def facts_html(self) -> Markup:
        """The key-facts table rows (built in Python: a template loop costs ~10x more)."""
        return _table_rows((html.escape(r.label), r.html) for r in self.facts)

    @property
    def rows_html(self) -> Markup:
        """The details table rows, labelled as the schema names each field."""
        return _table_rows((html.escape(r.label), r.html) for r in self.rows)

    @property
    def needs_html(self) -> Markup:
        """The "needs" table rows: one per dependency block (to compile, to run …)."""
        return _table_rows((html.escape(r.label), r.html) for r in self.needs)

    @property
    def tags_html(self) -> Markup:
        """The tag links of the page head."""
        return Markup("".join(f' <a class="kb-tag" href="{html.escape(href)}">{html.escape(tag)}</a>' if href
                              else f' <span class="kb-tag">{html.escape(tag)}</span>'
                              for tag, href in self.tags))  # fmt: skip


    @property
    def dependencies_html(self) -> Markup:
        """The list of references this entry makes."""
        return refs_html(self.dependencies)

    @property
    def reverse_html(self) -> Markup:
        """The list of entries referring to this one."""
        return refs_html(self.reverse)

    @property
    def related_html(self) -> Markup:
        """The related entries' list items."""
        return Markup("".join(f"<li>{link.__html__()}</li>" for link in self.related))


def refs_html(items: list[RefItem]) -> Markup:
    """A ``ul.kb-refs`` of references: links (``+N more``) or the unresolved target, and where."""
    out = []
    for r in items:
        if r.links:
            body = ", ".join(link.__html__() for link in r.links)
            if r.more:
                body += f" <em>+{r.more} more</em>"
        else:
            body = (f'<span class="kb-unresolved" title="no entry matches">{html.escape(r.target)}</span> '
                    "<em>unresolved</em>")  # fmt: skip
        out.append(f'<li>{body} <span class="kb-via">as {html.escape(r.where)}</span></li>')
    return Markup('<ul class="kb-refs">' + "".join(out) + "</ul>")


def _table_rows(cells: Any) -> Markup:
    return Markup("".join(f"<tr><th>{head}</th><td>{value}</td></tr>" for head, value in cells))


def status_of(meta: dict[str, Any]) -> tuple[str, str, str]:
    """(state, reason, superseded_by) from the common schema's ``status`` (default active)."""
    status = meta.get("status")
    if not isinstance(status, dict):
        return "active", "", ""
    state = status.get("state")
    state = state if state in STATES else "active"
    reason = status.get("reason")
    target = status.get("superseded_by")
    return state, reason if isinstance(reason, str) else "", target if isinstance(target, str) else ""


def provenance_view(entry: Entry, history: RepoHistory | None) -> ProvenanceView:
    """Provenance from Git when the entry folder was committed, else from ``info.json`` control."""
    found = history.for_entry(entry.ref.module, entry.ref.path.name) if history else None
    if history is not None and found is not None:
        return ProvenanceView(
            source="git", added=found.added.day, added_by=found.added.author,
            added_commit=found.added.short, added_url=history.commit_url(found.added.sha),
            changed=found.changed.day, changed_by=found.changed.author,
            changed_commit=found.changed.short, changed_url=history.commit_url(found.changed.sha),
            commits=found.commits,
        )  # fmt: skip
    control = entry.info.get("control")
    if isinstance(control, dict) and (control.get("author") or control.get("iso_datetime")):
        return ProvenanceView(source="info.json", added=normalized_date(control.get("iso_datetime"))[:10],
                              added_by=str(control.get("author", "")))  # fmt: skip
    return ProvenanceView(source="")
