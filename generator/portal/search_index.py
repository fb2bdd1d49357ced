"""The portal's static search index: small JSON shards a browser fetches on demand.

Built from the same ``SearchDoc`` documents as the Whoosh index. Layout under ``search-index/``:

* ``meta.json`` — format version, document count, chunk size, shard names, facet values.
* ``t/<xy>.json`` — postings of every term starting with ``xy`` (``xy_`` for one-letter terms):
  ``{term: [doc-gap, weight, doc-gap, weight, …]}``; field terms ``~tag:resnet`` / ``~type:model``
  / ``~platform:rpi4`` serve the filters, ``=alias`` the exact-alias boost.
* ``d/<n>.json`` — display records of documents ``n*CHUNK … n*CHUNK+CHUNK-1``:
  ``[url, name, type, tags, platforms, summary, alias or UID]``.
* ``facets.json`` — for the most common facet values, the documents carrying them (a bitset or a
  gap list, whichever is shorter) so counts over a result set need no further request.

Documents are numbered in (module, name) order so related hits tend to share a chunk. A first query
fetches meta + facets + one shard per word + a few chunks: well under 300 kB at 10,000 entries.
"""

from __future__ import annotations

import base64
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.ck.corpus import Corpus
from generator.ck.model import Entry
from generator.index.documents import SearchDoc, document_for, words
from generator.portal.jsonout import dumps
from generator.portal.sitefiles import SiteFolder

FORMAT_VERSION = 1
INDEX_DIR = "search-index"
CHUNK = 32
SUMMARY_CHARS = 110
TEXT_CHARS = 600  # characters of a document's free text whose words are indexed
TOP_VALUES = {"type": 50, "tags": 20, "platform": 15}
WEIGHT_ALIAS_EXACT, WEIGHT_NAME, WEIGHT_TAG, WEIGHT_FACET, WEIGHT_TEXT = 100, 6, 5, 3, 1


@dataclass(frozen=True)
class SearchIndexStats:
    """What was written (for logs and the benchmark)."""

    documents: int
    shards: int
    chunks: int
    total_bytes: int


def shard_of(term: str) -> str:
    """The shard holding a term: its first two characters (``x_`` for one-character terms)."""
    found = _SHARDS.get(term)
    if found is None:
        body = term.lstrip("~=")
        body = body.split(":", 1)[1] if term.startswith("~") and ":" in body else body
        key = "".join(c if c.isascii() and c.isalnum() else "_" for c in body[:2].lower())
        found = _SHARDS[term] = (key + "_")[:2] if key else "__"
    return found


_SHARDS: dict[str, str] = {}  # term -> shard: a 10,000-entry index looks up 365,000 terms, 50,000 distinct


@dataclass(frozen=True)
class IndexedDoc:
    """A document with what the index needs of it: its sort key, display record and weighted terms."""

    doc: SearchDoc
    sort_key: tuple[str, str, str]
    record: list[object]
    terms: dict[str, int]


def indexed(doc: SearchDoc) -> IndexedDoc:
    """Sort key, record and terms of one document (kept across live rebuilds for unchanged entries)."""
    return IndexedDoc(doc, (doc.module, doc.name.casefold(), doc.key), _record(doc), _doc_terms(doc))


@dataclass
class SearchIndexCache:
    """What a live rebuild reuses: indexed documents of kept entry objects, and the files last written."""

    docs: dict[int, tuple[Entry, IndexedDoc]] = field(default_factory=dict)
    written: dict[str, object] = field(default_factory=dict)  # path under the index folder -> data it was made from
    sizes: dict[str, int] = field(default_factory=dict)  # path -> bytes

    def forget_files(self) -> None:
        """The site folder was cleaned: every file must be written again."""
        self.written.clear()
        self.sizes.clear()


