"""Write generated pages into the built site: component pages, listings, entry JSON."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from generator.ck.corpus import Corpus
from generator.portal import pages
from generator.portal.component import build_site_model, render_component
from generator.portal.render import render
from generator.portal.shell import SHELL_DIR, load_shell


@dataclass(frozen=True)
class WriteStats:
    """What a site write produced (for logs and benchmarks)."""

    entry_pages: int
    listing_pages: int


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def entry_json(entry: object) -> str:
    """The downloadable JSON of an entry (identities, meta, info, desc)."""
    data = entry.to_dict()  # type: ignore[attr-defined]
    data.pop("path", None)
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_site(corpus: Corpus, site_dir: Path) -> WriteStats:
    """Fill the theme shells with every entry and listing page, then drop the shells."""
    entry_shell = load_shell(site_dir, 2)
    listing_shell = load_shell(site_dir, 1)
    site = build_site_model(corpus)
    for entry in corpus.entries:
        page = render_component(entry, site)
        _write(site_dir / page.url / "index.html", entry_shell.fill(page.title, page.body_html, page.url))
        _write(site_dir / page.url / "entry.json", page.json_text)
        for name, data in page.extra_files.items():
            (site_dir / page.url / name).parent.mkdir(parents=True, exist_ok=True)
            (site_dir / page.url / name).write_bytes(data)
    listings = pages.listing_pages(corpus)
    for listing in listings:
        body = render("listing.html", page=listing, root="../")
        _write(site_dir / listing.url / "index.html", listing_shell.fill(listing.module, body, listing.url))
    shutil.rmtree(site_dir / SHELL_DIR, ignore_errors=True)
    return WriteStats(entry_pages=len(corpus.entries), listing_pages=len(listings))
