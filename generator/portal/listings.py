"""Listings: one row per entry, computed once, shown on module, tag and repository pages.

A listing page carries its first rows as plain HTML (readable with no JavaScript) and the whole
table in ``rows.json`` next to it (plus ``rows.js``, the same data as a script, because browsers
refuse ``fetch`` on ``file://``); ``kb-listing.js`` then sorts, filters and paginates 10,000 rows
in the browser.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator import sitepaths
from generator.ck.model import Entry
from generator.portal.dashboards import result_summary
from generator.portal.dates import normalized_date
from generator.portal.jsonout import dumps
from generator.portal.people import credit_of
from generator.portal.render import render

ROWS_VERSION = 1
FIRST_PAGE_ROWS = 100  # rows per page once the script has the full table
HTML_ROWS = 50  # rows in the page's own HTML (real CK rows carry a dozen tags: 100 rows were 118 kB)
MIN_TAG_PAGE_ENTRIES = 2
TAG_INDEX_MAX = 800  # tags listed on /tags/ (most used first): the page stays under 100 kB
COLUMNS = ("name", "url", "module", "alias", "uid", "repo", "tags", "status", "added", "changed", "result")


@dataclass(frozen=True)
class EntryRow:
    """What listings, feeds, the home page and the API index show about one entry."""

    name: str
    url: str
    module: str
    alias: str
    uid: str
    repo: str
    tags: tuple[str, ...]
    status: str
    added: str
    changed: str
    author: str = ""
    result: tuple[Any, ...] | None = None  # a result's benchmark, dashboard, platform, model, metrics, sort value
    api: str = ""  # the entry's API file

    def cells(self) -> list[Any]:
        """The row as a JSON array in ``COLUMNS`` order (compact for 10,000 rows)."""
        return [self.name, self.url, self.module, self.alias, self.uid, self.repo, list(self.tags),
                self.status, self.added[:10], self.changed[:10],
                list(self.result) if self.result else None]  # fmt: skip

    @property
    def label_key(self) -> tuple[str, str, str]:
        """What a link to this entry shows: pages linking here change when this changes."""
        return (self.name, self.url, self.status)


def tag_slug(tag: str) -> str:
    """The URL folder name of a tag's page ('' for a tag that cannot have one)."""
    return tag_url(tag)[len("tags/") : -1]


def tag_url(tag: str) -> str:
    """Site-relative folder of a tag page (tags differing only in case share one); '' when there is none."""
    return sitepaths.tag_url(tag)


def repo_url(repo: str) -> str:
    """Site-relative folder of a repository page."""
    return sitepaths.repo_url(repo)


def _status(entry: Entry) -> str:
    value = entry.meta.get("status")
    return value.strip()[:40] if isinstance(value, str) else ""


def _info_date(entry: Entry) -> str:
    control = entry.info.get("control")
    value = control.get("iso_datetime") if isinstance(control, dict) else None
    return value if isinstance(value, str) else ""


def entry_dates(site: Any, entry: Entry) -> tuple[str, str, str]:
    """(added, changed, author) from Git provenance when known, else info.json's date."""
    lookup = getattr(site, "history_of", None)
    repo_history = lookup(entry) if callable(lookup) else None
    history = None
    if repo_history is not None and hasattr(repo_history, "for_entry"):
        history = repo_history.for_entry(entry.ref.module, entry.ref.path.name)
    if history is not None:
        added, changed = history.added, history.changed
        return normalized_date(added.date), normalized_date(changed.date), str(changed.author)
    date = normalized_date(_info_date(entry))
    return date, date, ""


def entry_row(entry: Entry, url: str, site: Any = None, api: str = "") -> EntryRow:
    """The listing row of one entry (``url``: its page folder, ``api``: its API file); a result's row
    also says where it ran and what it measured."""
    ref = entry.ref
    added, changed, _committer = entry_dates(site, entry)
    author = credit_of(entry, getattr(site, "maintainers", None) or {}).names  # from the data, not from Git
    corpus = getattr(site, "corpus", None)
    paths = getattr(site, "paths", None)  # the build's URLs: the results view is made once, with them
    result = result_summary(corpus, ref.uid, *([paths.page_of] if paths is not None else [])) \
        if ref.module == "result" and corpus is not None else None  # fmt: skip
    name = result[6] if result else entry.name
    return EntryRow(name=name, url=url, module=ref.module, alias=ref.alias, uid=ref.uid,
                    repo=ref.repo, tags=tuple(dict.fromkeys(entry.tags)), status=_status(entry),
                    added=added, changed=changed, author=author, result=result[:6] if result else None,
                    api=api)  # fmt: skip


