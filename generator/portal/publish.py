"""What a build publishes: the entries the site can carry, decided before anything is written.

An entry whose repository, module, name or UID cannot be a URL segment (``generator.sitepaths``),
or whose meta, info or desc holds a value strict JSON cannot (``1e999``, a lone surrogate), is left
out with one error diagnostic naming its file and the reason; every other entry is published. One
bad pull request therefore never stops a deploy or takes the site down with it (issue 14).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.ck import layout
from generator.ck.corpus import Corpus
from generator.ck.model import Entry
from generator.diagnostics import Diagnostic, Severity
from generator.portal.urls import SiteUrls, assign_urls
from generator.schema.value_checks import value_diagnostics
from generator.sitepaths import ROOT_NAMES, shown_name

SKIPPED = "not-published"
SAME_NAME = "same-name-in-repositories"


@dataclass
class Publication:
    """The corpus to publish, the URLs of its entries, and the diagnostics of what was left out."""

    corpus: Corpus
    urls: SiteUrls
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def skipped(self) -> list[Diagnostic]:
        """One error per entry left out of the site."""
        return [d for d in self.diagnostics if d.code == SKIPPED]


def _meta_path(entry: Entry) -> str:
    return str(layout.cm_file(entry.ref.path, layout.META))


def _value_problem(entry: Entry) -> str:
    try:  # one pass at C speed for the common case (strict JSON refuses NaN/infinity, UTF-8 a lone surrogate)
        json.dumps((entry.meta, entry.info, entry.desc), allow_nan=False, ensure_ascii=False).encode("utf-8")
        return ""
    except (ValueError, UnicodeEncodeError, RecursionError):
        pass
    for name, data in ((layout.META, entry.meta), (layout.INFO, entry.info), (layout.DESC, entry.desc)):
        found = value_diagnostics(data, lambda n=name: n)
        if found:
            return f"{name} {found[0].json_path}: {found[0].message}"
    return ""


def _skipped(entry: Entry, reason: str) -> Diagnostic:
    return Diagnostic(code=SKIPPED, severity=Severity.ERROR, path=_meta_path(entry),
                      message=f"{shown_name(entry.ref.cid, 200)} is left out of the site: {reason}",
                      hint="rename it (letters, digits, '.', '-', '_') or fix the value; kb validate lists every "
                           "problem")  # fmt: skip


def _clash_diagnostics(urls: SiteUrls) -> list[Diagnostic]:
    """One warning per set of repositories sharing entry names (a copied collection: hundreds of names)."""
    by_repos: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
    for clash in urls.clashes:
        by_repos[clash.repos].append(clash.entries[1])
    found = []
    for repos, entries in by_repos.items():
        names = ", ".join(shown_name(f"{e.ref.module}:{e.ref.uoa}") for e in entries[:3])
        more = f" and {len(entries) - 3} more" if len(entries) > 3 else ""
        found.append(Diagnostic(
            code=SAME_NAME, severity=Severity.WARNING, path=_meta_path(entries[0]),
            message=f"{len(entries)} entr{'y is' if len(entries) == 1 else 'ies are'} in repositories "
                    f"{', '.join(repos)} under the same type and name ({names}{more}); {repos[0]}'s keep the plain "
                    "URLs, the others' pages are under repos/<repository>/",
            hint="nothing is lost; rename one of them if they are different things"))  # fmt: skip
    return found


def publication(corpus: Corpus, reserved_roots: Iterable[str] = ROOT_NAMES) -> Publication:
    """Decide what a build publishes (the same corpus object when nothing is left out)."""
    diagnostics: list[Diagnostic] = []
    kept: list[Entry] = []
    for entry in corpus.entries:
        problem = _value_problem(entry)
        if problem:
            diagnostics.append(_skipped(entry, problem))
        else:
            kept.append(entry)
    urls = assign_urls(kept, reserved_roots)
    refused = {id(entry) for entry, _ in urls.refused}
    diagnostics += [_skipped(entry, reason) for entry, reason in urls.refused]
    diagnostics += _clash_diagnostics(urls)
    if len(kept) == len(corpus.entries) and not refused:
        return Publication(corpus, urls, diagnostics)
    published = Corpus(corpus.workspace, entries=[e for e in kept if id(e) not in refused], problems=corpus.problems)
    return Publication(published, urls, diagnostics)
