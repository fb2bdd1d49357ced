"""Stable URLs: ``/uid/<uid>/`` permalinks and old aliases redirect to an entry's current page.

A static host cannot send HTTP redirects, so each redirect is a tiny HTML page with a canonical
link, a meta refresh and a one-line script (allowed by the page's CSP hash), which works from a
plain file server and from ``file://``. Redirects are planned once per build over all entries:
the first entry to claim a URL keeps it, and real pages always win.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from generator.ck.limits import MAX_ALIASES
from generator.ck.model import Entry
from generator.ck.store import read_alias_file
from generator.portal.render import render
from generator.sitepaths import LISTING_NAMES, is_servable, segment, shown_name, uid_url

_SCRIPT = 'location.replace(document.querySelector("link[rel=canonical]").href+location.hash)'
SCRIPT_HASH = "'sha256-" + base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode() + "'"
CSP = f"default-src 'none'; script-src {SCRIPT_HASH}; style-src 'self'; base-uri 'none'; form-action 'none'"


@dataclass(frozen=True)
class Redirect:
    """A page at ``source`` (site-relative folder) that sends readers to ``target``."""

    source: str
    target: str
    title: str


@dataclass
class RedirectPlan:
    """Every redirect of a build by ``id(entry)``, and what could not be given one."""

    by_entry: dict[int, list[Redirect]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def redirect_html(redirect: Redirect) -> str:
    """The redirect page; ``target`` is made relative to the redirect's own folder."""
    href = "../" * redirect.source.count("/") + redirect.target
    return render("redirect.html", csp=CSP, title=redirect.title, href=href, script=Markup(_SCRIPT))


def old_aliases(entry: Entry) -> list[str]:
    """Earlier aliases of an entry: the lines after the first of its ``alias-u-<uid>`` file."""
    ref = entry.ref
    if not ref.uid or not ref.alias:
        return []
    path = Path(ref.path).parent / ".cm" / f"alias-u-{ref.uid}"
    try:
        if path.lstat().st_size <= len(ref.alias.encode("utf-8")) + 2:
            return []  # one line: no history (the common case; no read needed)
    except OSError:
        return []
    names = read_alias_file(path)[:MAX_ALIASES]  # kb validate reports a longer history ('limit')
    return [n for n in dict.fromkeys(names[1:]) if n != ref.alias]


def plan_redirects(entries: Iterable[Entry], page_of: dict[int, str], module_url: dict[str, str]) -> RedirectPlan:
    """UID permalinks and old-alias redirects of every entry, first claim first (pages are never replaced).

    ``page_of`` maps ``id(entry)`` to its page folder, ``module_url`` a module to its listing folder.
    """
    plan = RedirectPlan()
    taken = {url.lower() for url in page_of.values()}
    for entry in entries:
        url = page_of.get(id(entry))
        if not url:
            continue
        found = []
        ref = entry.ref
        if ref.uid and uid_url(ref.uid).lower() not in taken:
            found.append(Redirect(uid_url(ref.uid), url, entry.name))
        for alias in old_aliases(entry):  # at most MAX_ALIASES: 200,000 lines must not make 200,000 pages
            if not is_servable(alias):
                plan.warnings.append(f"{ref.cid}: old alias '{shown_name(alias)}' cannot be a URL; no redirect")
                continue
            source = module_url[ref.module] + segment(alias, LISTING_NAMES) + "/"
            if source.lower() not in taken:
                found.append(Redirect(source, url, entry.name))
        taken.update(r.source.lower() for r in found)
        if found:
            plan.by_entry[id(entry)] = found
    return plan
