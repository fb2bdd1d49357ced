"""Aliases, stable UIDs and link extraction shared by the importers."""

from __future__ import annotations

import hashlib
import html
import re

from generator.ck.ids import slugify

_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # NUL and the other controls that are not whitespace
_VERSION_TOKEN = re.compile(r"^[vV]?\d[\w.\-]*$")
_VERSION_DASH = re.compile(r"(?<=[A-Za-z])-(?=[vV]?\d)")
_PAREN = re.compile(r"\s*\([^)]*\)\s*$")

__all__ = ["extract_url", "slugify", "stable_uid"]  # slugify is the shared alias rule of ck/ids


def stable_uid(*parts: str) -> str:
    """A 16-hex UID derived from the source's own keys, so re-imports hit the same entry."""
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]


def extract_url(fragment: str) -> str:
    """The http(s) URL of an HTML link such as '<a href="…">Link</a>' (never keeps the HTML)."""
    match = _HREF.search(fragment or "")
    url = html.unescape(match.group(1)).strip() if match else (fragment or "").strip()
    return url if re.match(r"^https?://[^\s<>\"']+$", url) else ""


def plain_text(fragment: str) -> str:
    """Text with HTML tags removed, entities decoded, control characters (NUL …) dropped and
    whitespace collapsed."""
    text = _CONTROL.sub("", html.unescape(_TAG.sub(" ", fragment or "")))
    return " ".join(text.split())


def split_version(item: str) -> tuple[str, str]:
    """'TFLite v1.15.0-rc2' → ('TFLite', '1.15.0-rc2'); 'TensorFlow commit abc' → ('TensorFlow', 'commit abc')."""
    text = _VERSION_DASH.sub(" ", plain_text(item).replace("==", " "))
    tokens = text.split()
    for index, token in enumerate(tokens):
        if index and (_VERSION_TOKEN.match(token) or token.lower() == "commit"):
            version = " ".join(tokens[index:])
            return " ".join(tokens[:index]), (
                version[1:] if version[:1] in "vV" and version[1:2].isdigit() else version
            )
    return text, ""


def strip_suffix_note(text: str) -> str:
    """'Firefly-RK3399 (firefly)' → 'Firefly-RK3399' (a trailing parenthesised note dropped)."""
    return _PAREN.sub("", text).strip() or text


_METRIC_BAD = re.compile(r"[^a-z0-9_.+-]+")


def metric_name(text: str) -> str:
    """A metric key: lowercase, underscores kept ('time_min_ms'), other runs become '_'."""
    return _METRIC_BAD.sub("_", text.lower()).strip("_.")[:63] or "value"
