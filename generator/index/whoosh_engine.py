"""The Whoosh engine: one schema, bulk build, incremental update, ranked search, facets, more-like-this.

The ONLY module that imports Whoosh (``whoosh-reloaded``; same API as whoosh 2.7.4). Anything
Whoosh-specific stays behind ``WhooshEngine`` so another engine (a Whoosh fork, tantivy) can
replace it without touching callers.
"""

from __future__ import annotations

import contextlib
import gc
import html
import logging
import multiprocessing as mp
import re
import shutil
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from generator.index.documents import SearchDoc
from generator.index.light_import import light_whoosh_import
from generator.index.model import FACET_FIELDS, SearchHit, SearchRequest, SearchResults

with light_whoosh_import():
    from whoosh import fields, index, qparser, query, sorting
    from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
    from whoosh.codec.whoosh3 import W3Codec
    from whoosh.filedb.filestore import FileStorage
    from whoosh.writing import SegmentWriter

SCHEMA_VERSION = 4  # 3: every string value of the meta in the text; 4: parts of compound words (issue 19)
SNIP_CHARS = 1_200
SCORE_ALL_BELOW = 2_000  # estimated matches under which every match is scored in one pass
TEXT_FIELDS = frozenset({"text", "name", "alias_text", "tags", "platform", "framework"})
INDEX_NAME = "kb"
log = logging.getLogger(__name__)
EXACT_ALIAS_BOOST = 100.0
DEFAULT_FIELDS = ("alias_text", "name", "tags", "platform", "framework", "module", "text")
FIELD_ALIASES = {"tags": ["tag"], "module": ["type", "module_uoa"], "alias_text": ["alias"],
                 "platform": ["board"], "text": ["body"]}  # fmt: skip


_PART = re.compile(r"[^\W_]+")


class CompoundPartsFilter(Filter):  # type: ignore[misc]  # Whoosh is untyped
    """Index each part of a compound word too (``mobilenet_0.25_224``: ``mobilenet``, ``0``, ``25``,
    ``224``) at the word's position, as ``ck search --search_string=*224*`` finds it; queries are
    left whole so that ``mobilenet_v1`` still asks for that word (issue 19)."""

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        for token in tokens:
            text = token.text
            yield token
            if token.mode == "query" or text.isalnum():
                continue
            for part in dict.fromkeys(_PART.findall(text)):
                if part != text:
                    token.text = part
                    yield token


def _analyzer(*, stem: bool) -> Any:
    """Words as Whoosh's standard tokenizer finds them, lowercased, with their compound parts; the
    free text also drops stop words and is stemmed."""
    chain = RegexTokenizer() | LowercaseFilter() | CompoundPartsFilter()
    return chain | StopFilter() | StemFilter() if stem else chain


def build_schema() -> fields.Schema:
    """The one schema declaration: identities, facets (tags/platform/framework/module) and free text."""
    keyword = {"stored": True, "commas": True, "lowercase": True, "scorable": True}
    plain = _analyzer(stem=False)
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        uid=fields.ID(stored=True),
        alias=fields.STORED(),
        alias_exact=fields.ID(),
        alias_text=fields.TEXT(analyzer=plain, field_boost=3.0),
        module=fields.ID(stored=True, sortable=True),
        repo=fields.ID(stored=True, sortable=True),
        name=fields.TEXT(analyzer=plain, stored=True, field_boost=3.0),
        tags=fields.KEYWORD(field_boost=2.0, **keyword),
        platform=fields.KEYWORD(field_boost=1.5, **keyword),
        framework=fields.KEYWORD(field_boost=1.5, **keyword),
        text=fields.TEXT(analyzer=_analyzer(stem=True)),
        snip=fields.STORED(),  # the first SNIP_CHARS of the text: highlighting and more-like-this
        url=fields.STORED(),
        summary=fields.STORED(),
    )


