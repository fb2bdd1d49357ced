"""CK artifact-evaluation records → ``paper`` entries.

The records are CK entries such as ``ctuning/reproindex``'s ``component.article`` ones: UID-only, no
name in info.json, the facts in ``misc`` (title, comma-separated authors, ``where``, DOI URLs, the
five ``badge_acm_*`` flags set to "yes", artifact and workflow URLs) and the year only in a tag
(``papers-sysml-2019``). CodeReef's library entries keep the same fields under ``meta``. Each record
becomes a paper with the record's UID (re-importing updates it); the keys a curator adds to link a
paper to the knowledge base (artifacts, results, benchmarks) are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.ck import layout
from generator.ck.ids import is_strict_uid
from generator.ck.jsonio import read_json_object
from generator.errors import GeneratorError
from generator.importers.naming import stable_uid
from generator.importers.sink import EntrySink

MODULE = "paper"
BADGES = {"badge_acm_artifact_available": "available", "badge_acm_artifact_functional": "functional",
          "badge_acm_artifact_reusable": "reusable", "badge_acm_results_reproduced": "reproduced",
          "badge_acm_results_replicated": "replicated"}  # fmt: skip
BADGE_ORDER = ("available", "functional", "reusable", "reproduced", "replicated")
CURATED = ("artifacts", "results", "benchmarks", "abstract")  # added in the knowledge base: never overwritten
LINKS = (("artifact_sources_url", "Artifact sources", "artifact_sources"), ("workflow_url", "Workflow", "workflow"),
         ("results_url", "Results", "results"), ("results_dashboard_url", "Results dashboard", ""),
         ("reproducibility_url", "Reproducibility methodology", ""))  # (URL key, link title, key of a detail)
RECORD_KEYS = ("title", "authors", "where", "paper_doi_url", *BADGES)  # any of them: the dict holds the record
PAPER_TAGS = frozenset({"papers", "paper", "reproduced-papers", "article", "articles"})
_DOI = re.compile(r"(?:doi\.org/|^doi:)(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:\.pdf)?$", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
_SHORT_YEAR = re.compile(r"'(\d\d)\b")
_AND = re.compile(r"\s+(?:and|&)\s+")


def entry_dirs(source: Path) -> Iterator[Path]:
    """Entry folders under a source: the entry itself, a module folder's entries or a repository's."""
    if (source / layout.CM / layout.META).is_file():
        yield source
        return
    if not source.is_dir():
        raise GeneratorError("not a folder of CK entries", path=source, hint="pass a CK repository, module or entry")
    for child in sorted(p for p in source.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if (child / layout.CM / layout.META).is_file():
            yield child
        else:
            yield from (g for g in sorted(child.iterdir()) if g.is_dir() and (g / layout.CM / layout.META).is_file())


def _record(meta: dict[str, Any]) -> dict[str, Any] | None:
    """The fields of an artifact-evaluation record: ``misc`` (reproindex), ``meta`` (CodeReef) or the meta itself."""
    for key in ("misc", "meta"):
        inner = meta.get(key)
        if isinstance(inner, dict) and any(k in inner for k in RECORD_KEYS):
            return inner
    return meta if isinstance(meta.get("title"), str) else None


def _tags(meta: dict[str, Any]) -> list[str]:
    tags = meta.get("tags")
    return [t for t in tags if isinstance(t, str) and t.strip()] if isinstance(tags, list) else []


def _is_paper_record(module: str, meta: dict[str, Any], record: dict[str, Any]) -> bool:
    tags = {t.lower() for t in _tags(meta)}
    return ("article" in module or "paper" in module or bool(tags & PAPER_TAGS)
            or any(k in record for k in BADGES))  # fmt: skip


def _text(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    return " ".join(value.split()) if isinstance(value, str) else ""


def authors_of(value: Any) -> list[str]:
    """'A, B and C' (or a list) -> ['A', 'B', 'C']."""
    parts = value if isinstance(value, list) else str(value or "").split(",")
    names = [n.strip() for part in parts if isinstance(part, str) for n in _AND.split(part)]
    return [n for n in (re.sub(r"^(?:and|&)\s+", "", n) for n in names) if n]


def year_of(record: dict[str, Any], tags: list[str]) -> int | None:
    """The year: the record's own, else one in a tag (papers-sysml-2019), else in the venue (SysML'19)."""
    for text in (str(record.get("year", "")), _text(record, "date"), *reversed(tags), _text(record, "where")):
        found = _YEAR.search(text)
        if found:
            return int(found.group(1))
    short = _SHORT_YEAR.search(_text(record, "where"))
    return 2000 + int(short.group(1)) if short else None


def _web(url: str) -> str:
    return url if url.startswith(("https://", "http://")) and not any(c.isspace() for c in url) else ""


def _identifiers(record: dict[str, Any], paper: dict[str, Any]) -> None:
    """DOI, arXiv id, web and PDF addresses from the record's paper and artifact URLs."""
    for key in ("paper_doi_url", "paper_pdf_url"):
        url = _web(_text(record, key))
        doi, arxiv = _DOI.search(url), _ARXIV.search(url)
        if doi and "doi" not in paper:
            paper["doi"] = doi.group(1)
        elif arxiv and "arxiv" not in paper:
            paper["arxiv"] = arxiv.group(1)
        elif url.lower().endswith(".pdf") and "pdf_url" not in paper:
            paper["pdf_url"] = url
        elif url and "url" not in paper:
            paper["url"] = url
    artifact = _DOI.search(_web(_text(record, "artifact_doi_url")))
    if artifact:
        paper["artifact_doi"] = artifact.group(1)


