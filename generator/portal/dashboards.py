"""Dashboard, compare and component-results pages: chart data and specs as files next to each page.

Everything here is computed once per build from the corpus (``results_view``); pages are filled
into the theme shells like component pages. Chart data is never inline: each page's spec points
at ``data.json`` beside it, drawn by the vendored Vega runtime through ``assets/kb/charts.js``.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from generator.ck.corpus import Corpus
from generator.ck.model import Entry
from generator.numbers import share, with_unit
from generator.portal import jsonout
from generator.portal.parallel import Task
from generator.portal.render import render
from generator.portal.result_tables import ReproLinks, front_columns, result_columns, rows_by_best, table_context
from generator.portal.shell import Shell, load_shell
from generator.portal.sitefiles import SiteFolder
from generator.results.aggregate import MEASURED_ONCE, REPRODUCED, ReproGroup, group_of_uid, reproducibility_groups
from generator.results.dashboards import DIMENSIONS, Dashboard, build_dashboards, chart_records
from generator.results.specs import dashboard_spec, is_log, trend_spec
from generator.results.table import ResultRow, default_url, rows_from_corpus

ASSETS = Path(__file__).parent / "assets"
SITE_ASSETS = "assets/kb/"
VENDOR_SCRIPTS = (
    "vendor/vega.min.js",
    "vendor/vega-lite.min.js",
    "vendor/vega-embed.min.js",
    "vendor/vega-interpreter.js",
)
CHART_SCRIPT = "charts.js"
NUMBERS_SCRIPT = "kb-numbers.js"  # linked from every page of a full build; named again for bare pages
DASHBOARD_SCRIPT = "results/kb-dashboard.js"
COMPARE_SCRIPT = "results/kb-compare.js"
FIRST_ROWS = 100  # rows of a dashboard's full table in the HTML; the script shows the rest
DASHBOARDS_URL = "dashboards/"
COMPARE_URL = "compare/"
LIST_MARK = '<div class="kb-dashboard-list"></div>'
LEADERBOARD_LIMIT = 50


@dataclass
class ResultsView:
    """Every result-derived thing the portal shows, computed once per build."""

    rows: list[ResultRow]
    dashboards: list[Dashboard]
    groups: dict[str, ReproGroup]
    group_by_uid: dict[str, ReproGroup]
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    by_platform: dict[str, list[Dashboard]] = field(default_factory=dict)
    by_model: dict[str, list[Dashboard]] = field(default_factory=dict)
    focus_specs: dict[tuple[str, str, str], str] = field(default_factory=dict)
    board_of: dict[str, Dashboard] = field(default_factory=dict)  # result UID -> its dashboard
    rows_of: dict[tuple[str, str], list[ResultRow]] = field(default_factory=dict)  # (module, UOA) -> rows
    row_of: dict[str, ResultRow] = field(default_factory=dict)  # result UID -> its row
    ranks: dict[str, list[Any]] = field(default_factory=dict)  # result UID -> (leaderboard, line), filled lazily

    def links(self, here: str = "", root: str = "../../") -> ReproLinks:
        """Badge and link helpers for result tables rendered on a page at ``root``."""
        return ReproLinks(self.group_by_uid, self.board_of, here, root)


UrlOf = Callable[[Entry], str]
_LAST: list[tuple[Corpus, ResultsView, str, UrlOf]] = []  # the last corpus, its view, the repr of its rows, url_of


def results_view(corpus: Corpus, url_of: UrlOf = default_url) -> ResultsView:
    """The results of a corpus: rows, dashboards, reproducibility groups (cached for the last corpus).

    ``url_of`` gives an entry's page folder (the build's ``SiteUrls.page_of``). A live rebuild's new
    corpus whose result rows read the same as the last one's reuses its view (boards, groups and
    chart records are made from the rows alone).
    """
    if _LAST and _LAST[0][0] is corpus and _LAST[0][3] == url_of:
        return _LAST[0][1]
    rows = rows_from_corpus(corpus, url_of)
    text = repr(rows)
    if _LAST and _LAST[0][2] == text:
        _LAST[:] = [(corpus, _LAST[0][1], text, url_of)]
        return _LAST[0][1]
    groups = reproducibility_groups(rows)
    by_uid = group_of_uid(groups)
    boards = build_dashboards(rows)
    view = ResultsView(rows, boards, groups, by_uid)
    platform_boards: dict[str, list[Dashboard]] = defaultdict(list)
    model_boards: dict[str, list[Dashboard]] = defaultdict(list)
    for board in boards:
        view.records[board.slug] = chart_records(board, by_uid)
        view.board_of.update((r.uid, board) for r in board.rows)
        view.row_of.update((r.uid, r) for r in board.rows)
        for uoa in sorted({r.platform.uoa for r in board.rows if r.platform.uoa}):
            platform_boards[uoa].append(board)
        for uoa in sorted({r.model.uoa for r in board.rows if r.model.uoa}):
            model_boards[uoa].append(board)
    view.by_platform, view.by_model = dict(platform_boards), dict(model_boards)
    _LAST[:] = [(corpus, view, text, url_of)]
    return view


def result_titles(corpus: Corpus, url_of: UrlOf = default_url) -> dict[int, str]:
    """By id(entry), the title of each result whose stored name another result of its benchmark
    shares (the name a reader sees on its page is the one dashboards and listings show)."""
    view = results_view(corpus, url_of)
    return {id(e): row.title for e in corpus.of_module("result")
            if (row := view.row_of.get(e.ref.uid)) is not None and row.title != e.name}  # fmt: skip


def result_summary(corpus: Corpus, uid: str, url_of: UrlOf = default_url) -> tuple[Any, ...] | None:
    """What a listing shows of a result: (benchmark title, dashboard folder, platform, model, primary
    metrics as text, the first metric's value for sorting, the result's title), None if not charted."""
    view = results_view(corpus, url_of)
    row, board = view.row_of.get(uid), view.board_of.get(uid)
    if row is None or board is None:
        return None
    shown = [(lb.metric, row.metrics[lb.metric]) for lb in board.leaderboards if lb.metric in row.metrics]
    text = " · ".join(f"{name} {with_unit(m.value, m.unit)}" for name, m in shown)
    return (board.title, board.url, row.platform.name or row.platform.uoa, row.model.name or row.model.uoa, text,
            shown[0][1].value if shown else None, row.title)  # fmt: skip


def _dumps(data: Any) -> str:
    return jsonout.dumps(data)


def script_json(data: Any) -> Markup:
    """Strict JSON safe inside a <script type="application/json"> element (no '<', '>' or '&')."""
    return Markup(jsonout.script_json(data))


def _scripts(root: str, *extra: str) -> list[str]:
    return [f"{root}{SITE_ASSETS}{name}" for name in (*VENDOR_SCRIPTS, CHART_SCRIPT, *extra)]


def _board_spec(board: Dashboard) -> dict[str, Any]:
    return dashboard_spec(board, "data.json")


def dashboard_files(view: ResultsView, board: Dashboard) -> dict[str, str]:
    """The files of one dashboard folder except the page: data, spec, trend data."""
    files = {"data.json": _dumps(view.records[board.slug]), "spec.json": _dumps(_board_spec(board))}
    if board.trend:
        files["trend.json"] = _dumps(board.trend)
        files["trend.spec.json"] = _dumps(trend_spec(board, "trend.json"))
    return files


def dashboard_body(view: ResultsView, board: Dashboard, files: dict[str, str], root: str = "../../") -> str:
    """The HTML body of a dashboard page: controls, chart, best results, all results, leaderboards,
    reproducibility (filters and axis choices are applied by kb-dashboard.js, in the URL too)."""
    groups = _board_groups(view, board)
    links = view.links(here=board.slug, root=root)
    columns = result_columns(board)
    return render(
        "dashboard.html",
        board=board,
        root=root,
        limit=LEADERBOARD_LIMIT,
        spec=script_json(json.loads(files["spec.json"])),
        points=drawn_points(view.records[board.slug], board),
        trend_spec=script_json(json.loads(files["trend.spec.json"])) if board.trend else None,
        groups=[g for g in groups if g.verdict != MEASURED_ONCE],
        counts=_verdict_counts(groups),
        judged=_judged(groups, board),
        tolerance=share(board.tolerance),
        identity=_identity_rows(view, board),
        dimension_labels=DIMENSIONS,
        colour_choices=[d for d in DIMENSIONS if d in board.dimensions] or ["platform"],
        front_columns=front_columns(board),
        result_columns=columns,
        first_rows=rows_by_best(board.rows, board.x)[:FIRST_ROWS],
        model=script_json(_page_model(board, columns)),
        scripts=_scripts(root, NUMBERS_SCRIPT, DASHBOARD_SCRIPT),
        **table_context(links),
    )


def drawn_points(records: list[dict[str, Any]], board: Dashboard) -> int:
    """How many records the default chart draws (those with a value on both axes)."""
    return sum(1 for r in records if r["x"] is not None and (board.y is None or r["y"] is not None))


def _board_groups(view: ResultsView, board: Dashboard) -> list[ReproGroup]:
    """The configuration groups of a board's results: disagreeing first, then by size."""
    found = {id(g): g for r in board.rows if (g := view.group_by_uid.get(r.uid))}
    order = {"not reproduced": 0, REPRODUCED: 1, MEASURED_ONCE: 2}
    return sorted(found.values(), key=lambda g: (order[g.verdict], -g.measurements, g.rows[0].title.casefold()))


