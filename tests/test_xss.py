"""XSS corpus: hostile strings in every rendered field of fixture entries execute nothing.

Each payload tries to run ``window.__xss=1`` (or open a dialog). They go into names, tags, meta
keys and values (top-level and nested), README and description Markdown, status reasons,
metrics, file names, dependency targets and the Git author. The built site is parsed (no
script, handler attribute or unsafe URL survives) and opened in headless Chromium.
"""

from __future__ import annotations

import re
from pathlib import Path

import git
import pytest
from bs4 import BeautifulSoup

from generator.ck.store import Repo
from generator.portal.builder import build_site
from tests.entry_fixtures import write_site_config

PAYLOADS = [
    "<script>window.__xss=1</script>",
    "<img src=x onerror=\"window.__xss=1\">",
    "<svg onload=\"window.__xss=1\">",
    "<svg><script>window.__xss=1</script></svg>",
    "<iframe src=\"javascript:window.__xss=1\"></iframe>",
    "<body onload=window.__xss=1>",
    "<a href=\"javascript:window.__xss=1\">a</a>",
    "<a href=\"JaVaScRiPt:window.__xss=1\">a</a>",
    "<a href=\"&#106;avascript:window.__xss=1\">a</a>",
    "<a href=\"java\tscript:window.__xss=1\">a</a>",
    "<a href=\"data:text/html,<script>window.__xss=1</script>\">a</a>",
    "[md](javascript:window.__xss=1)",
    "[md](JaVaScRiPt:window.__xss=1)",
    "[md](&#106;avascript:window.__xss=1)",
    "[md](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    "![img](javascript:window.__xss=1)",
    "[ref][r]\n\n[r]: javascript:window.__xss=1",
    "<javascript:window.__xss=1>",
    "[x](https://example.org){: onclick=\"window.__xss=1\"}",
    "# Title {: onmouseover=\"window.__xss=1\" }",
    "{{ 7*7 }} {{ config }} {% raw %}x{% endraw %}",
    "</script><script>window.__xss=1</script>",
    "\" onmouseover=\"window.__xss=1",
    "' onfocus='window.__xss=1' autofocus='",
    "<details open ontoggle=window.__xss=1>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    "<style>@import 'javascript:window.__xss=1';</style>",
    "<object data=\"data:text/html,<script>window.__xss=1</script>\"></object>",
    "<embed src=\"javascript:window.__xss=1\">",
    "<form><button formaction=javascript:window.__xss=1>x</button></form>",
    "<input autofocus onfocus=window.__xss=1>",
    "<video><source onerror=\"window.__xss=1\"></video>",
    "<!--<img src=\"--><img src=x onerror=window.__xss=1//\">",
    "<noscript><p title=\"</noscript><img src=x onerror=window.__xss=1>\"></noscript>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__xss=1\">",
    "<base href=\"javascript:window.__xss=1//\">",
    "<svg><a xlink:href=\"javascript:window.__xss=1\"><text>x</text></a></svg>",
    "<a href=\"https://example.org\">ok</a><script>window.__xss=1</script>",
    "https://example.org/\"onmouseover=\"window.__xss=1",
    "<img src=x onerror=alert(1)>",
]  # fmt: skip
MODULES = ["model", "result", "program", "dataset", "platform", "paper", "soft", "package", "script",
           "experiment", "solution", "docker"]  # fmt: skip
UNSAFE_TAGS = ["script", "iframe", "object", "embed", "style", "form", "input", "button", "base", "meta",
               "math", "noscript", "video", "source", "body"]  # fmt: skip
UNSAFE_URL = re.compile(r"^\s*(javascript|data|vbscript):", re.I)


ALL = " ".join(PAYLOADS)  # one string carrying every payload, for single-valued fields
MARKDOWN = "\n\n".join(PAYLOADS)  # each payload its own Markdown block


def _meta(module: str) -> dict[str, object]:
    """Every payload in every field a component page renders, for one entry of ``module``."""
    meta: dict[str, object] = {
        "tags": [*PAYLOADS, "xss"], **{p: p for p in PAYLOADS}, "framework": ALL, "task": ALL,
        "nested": {"k": ALL, "list": [*PAYLOADS, {p: p for p in PAYLOADS}]},
        "status": {"state": "disputed", "reason": ALL, "superseded_by": ALL},
        "compile_deps": {f"dep{i}": {"tags": p} for i, p in enumerate(PAYLOADS)},
        "platform_uoa": ALL, "url": ALL, "description": MARKDOWN,
    }  # fmt: skip
    typed = {
        "result": {"metrics": {p: {"value": 1, "unit": p, "direction": "lower"} for p in PAYLOADS},
                   "software": [{"name": p, "version": p} for p in PAYLOADS], "benchmark": ALL,
                   "source": {"row": {f"Details{i}": p for i, p in enumerate(PAYLOADS)}}},
        "paper": {"title": ALL, "authors": PAYLOADS, "venue": ALL, "doi": ALL},
        "solution": {"workflow_cmd": ALL}, "program": {"run_cmds": {p: {} for p in PAYLOADS}},
        "experiment": {"points": PAYLOADS}, "dataset": {"dataset_files": PAYLOADS},
    }  # fmt: skip
    meta.update(typed.get(module, {}))
    return meta