def _links(record: dict[str, Any]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for key, title, detail_key in LINKS:
        url = _web(_text(record, key))
        if url and all(link["url"] != url for link in found):
            detail = _text(record, detail_key) if detail_key else ""
            found.append({"url": url, "title": f"{title} ({detail})" if detail and "://" not in detail else title})
    return found


def paper_meta(record: dict[str, Any], tags: list[str], source: str) -> dict[str, Any]:
    """The Reef ``paper`` meta of one artifact-evaluation record."""
    paper: dict[str, Any] = {"title": _text(record, "title"), "tags": list(dict.fromkeys(["paper", *tags]))}
    authors = authors_of(record.get("authors"))
    if authors:
        paper["authors"] = authors
    venue, venue_url = _text(record, "where"), _web(_text(record, "where_url"))
    if venue:
        paper["venue"] = venue
    if venue_url:
        paper["venue_url"] = venue_url
    year = year_of(record, tags)
    if year:
        paper["year"] = year
    _identifiers(record, paper)
    badges = {BADGES[k] for k, v in record.items() if k in BADGES and str(v).strip().lower() not in ("", "no", "false")}
    if badges:
        paper["badges"] = [b for b in BADGE_ORDER if b in badges]
    links = _links(record)
    if links:
        paper["links"] = links
    paper["source"] = {"name": source}
    return paper


def _uid_of(entry_dir: Path, info: dict[str, Any]) -> str:
    uid = str(info.get("backup_data_uid", "")).lower()
    if is_strict_uid(uid):
        return uid
    return entry_dir.name.lower() if is_strict_uid(entry_dir.name.lower()) else stable_uid("ck-papers", entry_dir.name)


def _read(path: Path) -> dict[str, Any]:
    return read_json_object(path) if path.is_file() else {}


def import_entry(entry_dir: Path, sink: EntrySink, repo_name: str) -> bool:
    """Import one CK entry if it is an artifact-evaluation record; False (with the reason counted) if not."""
    try:
        meta = read_json_object(entry_dir / layout.CM / layout.META)
        info = _read(entry_dir / layout.CM / layout.INFO)
    except GeneratorError as error:
        sink.stats.warnings.append(f"{entry_dir}: unreadable: {error.message}; entry skipped")
        sink.stats.skip("unreadable entry")
        return False
    module = str(info.get("backup_module_uoa") or entry_dir.parent.name)
    record = _record(meta)
    if record is None or not _is_paper_record(module, meta, record):
        sink.stats.skip("not an artifact-evaluation entry")
        return False
    if not _text(record, "title"):
        sink.stats.skip("record without a title")
        return False
    uid = _uid_of(entry_dir, info)
    tags = _tags(meta)
    paper = paper_meta(record, tags, f"{repo_name} {module}:{entry_dir.name}".strip())
    existing = sink.target.find(MODULE, uid)
    if existing is not None:
        kept = sink.target.load(existing).meta
        paper.update({k: kept[k] for k in CURATED if k in kept})
    sink.put(MODULE, "", uid=uid, meta=paper, name=paper["title"])
    return True


def _repo_name(source: Path) -> str:
    for folder in (source, *source.parents):
        if (folder / layout.REPO_FILE).is_file():
            data = _read(folder / layout.REPO_FILE)
            return str(data.get("data_uoa") or data.get("data_alias") or folder.name)
    return ""


def import_papers(source: Path, sink: EntrySink) -> int:
    """Import every artifact-evaluation record under a source; returns the entries read."""
    name = _repo_name(source.resolve())
    entries = list(entry_dirs(source))
    for entry_dir in entries:
        import_entry(entry_dir, sink, name)
    return len(entries)