def _verdict_counts(groups: list[ReproGroup]) -> dict[str, int]:
    verdicts = [g.verdict for g in groups]
    return {"reproduced": verdicts.count(REPRODUCED), "not_reproduced": verdicts.count("not reproduced"),
            "once": verdicts.count(MEASURED_ONCE)}  # fmt: skip


def _judged(groups: list[ReproGroup], board: Dashboard) -> str:
    names = sorted({g.metric for g in groups if g.metric})
    return ", ".join(names) if names else board.x.metric


def _identity_rows(view: ResultsView, board: Dashboard) -> list[tuple[str, str]]:
    """The benchmark identity as label/value rows (empty parts left out)."""
    ident = board.identity
    dataset = next((r.dataset.name for r in board.rows if r.dataset.uoa == ident.dataset and r.dataset.name), "")
    rows = [("Benchmark", ident.benchmark), ("Reference model", board.title.split(" · ")[1]
                                             if ident.reference_model else ""),
            ("Scenario", ident.scenario), ("Division", ident.division), ("Data set", dataset or ident.dataset),
            ("Quality target", ident.quality_target),
            ("Reproducibility tolerance", f"±{share(board.tolerance)} of the mean")]  # fmt: skip
    return [(label, value) for label, value in rows if value]


def _page_model(board: Dashboard, columns: list[Any]) -> dict[str, Any]:
    """What kb-dashboard.js needs besides data.json: axes, metrics with units, columns, defaults."""
    metrics = []
    for axis in board.metrics:
        values = [r.metrics[axis.metric].value for r in board.rows if axis.metric in r.metrics]
        metrics.append({"name": axis.metric, "unit": axis.unit, "direction": axis.direction, "primary": axis.primary,
                        "label": axis.label, "log": is_log(values)})  # fmt: skip
    return {
        "x": board.x.metric, "y": board.y.metric if board.y else "", "colour": board.colour_by,
        "size": board.size_metric.metric if board.size_metric else "", "metrics": metrics,
        "dimensions": {d: DIMENSIONS[d] for d in board.dimensions}, "columns": [c.to_json() for c in columns],
        "frontColumns": [c.to_json() for c in front_columns(board)], "limit": LEADERBOARD_LIMIT,
        "firstRows": FIRST_ROWS, "xLabel": board.x.label, "yLabel": board.y.label if board.y else "platform",
        "leaderboards": [lb.metric for lb in board.leaderboards],
    }  # fmt: skip