def _fields_of(doc: SearchDoc) -> dict[str, Any]:
    return {"key": doc.key, "uid": doc.uid, "alias": doc.alias, "alias_exact": doc.alias.lower(),
            "alias_text": doc.alias.replace("-", " ").replace("_", " ") if doc.alias else doc.uid,
            "module": doc.module, "repo": doc.repo, "name": doc.name,
            "tags": ",".join(t.replace(",", " ") for t in doc.tags),
            "platform": ",".join(doc.platform), "framework": ",".join(doc.framework),
            "text": doc.text, "snip": doc.text[:SNIP_CHARS], "url": doc.url, "summary": doc.summary}  # fmt: skip


class WhooshEngine:
    """A Whoosh index in one cache folder."""

    def __init__(self, folder: Path, *, mapped: bool = False) -> None:
        self.folder = folder
        self.mapped = mapped  # mmap the segments: slower to open, faster queries (long-lived processes)
        self._ix: Any = None
        self._searcher: Any = None
        self._parsers: dict[Any, Any] = {}

    # -- lifecycle ----------------------------------------------------------------------------

    def open(self) -> None:
        """Open the existing index; raises whatever Whoosh raises for a missing or broken one."""
        self.close()
        # Without mmap, Whoosh reads only what a query needs; with it, it copies each compound-file
        # part into a BytesIO on open (~20 ms per 10,000 entries) and then answers faster.
        storage = FileStorage(str(self.folder), supports_mmap=self.mapped)
        self._ix = storage.open_index(INDEX_NAME, schema=build_schema())
        self._searcher = self._ix.searcher()
        self._searcher.doc_count()  # touches the segments so a truncated index fails here

    def try_open(self) -> bool:
        """Open the index; False when it is missing or damaged (Whoosh unpickles: it raises almost anything)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)  # Whoosh leaks the file of a bad TOC
            try:
                self.open()
            except Exception:
                self.close()
                gc.collect()  # let the leaked file objects go while the warning filter is on
                return False
        return True

    def __del__(self) -> None:
        """An engine dropped without ``close()`` still closes its segment files (read without mmap)."""
        with contextlib.suppress(Exception):
            self.close()

    def close(self) -> None:
        """Release the searcher (Whoosh keeps files open)."""
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = None
        self._ix = None

    def build(self, docs: Iterable[SearchDoc]) -> int:
        """Create a fresh index from every document, in this process."""

        def feed(add: Callable[[SearchDoc], None]) -> None:
            for doc in docs:
                add(doc)

        return self.build_parts([feed])[0]

    def build_parts(self, parts: Sequence[PartFn]) -> tuple[int, list[Any]]:
        """Create a fresh index from parts that each produce their own documents (``part(add)``).

        With several parts (and ``fork``), each runs in its own process and writes its own segment,
        so reading, parsing and indexing use every core; a part's return value comes back pickled.
        Returns the number of documents and each part's return value, in order.
        """
        if len(parts) > 1 and "fork" in mp.get_all_start_methods():
            try:
                found = _build_forked(self._fresh(), parts)
                self.open()
                return found
            except RuntimeError as exc:  # e.g. out of memory in a child: one process is slower but sure
                log.warning("%s; indexing in one process", exc)
        writer = self._fresh().writer(limitmb=256, codec=_build_codec())
        count, results = 0, []
        for part in parts:
            added, result = _run_part(writer, part)
            count += added
            results.append(result)
        writer.commit()
        self.open()
        return count, results

    def _fresh(self) -> Any:
        """An empty index in this engine's folder (whatever was there is removed)."""
        self.close()
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        return index.create_in(str(self.folder), build_schema(), indexname=INDEX_NAME)

    def update(self, upserts: Sequence[SearchDoc], deletes: Sequence[str]) -> None:
        """Replace changed documents and delete removed ones in one commit."""
        if not upserts and not deletes:
            return
        assert self._ix is not None, "open() the index first"
        self.close()
        # Writers merge segments through Whoosh's default (mmapped) storage, which closes what it opens.
        writer = index.open_dir(str(self.folder), indexname=INDEX_NAME, schema=build_schema()).writer(limitmb=128)
        for key in deletes:
            writer.delete_by_term("key", key)
        for doc in upserts:
            writer.update_document(**_fields_of(doc))
        writer.commit()
        self.open()

    @property
    def doc_count(self) -> int:
        """Documents in the index."""
        return int(self._searcher.doc_count()) if self._searcher is not None else 0

    # -- searching ------------------------------------------------------------------------------

    def _parser(self, group: Any) -> qparser.QueryParser:
        parser = self._parsers.get(group)
        if parser is None:  # building a parser compiles its regexes: once per engine, not per query
            parser = qparser.MultifieldParser(list(DEFAULT_FIELDS), self._ix.schema, group=group)
            parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
            self._parsers[group] = parser
        return parser

    def _query(self, text: str, group: Any) -> Any:
        text = text.strip()
        if not text:
            return query.Every()
        parsed = self._parser(group).parse(text)
        if ":" not in text and not any(c in text for c in '*?"()'):
            return query.Or([parsed, query.Term("alias_exact", text.lower(), boost=EXACT_ALIAS_BOOST)])
        return parsed

    @staticmethod
    def _filter(request: SearchRequest) -> Any:
        parts: list[Any] = []
        if request.modules:
            parts.append(query.Or([query.Term("module", m) for m in request.modules]))
        parts.extend(query.Term("tags", t.strip().lower()) for t in request.tags if t.strip())
        return query.And(parts) if parts else None

    def search(self, request: SearchRequest) -> SearchResults:
        """Ranked hits with snippets; falls back to any-word matching when all-words finds nothing."""
        assert self._searcher is not None, "open() the index first"
        results = self._run(request, qparser.AndGroup)
        words = request.text.split()
        if len(results) == 0 and len(words) > 1 and ":" not in request.text:
            results = self._run(request, qparser.OrGroup)
        return self._collect(request, results)

    def _run(self, request: SearchRequest, group: Any) -> Any:
        q = self._query(request.text, group)
        # Few candidates: scoring them all is cheaper than a top-N pass plus a second counting pass,
        # and their facets are counted from their stored fields (Whoosh would read every posting).
        small = q.estimate_size(self._searcher.reader()) <= SCORE_ALL_BELOW
        groups = None
        if request.facets and not small:
            groups = {"module": sorting.FieldFacet("module", maptype=sorting.Count)}
            for name in FACET_FIELDS[1:]:
                groups[name] = sorting.FieldFacet(name, allow_overlap=True, maptype=sorting.Count)
        limit = None if small or request.limit is None else max(1, request.limit)
        return self._searcher.search(q, limit=limit, filter=self._filter(request), groupedby=groups)

    def _collect(self, request: SearchRequest, results: Any) -> SearchResults:
        hits = []
        marker = _marker(results.q)
        for hit in results if request.limit is None else results[: request.limit]:
            stored = hit.fields()
            snippet = highlight_text(stored.get("snip", ""), marker)
            snippet = snippet or html.escape(stored.get("summary", ""), quote=False)
            hits.append(_hit(stored, float(hit.score or 0.0), snippet))
        facets = self._facets(results) if request.facets else {}
        return SearchResults(query=request.text, total=len(results), hits=hits, facets=facets)

    def _facets(self, results: Any) -> dict[str, list[tuple[str, int]]]:
        counters: dict[str, Counter[str]] = {name: Counter() for name in FACET_FIELDS}
        if results.facet_names():
            for name in FACET_FIELDS:
                counters[name].update({_text(v): int(c) for v, c in results.groups(name).items() if v is not None})
        else:  # every match was collected: count from stored fields
            for docnum in results.docs():
                stored = self._searcher.stored_fields(docnum)
                counters["module"][stored.get("module", "")] += 1
                for name in FACET_FIELDS[1:]:
                    counters[name].update(_split(stored.get(name, "")))
        return {name: sorted(((v, c) for v, c in counts.items() if v), key=lambda vc: (-vc[1], vc[0]))
                for name, counts in counters.items()}  # fmt: skip

    def more_like(self, key: str, k: int = 5) -> list[SearchHit]:
        """Entries most like one entry (by the words of its text, tags and name)."""
        assert self._searcher is not None, "open() the index first"
        docnum = self._searcher.document_number(key=key)
        if docnum is None:
            return []
        snip = self._searcher.stored_fields(docnum).get("snip", "")
        found = self._searcher.more_like(docnum, "text", text=snip, top=k, numterms=12, normalize=True)
        return [_hit(hit.fields(), float(hit.score or 0.0), "") for hit in found]


