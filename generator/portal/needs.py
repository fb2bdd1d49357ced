"""CK dependency blocks (``deps``, ``compile_deps``, ``run_deps``) as a readable "needs" list.

Each dependency is one line: its name, the versions it accepts, and the entries of the knowledge
base that satisfy it (what CK would resolve its tags to), or the tags nothing here carries.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator.portal.labels import dependency_name

MAX_NEEDS = 60  # dependencies listed per block; a bigger block points to the raw JSON


@dataclass(frozen=True)
class Need:
    """One dependency: what it is called, which versions it accepts, what it resolves to."""

    name: str
    versions: str
    wants: str  # the tags CK looks for ('' when the dependency names no tags)
    targets: Sequence[Any]  # metaview.Link-like objects (``__html__``), possibly with ``more``
    optional: bool = False


def _version(value: Any) -> str:
    if isinstance(value, list) and value and all(isinstance(v, (int, str)) for v in value):
        return ".".join(str(v) for v in value)
    return value if isinstance(value, str) else ""


def version_text(dep: Mapping[str, Any]) -> str:
    """The accepted versions in words: "1.10 or later", "up to 2", "1.10 to 2" ('' for any)."""
    low, high = _version(dep.get("version_from")), _version(dep.get("version_to"))
    if low and high:
        return f"version {low} to {high}"
    if low:
        return f"version {low} or later"
    if high:
        return f"version up to {high}"
    return ""


def _sort_key(item: tuple[str, Any]) -> tuple[int, str]:
    local, dep = item
    order = dep.get("sort") if isinstance(dep, Mapping) else None
    return (order if isinstance(order, int) and not isinstance(order, bool) else 10**9, local)


def needs_of(block: Mapping[str, Any], path: str, links: Mapping[str, Sequence[Any]]) -> list[Need]:
    """The dependencies of one block, in CK's resolution order (``sort``), with their resolved entries."""
    found = []
    for local, dep in sorted(block.items(), key=_sort_key):
        if not isinstance(dep, Mapping):
            continue
        tags = dep.get("tags") if isinstance(dep.get("tags"), str) else ""
        optional = str(dep.get("enable_if_env") or dep.get("skip_if_env") or "") != ""
        found.append(Need(name=dependency_name(local, dep), versions=version_text(dep), wants=tags.strip(),
                          targets=links.get(f"{path}.{local}.tags", ()), optional=optional))  # fmt: skip
    return found


def _need_html(need: Need) -> str:
    parts = [f"<strong>{html.escape(need.name)}</strong>"]
    if need.versions:
        parts.append(f' <span class="kb-need-versions">({html.escape(need.versions)})</span>')
    if need.optional:
        parts.append(' <span class="kb-need-optional">(only in some set-ups)</span>')
    if need.targets:
        links = ", ".join(link.__html__() for link in need.targets)
        more = getattr(need.targets, "more", 0)
        parts.append(f": {links}" + (f" <em>and {more} more</em>" if more else ""))
    elif need.wants:
        tags = ", ".join(html.escape(t.strip()) for t in need.wants.split(",") if t.strip())
        parts.append(f': <span class="kb-unresolved">nothing here is tagged {tags}</span>')
    return "<li>" + "".join(parts) + "</li>"


def needs_html(needs: Sequence[Need]) -> Markup:
    """A ``ul.kb-needs`` of dependencies (at most MAX_NEEDS, then how many more)."""
    items = [_need_html(n) for n in needs[:MAX_NEEDS]]
    if len(needs) > MAX_NEEDS:
        items.append(f"<li><em>and {len(needs) - MAX_NEEDS} more, in the raw JSON</em></li>")
    return Markup('<ul class="kb-needs">' + "".join(items) + "</ul>")


def is_needs_block(key: str, value: Any) -> bool:
    """True for a CK dependency block: a ``*deps`` key holding a dict of dependency dicts."""
    return (key.endswith("deps") and isinstance(value, Mapping) and bool(value)
            and all(isinstance(v, Mapping) for v in value.values()))  # fmt: skip