def index_body(view: ResultsView, root: str = "../") -> str:
    """The list of dashboards (for /dashboards/)."""
    return render("dashboard_index.html", boards=view.dashboards, root=root, records=view.records)


def compare_data(view: ResultsView) -> dict[str, Any]:
    """The static JSON the compare page reads: every result's metrics and every platform."""
    results = [
        {
            "uid": r.uid,
            "title": r.title,
            "url": r.url,
            "benchmark": r.benchmark,
            "board": view.board_of[r.uid].title if r.uid in view.board_of else r.benchmark,
            "scenario": r.scenario,
            "platform": r.platform.uoa,
            "model": r.model.name or r.model.uoa,
            "metrics": {n: [m.value, m.unit, m.direction] for n, m in sorted(r.metrics.items())},
        }
        for r in view.rows
    ]
    platforms = sorted({(r.platform.uoa, r.platform.name, r.platform.url) for r in view.rows if r.platform.uoa})
    return {"results": results, "platforms": [{"uoa": u, "name": n, "url": url} for u, n, url in platforms]}


def compare_body(root: str = "../") -> str:
    """The compare page: controls filled in by charts.js from results.json."""
    return render("dashboard_compare.html", root=root,
                  scripts=[f"{root}{SITE_ASSETS}{n}" for n in (NUMBERS_SCRIPT, COMPARE_SCRIPT)])


@dataclass(frozen=True)
class DashboardStats:
    """What the dashboards pass wrote."""

    dashboards: int
    points: int
    svgs: int


def copy_assets(site: SiteFolder) -> None:
    """Copy charts.js and the vendored Vega runtime under assets/kb/ (unchanged files are skipped)."""
    for name in (*VENDOR_SCRIPTS, CHART_SCRIPT, NUMBERS_SCRIPT, DASHBOARD_SCRIPT, COMPARE_SCRIPT):
        data = (ASSETS / name).read_bytes()
        if site.read_bytes(SITE_ASSETS + name) != data:
            site.write(SITE_ASSETS + name, data)


