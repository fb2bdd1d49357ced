"""Theme 'shell' pages: one page rendered by MkDocs per URL depth, filled in for every entry.

Rendering thousands of component pages through the theme costs ~5-7 ms each; instead MkDocs
renders one placeholder page per folder depth and we substitute title and content into its HTML.
Every page at the same depth shares the same relative asset URLs, so the result is identical to
a theme-rendered page.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

TITLE_MARK = "KBSHELLTITLEMARK"
CONTENT_MARK = "<p>KBSHELLCONTENTMARK</p>"
SHELL_DIR = "_kbshell"


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
    """A rendered shell split around its content slot."""

    head: str
    tail: str
    url_path: str

    @classmethod
    def from_html(cls, text: str, url_path: str) -> Shell:
        """Split theme HTML at the content placeholder."""
        head, sep, tail = text.partition(CONTENT_MARK)
        if not sep:
            raise ValueError("shell page has no content placeholder; was the theme changed?")
        return cls(head=head, tail=tail, url_path=url_path)

    def fill(self, title: str, body_html: str, url_path: str) -> str:
        """A full page: the theme around our body, with this page's title and URL."""
        safe_title = html.escape(title, quote=True)
        page = self.head + body_html + self.tail
        return page.replace(TITLE_MARK, safe_title).replace(self.url_path, url_path)


def load_shell(site_dir: Path, depth: int) -> Shell:
    """Read the rendered shell for a depth from the built site."""
    url_path = shell_url_path(depth)
    text = (site_dir / url_path / "index.html").read_text(encoding="utf-8")
    return Shell.from_html(text, url_path)
