"""What the site loads and what it may load: our static assets and the Content Security Policy.

Every script, style and font comes from ``generator/portal/assets/`` (copied under
``assets/kb/``), never from a CDN. Top-level ``*.css``/``*.js`` files there are linked from every
page (``kb-portal.js`` first: it runs page hooks on Material's ``document$`` and on
``DOMContentLoaded``); sub-folders such as ``vendor/`` are copied for pages that ask for them.
The CSP allows scripts from the site itself plus the hashes of the theme's inline scripts,
computed per page, so no injected inline script can run; it is the first element of every <head>.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

ASSETS_DIR = Path(__file__).parent / "assets"
THEME_DIR = Path(__file__).parent / "theme"
SITE_PREFIX = "assets/kb/"
FIRST_SCRIPT = "kb-portal.js"
CSP_PLACEHOLDER = "KBCSPPOLICY"
_INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)
_DATA_TYPES = ("application/json", "application/ld+json", "text/template")
_CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="' + CSP_PLACEHOLDER + '">')


def asset_files() -> Iterator[tuple[str, Path]]:
    """(site path, source file) of every asset to copy, sorted."""
    for path in sorted(ASSETS_DIR.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            yield SITE_PREFIX + path.relative_to(ASSETS_DIR).as_posix(), path


def linked_assets(suffix: str) -> list[str]:
    """Site paths of the top-level assets with a suffix that every page links, ours first."""
    names = sorted(p.name for p in ASSETS_DIR.glob(f"*{suffix}") if p.is_file())
    names.sort(key=lambda n: n != FIRST_SCRIPT)
    return [SITE_PREFIX + n for n in names]


def inline_script_hashes(page_html: str) -> list[str]:
    """CSP source expressions for the executable inline scripts of a page."""
    hashes = []
    for attrs, body in _INLINE_SCRIPT.findall(page_html):
        lowered = attrs.lower()
        if "src=" in lowered or any(t in lowered for t in _DATA_TYPES):
            continue
        digest = hashlib.sha256(body.encode("utf-8")).digest()
        hashes.append("'sha256-" + base64.b64encode(digest).decode("ascii") + "'")
    return sorted(set(hashes))


# The policy of every page, besides its own inline-script hashes. No 'unsafe-eval' anywhere: charts use
# Vega's expression interpreter. frame-ancestors only works as an HTTP header (see headers_file).
_POLICY = ("default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
           "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
           "base-uri 'self'; form-action 'self'")  # fmt: skip
SEEN_HASHES: set[str] = set()  # inline-script hashes of the pages of this process's builds (for _headers)


def policy(script_hashes: list[str]) -> str:
    """The Content Security Policy of a theme page."""
    return _POLICY.format(scripts=" ".join(["'self'", *script_hashes]))


def apply_csp(page_html: str) -> str:
    """Fill the CSP placeholder, the first element of the theme's <head>, with this page's policy.

    A page without the placeholder gets the policy as the first element after ``<head>``.
    """
    hashes = inline_script_hashes(page_html)
    SEEN_HASHES.update(hashes)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(hashes)}">'
    if _CSP_META.search(page_html):
        return _CSP_META.sub(lambda _: meta, page_html, count=1)
    head, sep, rest = page_html.partition("<head>")
    return head + sep + "\n" + meta + rest if sep else page_html


def headers_file(extra_hashes: list[str]) -> str:
    """``_headers`` for hosts that read one (Netlify, Cloudflare Pages): the page policy as a header
    with ``frame-ancestors``, no MIME sniffing, a referrer policy; feeds and API files run nothing."""
    page_policy = policy(sorted(SEEN_HASHES | set(extra_hashes))) + "; frame-ancestors 'none'"
    inert = "default-src 'none'; sandbox; frame-ancestors 'none'"
    lines = ["# Reef KB: HTTP headers for hosts that read this file (see docs/security.md).", "/*",
             f"  Content-Security-Policy: {page_policy}", "  X-Content-Type-Options: nosniff",
             "  Referrer-Policy: strict-origin-when-cross-origin", "  X-Frame-Options: DENY",
             "  Cross-Origin-Opener-Policy: same-origin"]  # fmt: skip
    for path in ("/feeds/*", "/api/*", "/search-index/*"):
        lines += [path, f"  Content-Security-Policy: {inert}"]
    return "\n".join(lines) + "\n"