def _doc_terms(doc: SearchDoc) -> dict[str, int]:
    terms: dict[str, int] = {}

    def add(term: str, weight: int) -> None:
        if 1 <= len(term) <= 40 and weight > terms.get(term, 0):
            terms[term] = weight

    for word in words(f"{doc.description} {doc.text[:TEXT_CHARS]}"):
        add(word, WEIGHT_TEXT)
    for word in words(f"{doc.module} {' '.join(doc.platform)} {' '.join(doc.framework)}"):
        add(word, WEIGHT_FACET)
    for tag in doc.tags:
        for word in words(tag):
            add(word, WEIGHT_TAG)
    for word in words(f"{doc.name} {doc.alias or doc.uid}"):
        add(word, WEIGHT_NAME)
    add("~type:" + doc.module, 1)
    for tag in doc.tags:
        add("~tag:" + tag, 1)
    for platform in doc.platform:
        add("~platform:" + platform, 1)
    for name in {doc.alias.lower(), doc.uid.lower()} - {""}:
        add("=" + name, WEIGHT_ALIAS_EXACT)
    return terms


def reader_summary(description: str, limit: int = SUMMARY_CHARS) -> str:
    """The hit's line of prose: the entry's description (never a list of raw meta values), cut at a word."""
    line = " ".join(description.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:·-") + "…"


def _record(doc: SearchDoc) -> list[object]:
    summary = reader_summary(doc.description)
    # the last item is what a reference to the entry writes (contribute forms pick references from here)
    return [doc.url, doc.name, doc.module, list(doc.tags[:6]), list(doc.platform[:3]), summary, doc.alias or doc.uid]


def _encode_docs(ids: Sequence[int], total: int) -> str:
    """A set of document numbers: ``b<base64 bitset>`` or ``g<base-36 gaps>``, whichever is shorter."""
    bits = bytearray((total + 7) // 8)
    for i in ids:
        bits[i >> 3] |= 1 << (i & 7)
    bitset = "b" + base64.b64encode(bytes(bits)).decode("ascii")
    gaps, last = [], -1
    for i in ids:
        gaps.append(_base36(i - last))
        last = i
    gaplist = "g" + ",".join(gaps)
    return bitset if len(bitset) < len(gaplist) else gaplist


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


class _Writer:
    """Writes index files; with a cache of what the folder holds (the data of each file), skips unchanged ones."""

    def __init__(self, site_dir: Path, cache: SearchIndexCache | None) -> None:
        self.site = SiteFolder(site_dir)
        self.previous = cache.written if cache else {}
        self.sizes = cache.sizes if cache else {}
        self.written: dict[str, object] = {}
        self.size = 0

    def dump(self, relpath: str, data: object, encode: Callable[[Any], object] = lambda d: d) -> None:
        """Write ``encode(data)`` as JSON unless the file was last written from equal data."""
        self.written[relpath] = data
        if relpath in self.previous and self.previous[relpath] == data:
            self.size += self.sizes.get(relpath, 0)
            return
        raw = dumps(encode(data)).encode("utf-8", "replace")
        self.size += len(raw)
        self.sizes[relpath] = len(raw)
        self.site.write(f"{INDEX_DIR}/{relpath}", raw)

    def remove_stale(self) -> None:
        """Delete files of the previous index that this one did not write."""
        for relpath in self.previous.keys() - self.written.keys():
            self.site.remove(f"{INDEX_DIR}/{relpath}")
            self.sizes.pop(relpath, None)


def _facet_values(docs: Sequence[IndexedDoc]) -> dict[str, dict[str, list[int]]]:
    values: dict[str, dict[str, list[int]]] = {"type": defaultdict(list), "tags": defaultdict(list),
                                                "platform": defaultdict(list)}  # fmt: skip
    for n, item in enumerate(docs):
        doc = item.doc
        values["type"][doc.module].append(n)
        for tag in doc.tags:
            values["tags"][tag].append(n)
        for platform in doc.platform:
            values["platform"][platform].append(n)
    return values


def build_static_index(documents: Iterable[SearchDoc], site_dir: Path) -> SearchIndexStats:
    """Write the sharded index for these documents into ``site_dir/search-index/``."""
    return write_indexed([indexed(d) for d in documents], site_dir)


def write_indexed(items: Iterable[IndexedDoc], site_dir: Path, cache: SearchIndexCache | None = None,
                  ) -> SearchIndexStats:  # fmt: skip
    """Write the index of these documents; with a ``cache`` (updated) a rebuild skips unchanged files."""
    docs = sorted(items, key=lambda d: d.sort_key)
    if not (cache and cache.written):  # nothing known about the folder: start it afresh
        SiteFolder(site_dir).remove_tree(INDEX_DIR)
    postings: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for n, item in enumerate(docs):
        for term, weight in item.terms.items():
            shard = postings[shard_of(term)]
            found = shard.get(term)
            if found is None:
                shard[term] = [n, weight]
            else:
                found += (n, weight)
    files = _Writer(site_dir, cache)
    for key, terms in postings.items():
        files.dump(f"t/{key}.json", terms, lambda t: {term: _gap_encode(p) for term, p in sorted(t.items())})
    chunks = (len(docs) + CHUNK - 1) // CHUNK
    for c in range(chunks):
        files.dump(f"d/{c}.json", [d.record for d in docs[c * CHUNK : (c + 1) * CHUNK]])
    facets = _facet_values(docs)
    top = {name: Counter({v: len(ids) for v, ids in vals.items()}).most_common(TOP_VALUES[name])
           for name, vals in facets.items()}  # fmt: skip
    files.dump("facets.json", {name: {v: _encode_docs(facets[name][v], len(docs)) for v, _ in values}
                               for name, values in top.items()})  # fmt: skip
    meta = {"version": FORMAT_VERSION, "docs": len(docs), "chunk": CHUNK, "shards": sorted(postings),
            "facets": {name: [[v, c] for v, c in values] for name, values in top.items()}}  # fmt: skip
    files.dump("meta.json", meta)
    files.remove_stale()
    if cache is not None:
        cache.written = files.written
    return SearchIndexStats(documents=len(docs), shards=len(postings), chunks=chunks, total_bytes=files.size)


def _gap_encode(pairs: list[int]) -> list[int]:
    """[doc, weight, doc, weight …] with each doc number stored as the gap from the previous one."""
    encoded, last = [], 0
    for i in range(0, len(pairs), 2):
        encoded.extend((pairs[i] - last, pairs[i + 1]))
        last = pairs[i]
    return encoded


def write_search_index(corpus: Corpus, site_dir: Path, cache: SearchIndexCache | None = None,
                       url_of: Callable[[Entry], str] | None = None) -> SearchIndexStats:  # fmt: skip
    """The portal hook: the static index of every entry (the assets are copied with all others).

    READMEs are not read here: only the first ``TEXT_CHARS`` of a document's text are indexed for
    the browser, and meta and description fill those. ``url_of`` gives each entry's page folder.
    With a ``cache`` (the serve loop's), entry objects kept since the last build reuse their
    documents and unchanged files are not rewritten.
    """
    def doc(entry: Entry) -> SearchDoc:
        return document_for(entry, readme="", text_limit=TEXT_CHARS, url=url_of(entry) if url_of else None)

    if cache is None:
        return write_indexed([indexed(doc(e)) for e in corpus.entries], site_dir)
    fresh: dict[int, tuple[Entry, IndexedDoc]] = {}
    for entry in corpus.entries:
        known = cache.docs.get(id(entry))
        url = url_of(entry) if url_of else None
        reusable = known is not None and known[0] is entry and (url is None or known[1].doc.url == url)
        fresh[id(entry)] = known if reusable and known is not None else (entry, indexed(doc(entry)))
    cache.docs = fresh
    return write_indexed([item for _, item in fresh.values()], site_dir, cache)


def search_page_markdown() -> str:
    """The search page (``search/``) used when the docs folder has no ``search.md`` of its own."""
    return (
        "---\ntitle: Search\nhide:\n  - toc\n---\n\n# Search\n\n"
        '<div id="kb-search-app" class="kb-search">\n'
        "<noscript>Search runs in your browser and needs JavaScript; "
        '<a href="../browse/">browse the entries</a> instead.</noscript>\n</div>\n'
        '<link rel="stylesheet" href="../assets/kb/search/search.css">\n'
        '<script src="../assets/kb/search/search.js" defer></script>\n\n'
        "Type words from a name, alias, tag, platform or description; the last word also matches as a "
        "prefix. Narrow with the buttons, or type `type:model`, `tag:resnet` or `platform:rpi4` "
        "(exact values). The address of this page keeps the query and filters, so a search can be "
        "shared. Keys: <kbd>/</kbd> jumps to the search box from any page, <kbd>↓</kbd>/<kbd>↑</kbd> "
        "move through the results, <kbd>Enter</kbd> opens one and <kbd>Esc</kbd> returns to the box.\n\n"
        "From a terminal, `kb search` answers the same questions with ranking, field syntax and "
        "wildcards (see the CLI reference).\n"
    )