def sort_rows(rows: Iterable[EntryRow]) -> list[EntryRow]:
    """Rows in reading order: by name, then type and UID for a stable order."""
    return sorted(rows, key=lambda r: (r.name.casefold(), r.module, r.uid, r.alias))


def rows_by_tag(rows: Iterable[EntryRow]) -> dict[str, list[EntryRow]]:
    """Tag → rows carrying it."""
    found: dict[str, list[EntryRow]] = defaultdict(list)
    for row in rows:
        for tag in row.tags:
            found[tag].append(row)
    return dict(found)


def tag_pages(by_tag: Mapping[str, Sequence[object]]) -> dict[str, str]:
    """Tag -> its page folder, for tags whose page would list at least MIN_TAG_PAGE_ENTRIES entries
    (tags differing only in case share a page). A tag on one entry (a version such as ``v1.2.3``)
    gets no page: it would only link back to that entry, and such tags are a third of a real KB's."""
    members: dict[str, set[int]] = defaultdict(set)
    for tag, tagged in by_tag.items():
        url = tag_url(tag)
        if url:
            members[url].update(id(item) for item in tagged)
    return {tag: url for tag in by_tag if (url := tag_url(tag)) and len(members[url]) >= MIN_TAG_PAGE_ENTRIES}


def rows_by_tag_page(rows: Iterable[EntryRow]) -> dict[str, tuple[list[str], list[EntryRow]]]:
    """Tag page URL -> (the tags shown there, rows carrying any of them, each once); only tags with a page."""
    by_tag = rows_by_tag(rows)
    found: dict[str, tuple[list[str], dict[int, EntryRow]]] = {}
    for tag, url in tag_pages(by_tag).items():
        names, members = found.setdefault(url, ([], {}))
        names.append(tag)
        for row in by_tag[tag]:
            members.setdefault(id(row), row)
    return {url: (names, list(members.values())) for url, (names, members) in found.items()}


def rows_json(rows: list[EntryRow], *, title: str) -> str:
    """The full table of a listing as compact JSON (``columns`` + ``rows`` arrays)."""
    data = {"version": ROWS_VERSION, "title": title, "columns": list(COLUMNS),
            "rows": [r.cells() for r in rows]}  # fmt: skip
    return dumps(data)


def rows_script(rows_json_text: str, url: str) -> str:
    """The same table as a script, for pages opened from ``file://`` where fetch is refused."""
    key = dumps(url)
    return f"(window.kbListingRows=window.kbListingRows||{{}})[{key}]={rows_json_text};\n"


@dataclass(frozen=True)
class ListingView:
    """One listing page: where it lives, its heading and its rows (sorted)."""

    url: str
    title: str
    kind: str  # "module", "tag" or "repo"
    rows: list[EntryRow]
    intro: dict[str, Any] | None = None

    @property
    def root(self) -> str:
        """Relative path from this page back to the site root."""
        return "../" * self.url.count("/")


def render_listing(view: ListingView, *, feed_url: str = "", api_url: str = "",
                   module_url: Callable[[str], str] = sitepaths.module_url,
                   page_of_tag: Callable[[str], str] = tag_url) -> str:  # fmt: skip
    """The listing body: summary, controls (shown by the script), first rows, pager slot; listings
    holding results also show each result's benchmark, platform, model and primary metrics."""
    return render("listing.html", view=view, first=view.rows[:HTML_ROWS], root=view.root,
                  feed_url=feed_url, api_url=api_url, show_type=view.kind != "module",
                  page_size=FIRST_PAGE_ROWS, tag_url=page_of_tag, module_url=module_url,
                  show_results=any(r.result for r in view.rows))  # fmt: skip


def render_tag_index(counts: list[tuple[str, int]], page_of_tag: Callable[[str], str] = tag_url) -> str:
    """The body of ``/tags/``: the TAG_INDEX_MAX most used tags with their entry counts."""
    return render("tag_index.html", tags=counts[:TAG_INDEX_MAX], total=len(counts), root="../",
                  tag_url=page_of_tag)  # fmt: skip


def render_repo_index(repos: list[dict[str, Any]]) -> str:
    """The body of ``/repos/``: every repository with its entry count."""
    return render("repo_index.html", repos=repos, root="../", repo_url=repo_url)
