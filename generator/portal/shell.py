"""Theme 'shell' pages: one page rendered by MkDocs per URL depth, filled in for every entry.

Rendering thousands of component pages through the theme costs ~5-7 ms each; instead MkDocs
renders one placeholder page per folder depth and we substitute title and content into its HTML.
Every page at the same depth shares the same relative asset URLs, so the result is identical to
a theme-rendered page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape

from generator.sitepaths import relpath_problem

TITLE_MARK = "KBSHELLTITLEMARK"
CONTENT_MARK = "<p>KBSHELLCONTENTMARK</p>"
SHELL_DIR = "_kbshell"
# Folder depths of generated pages: module listings (1); entry, tag, repository and dashboard pages
# (2); entries whose name another repository took first, ``repos/<repo>/<module>/<name>/`` (4).
SHELL_DEPTHS = (1, 2, 4)
# Raw-text elements whose whitespace is content (and inline scripts, whose CSP hash covers every byte).
_KEEP_AS_IS = re.compile(r"(<(script|style|pre|textarea)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
_INDENT = re.compile(r"\n\s+")


def shell_markdown() -> str:
    """Markdown source of a shell page (front matter hides it from search and the TOC)."""
    return (
        f"---\ntitle: {TITLE_MARK}\nsearch:\n  exclude: true\nhide:\n  - toc\n---\n\n"
        "KBSHELLCONTENTMARK\n"
    )


def shell_src_uri(depth: int) -> str:
    """Source path of the shell for pages ``depth`` folders below the site root."""
    return "/".join([SHELL_DIR] + [f"d{i}" for i in range(1, depth)]) + ".md"


def shell_url_path(depth: int) -> str:
    """The URL folder MkDocs gives that shell (with directory URLs)."""
    return shell_src_uri(depth)[: -len(".md")] + "/"


@dataclass(frozen=True)
class Shell:
    """A rendered shell cut at its slots: the page title, its URL folder and the content."""

    parts: tuple[str, ...]  # theme HTML between the slots
    slots: tuple[str, ...]  # "title", "url" or "body" after each part but the last
    url_path: str

    @classmethod
    def from_html(cls, text: str, url_path: str) -> Shell:
        """Cut theme HTML at the title, URL and content placeholders."""
        if CONTENT_MARK not in text:
            raise ValueError("shell page has no content placeholder; was the theme changed?")
        text = compact_theme_html(text)
        kinds = {TITLE_MARK: "title", url_path: "url", CONTENT_MARK: "body"}
        pieces = re.split("(" + "|".join(re.escape(k) for k in kinds) + ")", text)
        return cls(parts=tuple(pieces[0::2]), slots=tuple(kinds[k] for k in pieces[1::2]), url_path=url_path)

    @property
    def head(self) -> str:
        """The theme HTML before the content (for keys of what a page depends on)."""
        return "\x1f".join(self.parts[: self.slots.index("body") + 1])

    @property
    def tail(self) -> str:
        """The theme HTML after the content."""
        return "\x1f".join(self.parts[self.slots.index("body") + 1 :])

    def fill(self, title: str, body_html: str, url_path: str) -> str:
        """A full page: the theme around our body, with this page's title (escaped by the template
        engine's escaper) and URL folder (a path from ``generator.sitepaths``, checked again here)."""
        if relpath_problem(url_path.rstrip("/") or "x"):
            raise ValueError(f"not a site path: {url_path!r}")
        values = {"title": str(escape(title)), "url": url_path, "body": body_html}
        out = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:], strict=True):
            out += (values[slot], part)
        return "".join(out)


def compact_theme_html(text: str) -> str:
    """The theme's HTML without line indentation and blank lines (~2.5 kB of every page, issue 19);
    scripts, styles, ``pre`` and ``textarea`` are kept byte for byte."""
    pieces = _KEEP_AS_IS.split(text)
    out = []
    for index in range(0, len(pieces), 3):  # split() yields text, whole match, tag name, text, ...
        out.append(_INDENT.sub("\n", pieces[index]))
        if index + 1 < len(pieces):
            out.append(pieces[index + 1])
    return "".join(out)


def load_shell(site_dir: Path, depth: int) -> Shell:
    """Read the rendered shell for a depth from the built site."""
    url_path = shell_url_path(depth)
    text = (site_dir / url_path / "index.html").read_text(encoding="utf-8")
    return Shell.from_html(text, url_path)
