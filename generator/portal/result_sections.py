"""The Results section at the top of platform, model, dataset, program and result pages: per
benchmark a chart with this entry's results highlighted and its best results with their numbers;
on a result page, where the result stands in its benchmark and whether it was reproduced."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from generator.ck.corpus import Corpus
from generator.ck.model import Entry
from generator.portal.dashboards import (
    ResultsView,
    UrlOf,
    _dumps,
    _scripts,
    results_view,
    script_json,
)
from generator.portal.render import render
from generator.portal.result_tables import Column, metric_column, rows_by_best, table_context
from generator.results.aggregate import Leaderboard, Ranked
from generator.results.dashboards import Dashboard
from generator.results.specs import focus_spec
from generator.results.table import ResultRow, default_url

MAX_BOARDS = 4  # benchmarks charted on one page; the others are listed with their counts
BEST_ROWS = 5  # best results of this entry shown per benchmark
SECTION_MODULES = ("platform", "model", "dataset", "program")
FOCUS_FIELDS = {"platform": "platform_uoa", "model": "model_uoa", "dataset": "dataset_uoa", "program": "program_uoa"}
FILTERS = {"platform": "platform", "model": "model"}  # dashboard filters a page can link with


def rows_of(row: ResultRow, module: str) -> tuple[str, str]:
    """The (module, UOA) a row references in a module."""
    component = {"platform": row.platform, "model": row.model, "dataset": row.dataset, "program": row.program}[module]
    return (module, component.uoa)


def component_section(entry: Entry, corpus: Corpus, root: str = "../../", url_of: UrlOf = default_url) -> Markup:
    """The Results section of a component page ('' when no result refers to the entry); ``url_of``
    gives an entry's page folder (the build's ``SiteUrls.page_of``)."""
    view = results_view(corpus, url_of)
    if entry.ref.module == "result":
        return _result_section(view, entry, root)
    if entry.ref.module not in SECTION_MODULES:
        return Markup("")
    index = _index(view)
    keys = dict.fromkeys([(entry.ref.module, entry.ref.uoa), (entry.ref.module, entry.ref.uid)])
    mine = list({r.uid: r for key in keys for r in index.get(key, [])}.values())
    if not mine:
        return Markup("")
    by_board: dict[str, list[ResultRow]] = defaultdict(list)
    for row in mine:
        by_board[view.board_of[row.uid].slug].append(row)
    boards = [b for b in view.dashboards if b.slug in by_board]
    boards.sort(key=lambda b: -len(by_board[b.slug]))
    sections = [_board_section(view, board, by_board[board.slug], entry, root) for board in boards[:MAX_BOARDS]]
    others = [(b, len(by_board[b.slug])) for b in boards[MAX_BOARDS:]]
    return Markup(render("results_section.html", sections=sections, others=others, total=len(mine), root=root,
                         module=entry.ref.module, scripts=_scripts(root), **table_context(view.links(root=root))))


def _index(view: ResultsView) -> dict[tuple[str, str], list[ResultRow]]:
    """(module, UOA) → the rows referencing it, computed once per view."""
    if not view.rows_of:
        found: dict[tuple[str, str], list[ResultRow]] = defaultdict(list)
        for row in view.rows:
            for module in SECTION_MODULES:
                key = rows_of(row, module)
                if key[1]:
                    found[key].append(row)
        view.rows_of = dict(found)
    return view.rows_of


def _board_section(view: ResultsView, board: Dashboard, rows: list[ResultRow], entry: Entry,
                   root: str) -> dict[str, Any]:  # fmt: skip
    """One benchmark on a component page: chart, best rows, columns, a filtered dashboard link."""
    module = entry.ref.module
    spec = _focus(view, board, module, root)
    for param in spec.get("params", []):
        if param.get("name") == "focus":
            param["value"] = entry.ref.uoa
    columns = [Column("title", "Result", "title")]
    columns += [Column(m, m.capitalize(), m) for m in ("platform", "model") if m != module]
    columns += [metric_column(a) for a in (board.x, board.y) if a is not None]
    columns.append(Column("repro", "Reproducibility", "repro"))
    href = f"{root}{board.url}"
    if module in FILTERS and module in board.dimensions:
        name = rows[0].platform.name if module == "platform" else rows[0].model.name
        href += "?" + urlencode({FILTERS[module]: name or entry.ref.uoa})
    return {"board": board, "spec": script_json(spec), "count": len(rows), "columns": columns, "href": href,
            "best": rows_by_best(rows, board.x)[:BEST_ROWS]}  # fmt: skip


def _focus(view: ResultsView, board: Dashboard, module: str, root: str) -> dict[str, Any]:
    """A copy of the board's focus chart for a module (built once with Altair, then copied)."""
    key = (board.slug, module, root)
    if key not in view.focus_specs:
        url = f"{root}{board.url}data.json"
        view.focus_specs[key] = _dumps(focus_spec(board, url, FOCUS_FIELDS[module], "", f"this {module}"))
    return json.loads(view.focus_specs[key])


def _result_section(view: ResultsView, entry: Entry, root: str) -> Markup:
    """Where a result stands: its benchmark, its rank on each primary metric, its reproducibility."""
    board = view.board_of.get(entry.ref.uid)
    if board is None:
        return Markup("")
    row = view.row_of[entry.ref.uid]
    ranks = [{"board": lb, "rank": line.rank, "of": len(lb.lines), "value": line.metric.value}
             for lb, line in _ranks(view).get(row.uid, [])]  # fmt: skip
    group = view.group_by_uid.get(row.uid)
    others = [r for r in group.rows if r.uid != row.uid] if group is not None else []
    return Markup(render("result_standing.html", board=board, row=row, ranks=ranks, group=group, others=others,
                         root=root, **table_context(view.links(root=root))))  # fmt: skip


def _ranks(view: ResultsView) -> dict[str, list[tuple[Leaderboard, Ranked]]]:
    """Result UID → its line on each leaderboard, indexed once per view (one page per result)."""
    if not view.ranks:
        found: dict[str, list[tuple[Leaderboard, Ranked]]] = defaultdict(list)
        for board in view.dashboards:
            for lb in board.leaderboards:
                for line in lb.lines:
                    found[line.row.uid].append((lb, line))
        view.ranks = dict(found)
    return view.ranks