def with_preview(page: str, image: str) -> str:
    """Name the static chart as the page's link-preview image (Open Graph / Twitter card)."""
    tags = f'<meta property="og:image" content="{image}">\n<meta name="twitter:card" content="summary_large_image">\n'
    head, sep, rest = page.partition("</head>")
    return head + tags + sep + rest if sep else page


def dashboards_key(corpus: Corpus, site_dir: Path, url_of: UrlOf = default_url) -> str:
    """A hash of everything the dashboards pass writes from: result rows and theme shells.

    A live rebuild whose key is unchanged (an edit that touches no result row) skips the pass.
    """
    shells = [load_shell(site_dir, depth) for depth in (1, 2)]
    results_view(corpus, url_of)  # leaves the repr of its rows in _LAST
    text = _LAST[0][2] + "".join(shell.head + shell.tail for shell in shells)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def svg_tasks(corpus: Corpus, site_dir: Path, url_of: UrlOf = default_url) -> list[Task]:
    """Tasks drawing every dashboard's static chart into a clean site (for a worker started early)."""
    view = results_view(corpus, url_of)
    return [(write_svg, (str(site_dir), board.url + "chart.svg", _board_spec(board), view.records[board.slug]))
            for board in view.dashboards]  # fmt: skip


def write_dashboards(
    corpus: Corpus,
    site_dir: Path,
    *,
    svg: bool = True,
    finish: Callable[[str], str] | None = None,
    svg_tasks: list[Task] | None = None,
    url_of: UrlOf = default_url,
) -> DashboardStats:
    """Write dashboards, their index and the compare page into a built site (before shells are removed).

    ``finish`` post-processes each full page (e.g. to fill a Content Security Policy). With
    ``svg_tasks`` the static charts (~0.15 s each in vl-convert) are not drawn here but added
    to that list as tasks for the build's worker processes (``parallel.py``). Every file goes
    through the site folder's path gate (``sitefiles.py``).
    """
    view = results_view(corpus, url_of)
    if not view.rows:
        return DashboardStats(0, 0, 0)
    finish = finish or (lambda page: page)
    site = SiteFolder(site_dir)
    copy_assets(site)
    shell1, shell2 = load_shell(site_dir, 1), load_shell(site_dir, 2)
    svgs = 0
    for board in view.dashboards:
        files = dashboard_files(view, board)
        changed = [site.write_if_changed(board.url + name, text) for name, text in files.items()]
        if svg and (any(changed) or not site.is_file(board.url + "chart.svg")):  # a dirty rebuild keeps a fresh SVG
            job = (write_svg, (str(site_dir), board.url + "chart.svg", json.loads(files["spec.json"]),
                               view.records[board.slug]))  # fmt: skip
            if svg_tasks is None:
                write_svg(*job[1])
            else:
                svg_tasks.append(job)
            svgs += 1
        page = with_preview(shell2.fill(board.title, dashboard_body(view, board, files), board.url), "chart.svg")
        site.write_if_changed(board.url + "index.html", finish(page))
    _write_index(view, site, shell1, finish)
    site.write_if_changed(COMPARE_URL + "results.json", _dumps(compare_data(view)))
    site.write_if_changed(COMPARE_URL + "index.html",
                          finish(shell1.fill("Compare results", compare_body(), COMPARE_URL)))  # fmt: skip
    return DashboardStats(len(view.dashboards), sum(len(r) for r in view.records.values()), svgs)


def _write_index(view: ResultsView, site: SiteFolder, shell: Shell, finish: Callable[[str], str]) -> None:
    """Fill the hand-written dashboards page's list marker, or write the index page from a shell."""
    page = DASHBOARDS_URL + "index.html"
    listing = index_body(view)
    text = site.read_text(page)
    if text is not None and LIST_MARK in text:
        site.write(page, text.replace(LIST_MARK, listing, 1))
        return
    site.write_if_changed(page, finish(shell.fill("Dashboards", listing, DASHBOARDS_URL)))


def write_svg(site_dir: str, relpath: str, spec: dict[str, Any], records: list[dict[str, Any]]) -> int:
    """Draw a dashboard's static chart into the site (a task: arguments are small and picklable)."""
    from generator.results.svg import to_svg

    SiteFolder(site_dir).write_if_changed(relpath, to_svg(spec, records))
    return 1


def home_dashboards(site: Any) -> Markup:
    """The dashboards list for the home page (``site`` is the build's SiteModel; root is the site root)."""
    paths = getattr(site, "paths", None)
    view = results_view(site.corpus, paths.page_of if paths is not None else default_url)
    if not view.dashboards:
        return Markup("")
    return Markup('<h2 id="dashboards">Dashboards</h2>\n' + index_body(view, root=""))
