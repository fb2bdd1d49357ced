"""Contributor Markdown (an entry's README or description) to sanitized HTML.

Python-Markdown does not sanitize; its output goes through nh3 with a small allowlist. No
``attr_list``/``md_in_html`` (they let text set ``onclick``), only http(s)/mailto or relative
link targets, images only from the entry's own files (a remote image would leave the machine),
and headings shifted one level down so the page keeps a single ``<h1>``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from html import escape as html_escape
from html import unescape as html_unescape
from urllib.parse import unquote

import markdown as _markdown
import nh3

MAX_SOURCE_CHARS = 100_000
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"},
                      "td": {"align"}, "ol": {"start"}, "code": {"class"}}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}
_EXTENSIONS = ["tables", "fenced_code", "sane_lists", "def_list", "abbr"]
_HEADING = re.compile(r"<(/?)h([1-6])\b")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_LANG_CLASS = re.compile(r"^language-[A-Za-z0-9_+-]{1,30}$")
# A relative URL into the entry's own folder (no scheme, not absolute, not up, not a fragment).
_ENTRY_RELATIVE = re.compile(r'\b(href|src)="(?![a-zA-Z][a-zA-Z0-9+.-]*:|[/\\#?]|\.\./)(?:\./)?([^"]*)"')
_local = threading.local()
# Single-line prose without any Markdown/HTML syntax renders as one escaped paragraph.
_PLAIN = re.compile(r"^(?![\s>#+*=0-9-])[^\\`*_{}\[\]<>#!|&~\n\r\t]*$")


def _converter() -> _markdown.Markdown:
    """One Markdown instance per thread, reset between documents (init costs ~1 ms)."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
        _local.md = md
    return md.reset()


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep images local (no scheme, no protocol-relative, no root-absolute) and code classes plain."""
    if tag == "img" and attribute == "src" and (_SCHEME.match(value) or value.startswith(("/", "\\"))):
        return None
    if tag == "code" and attribute == "class" and not _LANG_CLASS.match(value):
        return None
    return value


def sanitize_html(html: str) -> str:
    """Allowlist-sanitize HTML: no scripts, handlers, styles, frames or unsafe URL schemes."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="nofollow noopener noreferrer",
                     attribute_filter=_filter_attribute, strip_comments=True)  # fmt: skip


def _shift_headings(html: str) -> str:
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}", html)


def _relink(match: re.Match[str], links: Mapping[str, str]) -> str:
    """A relative link or image into the entry's folder, pointed where the page publishes that file."""
    attribute, target = match.group(1), html_unescape(match.group(2))
    path, mark, rest = target.partition("#") if attribute == "href" else (target, "", "")
    found = links.get(unquote(path.partition("?")[0]).removeprefix("./"), "")
    if found and attribute == "href" and mark:
        found += "#" + rest
    return f'{attribute}="{html_escape(found or ("#" if attribute == "href" else ""), quote=True)}"'


def render_markdown(text: str, *, links: Mapping[str, str] | None = None) -> str:
    """Sanitized HTML for contributor Markdown (truncated past MAX_SOURCE_CHARS).

    Relative links and images into the entry's folder go where ``links`` (the entry's file path →
    its copy or source) says; links to anything else lead nowhere.
    """
    if not text or not text.strip():
        return ""
    if len(text) < 2000 and _PLAIN.match(text):  # plain prose: skip the Markdown pass
        return "<p>" + html_escape(text.strip()) + "</p>"
    truncated = len(text) > MAX_SOURCE_CHARS
    source = text[:MAX_SOURCE_CHARS]
    raw = _converter().convert(source)
    html = sanitize_html(_shift_headings(raw))
    if links is not None:
        html = _ENTRY_RELATIVE.sub(lambda m: _relink(m, links), html)
    if truncated:
        html += "<p><em>(description truncated)</em></p>"
    return html
