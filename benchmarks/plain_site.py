"""The plain MkDocs Material baseline for a KB: one Markdown page per entry with comparable content.

Each page shows what a component page shows at its core: the entry's name, type and tags, a table
of its meta's top-level fields (values as compact JSON, cut at VALUE_CHARS), and links to the
entries it references (the first LINKS per reference, "and N more" after them, as ours). Material's
search plugin is on, the nav is minimal (the pages are built but not listed), exactly the
configuration PERFORMANCE-NOTES recommends. References are resolved here, outside the measured
build, with the project's reference graph.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.synth import PLAIN_MKDOCS_CONFIG
from generator.ck.corpus import Corpus
from generator.ck.model import Entry
from generator.ck.references import build_reference_graph
from generator.ck.resolve import Workspace

VALUE_CHARS = 200
LINKS = 5
WHAT = ("one Markdown page per entry: name, type and tags, a table of the meta's top-level fields "
        f"(compact JSON, cut at {VALUE_CHARS} characters), links to referenced entries (first {LINKS} "
        "per reference); Material theme, search plugin on, minimal nav")  # fmt: skip


def page_path(entry: Entry) -> str:
    """Where an entry's page lives under docs/ (repository, module, folder: unique in a workspace)."""
    return f"components/{entry.ref.repo}/{entry.ref.module}/{entry.ref.path.name}.md"


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _link(source: Entry, target: Entry) -> str:
    depth = page_path(source).count("/")
    return f"[{_cell(target.name)}]({'../' * depth}{page_path(target)})"


def render_page(entry: Entry, references: list[tuple[str, list[Entry], int]]) -> str:
    """The Markdown of one entry's baseline page."""
    lines = [f"# {_cell(entry.name)}", "", f"Type: {entry.ref.module}. Tags: {_cell(', '.join(entry.tags))}.", "",
             "| Field | Value |", "| --- | --- |"]  # fmt: skip
    lines += [f"| {_cell(key)} | {_cell(value)} |" for key, value in entry.meta.items()]
    if references:
        lines += ["", "## References", ""]
        for where, targets, total in references:
            links = ", ".join(_link(entry, t) for t in targets) or "(unresolved)"
            more = f" and {total - len(targets)} more" if total > len(targets) else ""
            lines.append(f"- `{where}`: {links}{more}")
    return "\n".join(lines) + "\n"


def write_plain_site(repos: list[Path], root: Path) -> tuple[Path, str]:
    """Write the baseline project for these repositories; returns its mkdocs.yml and one sample page."""
    corpus = Corpus.load(Workspace.open(repos))
    graph = build_reference_graph(corpus)
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Plain MkDocs baseline\n", encoding="utf-8")
    sample = ""
    for entry in corpus.entries:
        references = [(r.reference.json_path, list(r.targets[:LINKS]), len(r.targets)) for r in graph.outgoing(entry)]
        text = render_page(entry, references)
        path = docs / page_path(entry)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not sample and references:
            sample = text
    (root / "mkdocs.yml").write_text(PLAIN_MKDOCS_CONFIG, encoding="utf-8")
    return root / "mkdocs.yml", sample