def _safe_file_name(payload: str) -> str | None:
    name = payload.replace("\n", " ")[:120] + ".txt"
    return None if "/" in name or "\t" in name else name


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("xss")
    repo = Repo.init(root / "xss", "xss", url="https://github.com/example/xss")
    for index, module in enumerate(MODULES):
        entry = repo.add(module, f"p{index:02d}", name=ALL, meta=_meta(module))
        if index % 2 == 0:  # the others render their "description" field instead
            (entry.ref.path / "README.md").write_text(f"# {ALL}\n\n{MARKDOWN}\n", encoding="utf-8")
        for name in filter(None, map(_safe_file_name, PAYLOADS)):
            (entry.ref.path / name).write_text("x", encoding="utf-8")
    g = git.Repo.init(repo.path, initial_branch="main")
    g.git.add(A=True)
    # Git refuses '<' and '>' in identities; quotes, entities and template syntax get through.
    author = git.Actor("\" onmouseover=\"window.__xss=1 &lt;img src=x onerror=window.__xss=1&gt; {{ 7*7 }}",
                       "x@example.org")
    g.index.commit("{{ 7*7 }} <script>window.__xss=1</script>", author=author, committer=author)
    return build_site(write_site_config(root, ["xss"]), site_dir=root / "site")


def _pages(site_dir: Path) -> list[Path]:
    return sorted(site_dir.glob("*/p[0-9][0-9]/index.html"))


@pytest.fixture(scope="module")
def soups(xss_site: Path) -> list[tuple[Path, BeautifulSoup]]:
    """Every component page of the XSS site, parsed once."""
    return [(p, BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")) for p in _pages(xss_site)]


def test_every_type_template_got_a_page_with_every_payload(soups: list[tuple[Path, BeautifulSoup]]) -> None:
    assert len(PAYLOADS) >= 30
    assert len(soups) == len(MODULES)
    for _, soup in soups:
        text = soup.select_one("div.kb-entry").get_text()
        assert "<script>window.__xss=1</script>" in text  # shown as text, not dropped silently


def test_no_script_handler_or_unsafe_url_survives_in_entry_bodies(soups: list[tuple[Path, BeautifulSoup]]) -> None:
    for page, soup in soups:
        body = soup.select_one("div.kb-entry")
        assert body is not None, page
        for tag in UNSAFE_TAGS:
            assert body.find(tag) is None, f"{page}: <{tag}> survived"
        for element in body.find_all(True):
            for name, value in element.attrs.items():
                assert not name.lower().startswith("on"), f"{page}: {name} on <{element.name}>"
                if name.lower() in ("href", "src", "xlink:href", "action", "formaction"):
                    assert not UNSAFE_URL.match(str(value)), f"{page}: {name}={value!r}"


def test_theme_scripts_and_head_carry_no_payload(soups: list[tuple[Path, BeautifulSoup]]) -> None:
    for page, soup in soups:
        for script in soup.find_all("script"):
            if script.get("type") == "application/ld+json":  # data, never run; must not break out
                assert "<" not in script.get_text(), f"{page}: raw '<' inside JSON-LD"
            else:
                assert "__xss" not in script.get_text(), f"{page}: payload inside a <script>"
        assert soup.title is not None and soup.title.find(True) is None


def test_template_syntax_is_shown_literally(soups: list[tuple[Path, BeautifulSoup]]) -> None:
    for _, soup in soups:
        text = soup.select_one("div.kb-entry").get_text()
        assert "{{ 7*7 }}" in text and "{% raw %}" in text


@pytest.mark.browser
def test_nothing_executes_in_chromium(xss_site: Path, browser_page, serve_dir) -> None:
    page = browser_page.page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    base = serve_dir(xss_site)
    for path in _pages(xss_site):
        url = base + path.parent.relative_to(xss_site).as_posix() + "/"
        page.goto(url, wait_until="load")
        page.mouse.move(200, 300)
        assert page.evaluate("typeof window.__xss") == "undefined", url
    assert dialogs == []
    assert browser_page.external_requests == []


def test_real_mlperf_rows_show_raw_anchors_as_sanitized_links(tmp_path: Path) -> None:
    import json

    from generator.ck.corpus import Corpus
    from generator.ck.resolve import Workspace
    from generator.portal.component import build_site_model, render_component

    rows = json.loads((Path(__file__).parent / "fixtures" / "results" / "mlperf-v0.5-ic-slice.json").read_text())
    repo = Repo.init(tmp_path / "rows", "rows")
    for index, row in enumerate(rows):
        repo.add("result", f"row{index:02d}", meta={"tags": ["result"], **row, "source": {"row": row}})
    site = build_site_model(Corpus.load(Workspace.open([repo.path])), history=False)
    anchors = 0
    for entry in site.corpus.entries:
        body = BeautifulSoup(render_component(entry, site).body_html, "html.parser")
        for element in body.find_all(True):
            assert not any(name.startswith("on") for name in element.attrs)
        raw = body.select_one("section.kb-raw")  # the data as stored, escaped: text, never an element
        assert raw is None or all(not a["href"].startswith("https://github.com/mlperf") for a in raw.find_all("a"))
        if raw is not None:
            raw.decompose()
        assert "<a href" not in body.get_text()  # never shown as markup text either: it became a link
        for link in body.find_all("a", string="Link"):
            assert link["href"].startswith("https://github.com/mlperf/inference_results_v0.5/")
            assert link["rel"] == ["nofollow", "noopener", "noreferrer"]
            anchors += 1
    assert anchors >= 2 * len(rows)  # Details and Code of every row, at least once each
