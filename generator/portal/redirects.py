"""Stable URLs: ``/uid/<uid>/`` permalinks and old aliases redirect to an entry's current page.

A static host cannot send HTTP redirects, so each redirect is a tiny HTML page with a canonical
link, a meta refresh and a one-line script (allowed by the page's CSP hash), which works from a
plain file server and from ``file://``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.ck.limits import MAX_ALIASES
from generator.ck.model import Entry
from generator.ck.store import read_alias_file

_SCRIPT = 'location.replace(document.querySelector("link[rel=canonical]").href+location.hash)'
_SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
CSP = (f"default-src 'none'; script-src '{_SCRIPT_HASH}'; style-src 'self'; base-uri 'none'; "
       "form-action 'none'")  # fmt: skip


@dataclass(frozen=True)
class Redirect:
    """A page at ``source`` (site-relative folder) that sends readers to ``target``."""

    source: str
    target: str
    title: str


def uid_url(uid: str) -> str:
    """Site-relative folder of a UID permalink."""
    return f"uid/{uid}/"


def redirect_html(redirect: Redirect) -> str:
    """The redirect page; ``target`` is made relative to the redirect's own folder."""
    depth = redirect.source.count("/")
    href = html.escape("../" * depth + redirect.target, quote=True)
    title = html.escape(redirect.title, quote=True)
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
        f"<title>Redirecting to {title}</title>\n<link rel=\"canonical\" href=\"{href}\">\n"
        f"<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={href}\">\n"
        f"<script>{_SCRIPT}</script>\n</head><body>\n"
        f"<p>This page moved to <a href=\"{href}\">{title}</a>.</p>\n</body></html>\n"
    )


def old_aliases(entry: Entry) -> list[str]:
    """Earlier aliases of an entry: the lines after the first of its ``alias-u-<uid>`` file."""
    ref = entry.ref
    if not ref.uid or not ref.alias:
        return []
    path = Path(ref.path).parent / ".cm" / f"alias-u-{ref.uid}"
    try:
        if os.lstat(path).st_size <= len(ref.alias.encode("utf-8")) + 2:
            return []  # one line: no history (the common case; no read needed)
    except OSError:
        return []
    names = read_alias_file(path)[:MAX_ALIASES]  # kb validate reports a longer history ('limit')
    return [n for n in dict.fromkeys(names[1:]) if n != ref.alias and _safe_segment(n)]


def _safe_segment(name: str) -> bool:
    return bool(name) and name not in {".", ".."} and not any(c in name for c in "/\\\0") and len(name) <= 255


def entry_redirects(entry: Entry, url: str, taken: set[str]) -> Iterator[Redirect]:
    """The UID permalink and old-alias redirects of one entry (skipping URLs real pages use)."""
    ref = entry.ref
    if ref.uid:
        yield Redirect(uid_url(ref.uid), url, entry.name)
    for alias in old_aliases(entry):
        source = f"{ref.module}/{alias}/"
        if source not in taken:
            yield Redirect(source, url, entry.name)
