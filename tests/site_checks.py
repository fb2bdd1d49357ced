"""What every page, feed and JSON file of a built site must be, checked without a browser.

``page_problems`` parses one HTML page and lists what could run or leak: event-handler attributes,
URLs of any scheme but http(s) and mailto (``javascript:``, ``data:text`` …), frames, objects,
``<base>``, foreign forms, refreshes to anywhere but the site, inline scripts the page's Content
Security Policy does not name, and a policy that is not the first element of ``<head>``.
``site_problems`` runs it over a whole site and parses every XML and JSON file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background"}
FORBIDDEN_TAGS = {"iframe", "frame", "object", "embed", "applet", "base"}
DATA_SCRIPTS = {"application/json", "application/ld+json"}
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:")


WEB_SCHEMES = ("http:", "https:", "mailto:")


def _allowed_url(tag: str, name: str, plain: str) -> bool:
    """A URL attribute may hold a web or mail URL or a relative one (no scheme); images may be
    inline data. Everything else (javascript:, vbscript:, data:text, blob:, file: …) is refused."""
    scheme = _SCHEME.match(plain)
    return scheme is None or scheme.group() in WEB_SCHEMES or (tag == "img" and plain.startswith("data:image/"))


class _PageScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.first_in_head: tuple[str, dict[str, str]] | None = None
        self.in_head = False
        self.policy = ""
        self.script: dict[str, str] | None = None
        self.script_text: list[str] = []
        self.inline_scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "head":
            self.in_head = True
        elif self.in_head and self.first_in_head is None:
            self.first_in_head = (tag, values)
        if tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy" and not self.policy:
            self.policy = values.get("content", "")
        self._check(tag, values)
        if tag == "script":
            self.script, self.script_text = values, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False
        if tag == "script" and self.script is not None:
            if "src" not in self.script and self.script.get("type", "").lower() not in DATA_SCRIPTS:
                self.inline_scripts.append("".join(self.script_text))
            self.script = None

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script_text.append(data)

    def _check(self, tag: str, values: dict[str, str]) -> None:
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            plain = re.sub(r"[\x00-\x20]", "", value).lower()  # what a browser ignores in a URL
            if name in URL_ATTRIBUTES and not _allowed_url(tag, name, plain):
                self.problems.append(f"<{tag} {name}={value[:60]!r}>")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        action = values.get("action", "")
        if tag == "form" and (_SCHEME.match(action.lower()) or action.startswith("//")):
            self.problems.append(f"<form action={action[:60]!r}>")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            target = values.get("content", "").partition("url=")[2]
            if _SCHEME.match(target.lower()) or target.startswith("//"):
                self.problems.append(f"refresh to {target[:60]!r}")
        if tag in ("script", "img", "link") and _SCHEME.match(values.get("src", values.get("href", "")).lower()):
            source = values.get("src", values.get("href", ""))
            if not (tag == "link" and values.get("rel") in ("canonical", "alternate", "prev", "next")) and \
                    not source.startswith("data:image/"):  # fmt: skip
                self.problems.append(f"<{tag}> from {source[:60]!r}")


def page_problems(text: str) -> list[str]:
    """What in one HTML page could run, load or leak (empty for a safe page)."""
    scan = _PageScan()
    scan.feed(text)
    scan.close()
    problems = list(scan.problems)
    if b'<meta charset="utf-8">' not in text.encode("utf-8")[:1024]:  # browsers look for it there only
        problems.append("<meta charset> is not within the first 1024 bytes (the policy before it grew too long?)")
    first = scan.first_in_head
    if first is None or first[0] != "meta" or first[1].get("http-equiv", "").lower() != "content-security-policy":
        problems.append(f"the first element of <head> is {first!r}, not the Content Security Policy")
    if "'unsafe-eval'" in scan.policy or "'unsafe-inline'" in scan.policy.partition("script-src")[2].split(";")[0]:
        problems.append("the script policy allows eval or inline scripts")
    for body in scan.inline_scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        if f"'sha256-{digest}'" not in scan.policy:
            problems.append(f"inline script not named by the policy: {body[:60]!r}")
    return problems


def _strict_json(text: str) -> object:
    def refuse(constant: str) -> object:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def site_problems(site: Path) -> list[str]:
    """Every page's problems (``page_problems``) plus XML that does not parse and JSON that is not strict."""
    found: list[str] = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        try:
            if path.suffix == ".html":
                found += [f"{rel}: {p}" for p in page_problems(path.read_text(encoding="utf-8"))]
            elif path.suffix == ".xml":
                ET.parse(path)
            elif path.suffix == ".json":
                _strict_json(path.read_text(encoding="utf-8"))
        except (ValueError, ET.ParseError, UnicodeDecodeError) as exc:
            found.append(f"{rel}: {exc}")
    return found