def _marker(q: Any) -> re.Pattern[str] | None:
    """A regex for the query's words in free text (stemmed words match as prefixes: model → models)."""
    words = {_text(text).lower() for field, text in q.iter_all_terms()
             if field in TEXT_FIELDS and len(_text(text)) > 1}  # fmt: skip
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<![\w])(?:" + alternatives + r")[\w]*", re.IGNORECASE)


def highlight_text(text: str, marker: re.Pattern[str] | None, width: int = 180) -> str:
    """A window of ``text`` around the first match, HTML-escaped, with every match in ``<mark>``."""
    found = marker.search(text) if marker is not None else None
    if found is None:
        return ""
    start = max(0, found.start() - 50)
    end = min(len(text), start + width)
    window = text[start:end]
    parts, pos = [], 0
    for match in marker.finditer(window):
        parts.append(html.escape(window[pos : match.start()], quote=False))
        parts.append("<mark>" + html.escape(match.group(0), quote=False) + "</mark>")
        pos = match.end()
    parts.append(html.escape(window[pos:], quote=False))
    return ("…" if start else "") + "".join(parts).strip() + ("…" if end < len(text) else "")


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split(",") if v) if value else ()


def _hit(stored: dict[str, Any], score: float, snippet: str) -> SearchHit:
    return SearchHit(key=stored["key"], uid=stored.get("uid", ""), alias=stored.get("alias", ""),
                     module=stored.get("module", ""), repo=stored.get("repo", ""), name=stored.get("name", ""),
                     url=stored.get("url", ""), tags=_split(stored.get("tags", "")),
                     platform=_split(stored.get("platform", "")), score=score, snippet=snippet)  # fmt: skip


