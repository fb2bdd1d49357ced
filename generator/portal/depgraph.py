"""A small dependency graph (depth 1-2) drawn offline as inline SVG: no JavaScript, no library.

Columns left to right: reverse dependencies of reverse dependencies, reverse dependencies, the
entry, its dependencies, their dependencies. Each column is capped so the SVG stays a few KB;
labels are escaped and shortened, the full name is in the node's ``<title>``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from markupsafe import Markup, escape

NODE_W, NODE_H, COL_GAP, ROW_GAP, PAD = 150, 22, 40, 8, 4
LABEL_CHARS = 21
CAP = {1: 6, 2: 4}
MAX_COUNTED = 20  # "+20+ more" at most: a hub may have thousands of neighbours
T = TypeVar("T")


@dataclass(frozen=True)
class Node:
    """One entry in the drawing."""

    key: str  # identity (entry UID or module/alias)
    label: str
    title: str  # full text for the hover tooltip
    href: str  # "" for the centre entry
    parent: str = ""  # key of the depth-1 node it hangs off (depth 2 only)


@dataclass(frozen=True)
class Column:
    """Nodes in one column and how many more there were."""

    nodes: tuple[Node, ...]
    hidden: int = 0


Neighbours = Callable[[Node], Iterable[T]]
NodeOf = Callable[[T, str], Node]  # (item, parent key) -> Node


def _column(candidates: Iterable[tuple[T, str]], seen: set[int], cap: int, node_of: NodeOf[T]) -> Column:
    """Dedupe items (by identity), keep the first ``cap`` as nodes and count the rest."""
    kept: list[Node] = []
    hidden = 0
    for item, parent in candidates:
        marker = id(item)
        if marker in seen:
            continue
        seen.add(marker)
        if len(kept) < cap:
            kept.append(node_of(item, parent))
        elif hidden < MAX_COUNTED:
            hidden += 1
        else:  # a hub with thousands of neighbours: stop counting, the lists below have totals
            break
    return Column(tuple(kept), hidden)


def layout(centre: Node, centre_item: T, outgoing: Neighbours[T], incoming: Neighbours[T],
           node_of: NodeOf[T]) -> list[Column]:  # fmt: skip
    """The five columns (empty ones dropped) for an item and its neighbours up to depth 2."""
    seen = {id(centre_item)}
    out1 = _column(((k, "") for k in outgoing(centre)), seen, CAP[1], node_of)
    in1 = _column(((k, "") for k in incoming(centre)), seen, CAP[1], node_of)
    out2 = _column(((k, p.key) for p in out1.nodes for k in outgoing(p)), seen, CAP[2], node_of)
    in2 = _column(((k, p.key) for p in in1.nodes for k in incoming(p)), seen, CAP[2], node_of)
    columns = [in2, in1, Column((centre,)), out1, out2]
    return [c for c in columns if c.nodes]


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _node_svg(node: Node, x: int, y: int) -> str:
    short = _short(node.label)
    label = escape(short)
    tip = f"<title>{escape(node.title[:200])}</title>" if short != node.label else ""
    box = (f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="4"/>'
           f'<text x="{x + 6}" y="{y + 15}">{label}</text>')  # fmt: skip
    if not node.href:
        return f'<g class="c">{tip}{box}</g>'
    return f'<a href="{escape(node.href)}">{tip}{box}</a>'


def render_svg(columns: list[Column], *, caption: str = "Dependency graph") -> Markup:
    """The inline SVG (or an empty string when the entry has no neighbours at all)."""
    if len(columns) <= 1:
        return Markup("")
    rows = max(len(c.nodes) + (1 if c.hidden else 0) for c in columns)
    width = len(columns) * NODE_W + (len(columns) - 1) * COL_GAP + 2 * PAD
    height = rows * (NODE_H + ROW_GAP) - ROW_GAP + 2 * PAD
    centres: dict[str, tuple[int, int]] = {}
    nodes: list[str] = []
    edges: list[str] = []
    centre_col = next(i for i, c in enumerate(columns) if len(c.nodes) == 1 and not c.nodes[0].href)
    for ci, column in enumerate(columns):
        x = PAD + ci * (NODE_W + COL_GAP)
        count = len(column.nodes) + (1 if column.hidden else 0)
        top = PAD + (rows - count) * (NODE_H + ROW_GAP) // 2
        for ri, node in enumerate(column.nodes):
            y = top + ri * (NODE_H + ROW_GAP)
            centres[f"{ci}:{node.key}"] = (x, y)
            nodes.append(_node_svg(node, x, y))
        if column.hidden:
            y = top + len(column.nodes) * (NODE_H + ROW_GAP) + 15
            more = f"{column.hidden}+" if column.hidden >= MAX_COUNTED else str(column.hidden)
            nodes.append(f'<text class="m" x="{x + 6}" y="{y}">+{more} more</text>')
    for ci, column in enumerate(columns):
        if ci == centre_col:
            continue
        toward = ci + 1 if ci < centre_col else ci - 1
        for node in column.nodes:
            x, y = centres[f"{ci}:{node.key}"]
            parent_key = node.parent or columns[centre_col].nodes[0].key
            target = centres.get(f"{toward}:{parent_key}")
            if target is None:
                continue
            tx, ty = target
            x1, x2 = (x + NODE_W, tx) if ci < centre_col else (x, tx + NODE_W)
            edges.append(f'<path d="M{x1} {y + NODE_H // 2}L{x2} {ty + NODE_H // 2}"/>')
    return Markup(
        f'<svg class="kb-graph" role="group" aria-label="{escape(caption)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(caption)}</title><g class=\"e\">{''.join(edges)}</g>{''.join(nodes)}</svg>"
    )
