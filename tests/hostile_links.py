"""A small hostile KB aimed at every field the portal renders as a link, and at terminal output.

Twenty-odd entries over the Reef types, each carrying URL payloads that browsers accept as script or
foreign content once obfuscated (``JaVaScRiPt:``, a leading space or control character, a tab or a
newline inside the scheme, ``data:text/html``, ``vbscript:``, an attribute break-out), in every field
a renderer may turn into an ``href``: meta ``url``/``links``/``homepage``/``pdf_url``/``venue_url``/
``source.url``/``workflow_repo_url``, paper ``doi``/``arxiv``/``artifact_doi``, authors with a web page,
repository ``url`` and maintainers, README links (inline, reference-style, autolinks, raw HTML with
character references). Names, titles and tags carry terminal escapes, bidi overrides, U+2028 and
GitHub workflow commands. Small enough to build and crawl page by page in Chromium within seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.hostile_corpus import write_entry

EVIL = "https://evil.example/"
URLS = (
    "javascript:alert({n})",
    "JaVaScRiPt:alert({n})",
    " javascript:alert({n})",
    "\x01javascript:alert({n})",
    "java\tscript:alert({n})",
    "java\nscript:alert({n})",
    "vbscript:msgbox({n})",
    "data:text/html,<script>alert({n})</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "blob:" + EVIL + "{n}",
    "file:///etc/passwd#{n}",
    EVIL + '{n}" onmouseover="alert({n})',
    EVIL + "{n}'><script>alert({n})</script>",
    "http://x\" autofocus onfocus=\"alert({n})",
)
TEXTS = (
    "t\x1b]0;owned\x07{n}", "c\x1b[2J\x1b[31m{n}", "n\n::error::injected {n}", "::warning::lead {n}",
    "q##[add-mask]{n}", "r\u202egnp.exe{n}", "s\u2028t\u2029{n}", "u\x9b31m{n}", "<script>alert({n})</script>",
)  # fmt: skip
BAD_NAMES = ("x\x1b[31m", "y\u202e", "z\u2028", "w\n::error::n")  # unservable: left out, reported
MODULES = ("model", "dataset", "program", "paper", "platform", "solution", "package", "soft", "result")


@dataclass
class LinkKB:
    """Where the KB lives and how many payloads were placed."""

    root: Path
    config: Path
    payloads: int
    left_out: int


class _Counter:
    def __init__(self) -> None:
        self.n = 0

    def url(self) -> str:
        self.n += 1
        return URLS[self.n % len(URLS)].format(n=self.n)

    def text(self) -> str:
        self.n += 1
        return TEXTS[self.n % len(TEXTS)].format(n=self.n)


def _readme(c: _Counter) -> bytes:
    n = c.n + 1
    c.n += 12
    lines = [f"# {c.text()}", "", c.text(), "",
             f"[inline](javascript:alert({n}))", f"[upper](JAVASCRIPT:alert({n + 1}))",
             f"[entity](java&#x09;script:alert({n + 2}))", f"[spaced]( javascript:alert({n + 3}))",
             f"[data](data:text/html;base64,PHNjcmlwdD5hbGVydCh7bn0pPC9zY3JpcHQ+{n + 4})",
             f"[vb](vbscript:msgbox({n + 5}))", f"[ref][r{n}]", "", f"[r{n}]: javascript:alert({n + 6})", "",
             f'<a href="&#106;avascript:alert({n + 7})">char ref</a>',
             f'<a href="jav&#x0A;ascript:alert({n + 8})">newline ref</a>',
             f"<javascript:alert({n + 9})>", f"![img](javascript:alert({n + 10}))",
             f"<img src=x onerror=alert({n + 11})>", f"[fine]({EVIL}ok)"]  # fmt: skip
    return "\n".join(lines).encode()


def _meta(c: _Counter, module: str) -> dict[str, object]:
    meta: dict[str, object] = {
        "tags": [module, c.text(), c.text()], "name": c.text(), "description": c.text(),
        "url": c.url(), "homepage": c.url(), "pdf_url": c.url(), "venue_url": c.url(),
        "workflow_repo_url": c.url(), "source": {"name": c.text(), "url": c.url()},
        "links": [{"title": c.text(), "url": c.url()}, {"title": "ok", "url": c.url()}],
        "authors": [{"name": c.text(), "url": c.url()}, {"name": "B", "webpage": c.url()}],
    }  # fmt: skip
    if module == "paper":
        meta.update(title=c.text(), doi=c.url(), arxiv=c.url(), artifact_doi=c.url(), venue=c.text(), year=2020)
    if module == "result":
        meta.update(benchmark=c.text(), platform_uoa="platform-0", model_uoa="model-0", submitter=c.text(),
                    metrics={c.text(): {"value": 1.5, "unit": c.text(), "direction": "lower"}})  # fmt: skip
    return meta


def make_link_kb(root: Path) -> LinkKB:
    """Write the repository, docs and mkdocs.yml (site_url set) under ``root``."""
    c = _Counter()
    repo = root / "links"
    repo.mkdir(parents=True)
    (repo / ".ckr.json").write_text(json.dumps({
        "data_uoa": "links", "data_alias": "links", "data_uid": "bbbbbbbbbbbbbbb1", "data_name": c.text(),
        "dict": {"kb_profile": "reef", "desc": c.text(), "url": c.url(),
                 "maintainers": [{"name": c.text(), "url": c.url()}, c.text()]}}))  # fmt: skip
    uid = 0
    for number, module in enumerate(MODULES, start=1):  # module alias files, as ck add writes them
        (repo / ".cm").mkdir(exist_ok=True)
        (repo / ".cm" / f"alias-a-{module}").write_text(f"{number:016x}\n")
        (repo / ".cm" / f"alias-u-{number:016x}").write_text(f"{module}\n")
    uid = 0x100
    for module in MODULES:
        for index in range(2):
            uid += 1
            write_entry(repo, module, f"{module}-{index}", f"{uid:016x}", meta=_meta(c, module),
                        info={"data_name": c.text(), "control": {"author": c.text(), "author_webpage": c.url()}},
                        desc={"notes": c.text()}, files={"README.md": _readme(c)})  # fmt: skip
    for name in BAD_NAMES:
        uid += 1
        write_entry(repo, "model", name, f"{uid:016x}", meta=_meta(c, "model"), info={"data_name": c.text()})
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Links\n")
    config = root / "mkdocs.yml"
    config.write_text("site_name: Links\nsite_url: https://kb.example.org/\ntheme:\n  name: material\n"
                      "  font: false\nplugins:\n  - search\n  - kb:\n      repos: [links]\n      history: false\n")
    return LinkKB(root, config, c.n, len(BAD_NAMES))


def run_kb(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """``kb ARGS`` in a fresh process inside ``root`` (bytes: output is checked as a terminal gets it)."""
    env = {**os.environ, "NO_COLOR": "1", "CK_REPOS": ""}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=root, capture_output=True, timeout=600,
                          env=env)  # fmt: skip
