"""What the site loads and what it may load: our static assets and the Content Security Policy.

Every script, style and font comes from ``generator/portal/assets/`` (copied under
``assets/kb/``), never from a CDN. Top-level ``*.css``/``*.js`` files there are linked from every
page (``kb-portal.js`` first: it runs page hooks on Material's ``document$`` and on
``DOMContentLoaded``); sub-folders such as ``vendor/`` are copied for pages that ask for them.
The CSP allows scripts from the site itself plus the hashes of the theme's inline scripts,
computed per page, so no injected inline script can run.
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
_VEGA_SCRIPT = re.compile(r'<script[^>]+src="[^"]*vega[^"]*\.js"', re.IGNORECASE)
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


def policy(script_hashes: list[str], *, unsafe_eval: bool = False) -> str:
    """The Content Security Policy of a theme page."""
    scripts = " ".join(["'self'", *script_hashes, *(["'unsafe-eval'"] if unsafe_eval else [])])
    return ("default-src 'self'; " f"script-src {scripts}; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
            "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
            "form-action 'self'")  # fmt: skip


def apply_csp(page_html: str, *, unsafe_eval: bool = False) -> str:
    """Fill the theme's CSP meta tag (or add one after <head>) with this page's policy.

    Pages that load Vega get ``'unsafe-eval'`` (Vega compiles chart expressions with ``Function``).
    """
    unsafe_eval = unsafe_eval or _VEGA_SCRIPT.search(page_html) is not None
    content = policy(inline_script_hashes(page_html), unsafe_eval=unsafe_eval)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    if _CSP_META.search(page_html):
        return _CSP_META.sub(lambda _: meta, page_html, count=1)
    head, sep, rest = page_html.partition("<head>")
    return head + sep + "\n" + meta + rest if sep else page_html