PartFn = Callable[[Callable[[SearchDoc], None]], Any]


def _build_codec() -> Any:
    """Whoosh's codec without zlib on posting blocks: a tenth less CPU for a full build (readers
    see the compression of each block, so later updates may compress theirs)."""
    return W3Codec(compression=0)


def _run_part(writer: Any, part: PartFn) -> tuple[int, Any]:
    """Feed one part's documents to a writer; (documents added, the part's return value)."""
    added = 0

    def add(doc: SearchDoc) -> None:
        nonlocal added
        writer.add_document(**_fields_of(doc))
        added += 1

    result = part(add)
    return added, result


def _index_in_child(ix: Any, part: PartFn, conn: Any) -> None:
    """Body of a forked part: its own segment writer (the parent holds the index lock)."""
    try:
        writer = SegmentWriter(ix, _lk=False, limitmb=128, codec=_build_codec())
        added, result = _run_part(writer, part)
        segment = writer._finalize_segment() if added else None
        if segment is None:
            writer.cancel()
        conn.send(("ok", segment, added, result))
    except BaseException as exc:  # reported to the parent, which builds in one process instead
        conn.send(("error", None, 0, f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _build_forked(ix: Any, parts: Sequence[PartFn]) -> tuple[int, list[Any]]:
    """Index every part in a forked process; the segments they wrote form the index (one commit)."""
    ctx = mp.get_context("fork")
    main = SegmentWriter(ix, limitmb=32)  # takes the index's write lock for the whole build
    children = []
    for part in parts:
        receive, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_index_in_child, args=(ix, part, send), daemon=True)
        proc.start()
        send.close()
        children.append((proc, receive))
    outcomes = []
    for proc, receive in children:
        try:
            outcomes.append(receive.recv())
        except EOFError:
            outcomes.append(("error", None, 0, f"index writer process exited with {proc.exitcode}"))
        proc.join()
    failed = [o[3] for o in outcomes if o[0] != "ok"]
    if failed:
        main.cancel()
        raise RuntimeError("parallel index build failed: " + "; ".join(failed))
    main._close_segment()
    main._commit_toc([o[1] for o in outcomes if o[1] is not None])
    main._finish()
    return sum(o[2] for o in outcomes), [o[3] for o in outcomes]
