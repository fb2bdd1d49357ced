"""Solution pages: the workflow (workflow.py), the commands that reproduce it, and its results across
platforms as its own dashboards (``dashboards/solution-<name>-<benchmark>/``).

A solution's results are those that name it (``solution_uoa``, as ``kb run solution:NAME`` writes)
plus those its ``results`` filter selects (benchmark, framework, program, model, submitter). Its
dashboards are made like the portal's others, from those results alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from generator.ck.model import Entry
from generator.portal.dashboards import ResultsView, dashboard_body, dashboard_files, results_view
from generator.portal.render import render
from generator.portal.workflow import WorkflowView, any_of, ck_run_command, reproduce_commands, workflow_view
from generator.results.aggregate import group_of_uid, reproducibility_groups
from generator.results.dashboards import build_dashboards, chart_records, unique_slug
from generator.results.table import ResultRow

if TYPE_CHECKING:
    from generator.portal.component import SiteModel

MODULE = "solution"
FILTER_KEYS = ("benchmark", "framework", "program_uoa", "model_uoa", "submitter")


def _matches(meta: dict[str, Any], wanted: dict[str, list[str]]) -> bool:
    return bool(wanted) and all(str(meta.get(key, "")) in values for key, values in wanted.items())


def solution_results(site: SiteModel, solution: Entry) -> list[Entry]:
    """The results of a solution: naming it, or selected by its ``results`` filter."""
    found: dict[int, Entry] = {id(i.source): i.source for i in site.graph.referrers(solution).iter()
                               if i.source.ref.module == "result"}  # fmt: skip
    spec = solution.meta.get("results")
    wanted = {k: any_of(spec.get(k)) for k in FILTER_KEYS if any_of(spec.get(k))} if isinstance(spec, dict) else {}
    if wanted:
        for result in site.corpus.of_module("result"):
            if _matches(result.meta, wanted):
                found.setdefault(id(result), result)
    return list(found.values())


_CACHE: dict[str, ResultsView] = {}  # views of the solutions of _CACHED_FOR[0], the site being built
_CACHED_FOR: list[SiteModel] = []  # holding it keeps a later site from taking its id: no stale hit on a rebuild


def solution_view(site: SiteModel, solution: Entry) -> ResultsView:
    """The solution's own results view: its rows, dashboards (renamed under the solution) and groups."""
    if not _CACHED_FOR or _CACHED_FOR[0] is not site:
        _CACHE.clear()
        _CACHED_FOR[:] = [site]
    if solution.ref.cid in _CACHE:
        return _CACHE[solution.ref.cid]
    main = results_view(site.corpus, site.paths.page_of)
    uids = [r.ref.uid for r in solution_results(site, solution)]
    rows: list[ResultRow] = [main.row_of[uid] for uid in uids if uid in main.row_of]
    groups = reproducibility_groups(rows)
    by_uid = group_of_uid(groups)
    boards = build_dashboards(rows)
    used = {b.slug for b in main.dashboards}
    for board in boards:  # dashboards/solution-<name>/, -2, -3 … (the title names the benchmark)
        board.slug = unique_slug(f"solution-{solution.ref.uoa}", used)
        board.title = f"{site.name_of(solution)} · {board.title}"
    view = ResultsView(rows, boards, groups, by_uid)
    for board in boards:
        view.records[board.slug] = chart_records(board, by_uid)
        view.board_of.update((r.uid, board) for r in board.rows)
        view.row_of.update((r.uid, r) for r in board.rows)
    _CACHE[solution.ref.cid] = view
    return view


@dataclass(frozen=True)
class BoardLink:
    """A solution dashboard as its page lists it."""

    href: str
    title: str
    results: int
    platforms: list[str]


def _platforms(site: SiteModel, solution: Entry, view: ResultsView) -> list[Entry]:
    """The platforms the solution ran on: its results' platforms and the ones it names."""
    found: dict[int, Entry] = {}
    for row in view.rows:
        for platform in site.corpus.lookup("platform", row.platform.uoa) if row.platform.uoa else []:
            found.setdefault(id(platform), platform)
    for item in site.graph.outgoing(solution):
        if item.reference.json_path.startswith("$.platforms"):
            found.update((id(t), t) for t in item.targets[:1])
    return list(found.values())


def _repo_location(site: SiteModel, solution: Entry) -> tuple[str, str]:
    """(path of the repository inside the project checkout, its Git URL when it is a repository of its own)."""
    repo = site.corpus.workspace.repo_of(solution.ref)
    url = repo.info.url if repo.info.url.startswith(("https://", "http://")) else ""
    history = site.history_of(solution)
    prefix = history.prefix() if history is not None else ""
    if not prefix:  # no Git: relative to where the portal is built (the checkout), else the folder name
        cwd = Path.cwd().resolve()
        prefix = repo.path.resolve().relative_to(cwd).as_posix() if repo.path.resolve().is_relative_to(cwd) else ""
    return (prefix or repo.path.name), url


def solution_section(entry: Entry, site: SiteModel, root: str) -> Markup:
    """A solution page's own section: workflow graph, dependencies per platform, reproduce commands, results."""
    view = solution_view(site, entry)
    platforms = _platforms(site, entry, view)
    flow: WorkflowView = workflow_view(site, entry, platforms, root)
    path, url = _repo_location(site, entry)
    boards = [BoardLink(root + b.url, b.title, len(b.rows), sorted({r.platform.name or r.platform.uoa for r in b.rows}))
              for b in view.dashboards]  # fmt: skip
    listed = entry.meta.get("steps") if isinstance(entry.meta.get("steps"), list) else []
    steps = [s for s in listed if isinstance(s, dict) and isinstance(s.get("title"), str)]
    return Markup(render("solution_section.html", flow=flow, steps=steps, boards=boards, results=len(view.rows),
                         platforms=[p.name for p in platforms], commands=reproduce_commands(entry, flow, path, url),
                         ck_run=ck_run_command(flow), root=root))  # fmt: skip


def _svg(spec: dict[str, Any], records: list[dict[str, Any]]) -> str:
    from generator.results.svg import to_svg  # vl-convert loads only when a chart is drawn

    return to_svg(spec, records)


def dashboard_pages(site: SiteModel) -> list[tuple[str, str, dict[str, str]]]:
    """(URL folder, title, files besides the page) of every solution dashboard, and the page body in files[''];
    the static chart (chart.svg, slow to draw) is a function, called only when the dashboard changed."""
    pages = []
    for solution in site.corpus.of_module(MODULE):
        view = solution_view(site, solution)
        for board in view.dashboards:
            files: dict[str, Any] = dashboard_files(view, board)
            files[""] = dashboard_body(view, board, files)
            spec, records = json.loads(files["spec.json"]), view.records[board.slug]
            files["chart.svg"] = lambda spec=spec, records=records: _svg(spec, records)
            pages.append((board.url, board.title, files))
    return pages
