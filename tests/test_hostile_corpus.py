"""The hostile corpus (tests/hostile_corpus.py) built by ``kb build`` with site_url set: the build ends
with a diagnostic per entry it leaves out and no traceback, writes nothing outside the site folder,
and every page, feed and JSON file it writes is safe and well-formed. One test per defect of issue 14
that the output side owns (1-5, 12); each failed on the code before the path gate."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from tests.hostile_corpus import HostileBuild, build_hostile
from tests.site_checks import page_problems, site_problems

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostileBuild:
    return build_hostile(tmp_path_factory.mktemp("hostile") / "kb")


def _text(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_the_corpus_holds_over_a_hundred_payloads_in_every_kind_of_sink(hostile: HostileBuild) -> None:
    sinks = Counter(sink for _, sink in hostile.kb.payloads.placed)
    assert sum(sinks.values()) >= 100
    assert {"tag", "title", "meta name", "meta key", "status reason", "desc.json", "readme text", "info date",
            "info author", "old alias", "benchmark", "scenario", "metric name", "metric unit", "submitter",
            "result title", "repo desc", "doi"} <= set(sinks)  # fmt: skip


def test_the_build_ends_with_exit_1_and_no_traceback(hostile: HostileBuild) -> None:
    assert hostile.returncode == 1, hostile.stderr[-3000:]
    assert "Traceback" not in hostile.stderr + hostile.stdout
    assert "leaving out" in hostile.stdout


def test_nothing_is_written_outside_the_site_folder(hostile: HostileBuild) -> None:
    assert hostile.around_after == hostile.around_before
    assert not any(target.exists() for target in hostile.kb.escape_targets)


def test_every_page_feed_and_json_file_is_safe_and_well_formed(hostile: HostileBuild) -> None:
    assert site_problems(hostile.site) == []


def test_each_entry_the_site_cannot_carry_is_left_out_with_a_warning_and_every_other_gets_a_page(
    hostile: HostileBuild,
) -> None:
    warnings = [line for line in hostile.stderr.splitlines() if "is left out of the site" in line]
    for expected in hostile.kb.left_out:
        assert any(expected in line for line in warnings), expected
    assert len(warnings) == len(hostile.kb.left_out)
    loaded = Corpus.load(Workspace.open([hostile.kb.root / r for r in ("hostile", "copy", "escaping")])).entries
    pages = [p for p in hostile.site.rglob("entry.json") if p.is_file()]  # an entry may be named entry.json
    assert len(pages) == len(loaded) - len(hostile.kb.left_out)


def test_defect1_entry_module_and_repository_names_cannot_reach_the_head(hostile: HostileBuild) -> None:
    site = hostile.site
    page = next(p for p in (site / "program").glob("x~27~20onmouseover*/index.html") if "-old" not in str(p))
    text = page.read_text(encoding="utf-8")
    assert page_problems(text) == []
    head = text[text.index("<head>") : text.index("</head>")]
    assert head.removeprefix("<head>").lstrip().startswith('<meta http-equiv="Content-Security-Policy"')
    canonical = re.search(r'<link rel="canonical" href="([^"]*)"', head)
    assert canonical and re.fullmatch(r"https://kb\.example\.org/portal/program/[A-Za-z0-9_.~-]+/", canonical[1])
    assert not list(site.glob('program/x"*')) and not list(site.rglob("*<*"))  # no raw markup in any path


def test_defect2_browse_lists_odd_modules_safely_and_contributor_files_cannot_be_scripts(hostile: HostileBuild) -> None:
    site = hostile.site
    browse = _text(site, "browse/index.html")
    assert page_problems(browse) == []
    for folder in ("~73earch/", "~3404.html/", "~73itemap.xml/", "javascript~3aalert~280~29/"):
        assert f'href="../{folder}"' in browse and (site / folder / "index.html").is_file()
    served = [p.name for p in site.rglob("files/*") if p.is_file() and (p.parent.parent / "entry.json").is_file()]
    assert served and all(p.endswith(".png") for p in served)  # no .txt/.svg/.html a script tag could load


def test_defect3_feeds_are_well_formed_atom_with_parsed_dates_and_no_markup(hostile: HostileBuild) -> None:
    feeds = [p for p in (hostile.site / "feeds").rglob("*.xml") if p.is_file()]
    assert len(feeds) >= 10
    for feed in feeds:
        root = ET.parse(feed).getroot()
        assert all(el.tag.startswith("{http://www.w3.org/2005/Atom}") for el in root.iter()), feed
        for date in root.iter("{http://www.w3.org/2005/Atom}updated"):
            assert RFC3339.match(date.text or ""), (feed, date.text)
        raw = feed.read_text(encoding="utf-8")
        assert "\ufffe" not in raw and "<script" not in raw


def test_defect4_names_that_climb_out_are_errors_in_validate_and_never_paths(hostile: HostileBuild) -> None:
    run = subprocess.run([sys.executable, "-m", "generator", "validate", "--format", "json"], cwd=hostile.kb.root,
                         capture_output=True, text=True, errors="replace", timeout=300)  # fmt: skip
    assert run.returncode == 1 and "Traceback" not in run.stderr
    errors = [d for d in json.loads(run.stdout)["diagnostics"] if d["severity"] == "error"]
    named = {d["message"].split(":")[0] for d in errors if d["code"] == "invalid-name"}
    assert any("repository name '../../../../tmp/kb-escape" in m for m in named)
    assert any(m.startswith("UID (from the module's alias file) '../../../x'") for m in named)
    assert not list(hostile.site.rglob("*escape*"))


def test_defect5_each_input_that_crashed_the_build_now_has_its_page_or_its_diagnostic(hostile: HostileBuild) -> None:
    site = hostile.site
    assert 'id="kb-search-app"' in _text(site, "search/index.html")  # a module named search no longer replaces it
    assert "Tag:" not in _text(site, "search/index.html")
    for rel in ("~73earch/index.html", "model/~69ndex.html/index.html", "model/~72ows.json/index.html",
                "model/~72ows.js/index.html", "~3404.html/e/index.html", "~73itemap.xml/e/index.html"):
        assert (site / rel).is_file(), rel
    assert json.loads(_text(site, "model/rows.json"))["columns"][0] == "name"  # the listing's own data
    assert (site / "sitemap.xml").is_file() and (site / "404.html").is_file()
    boards = sorted(p.parent.name for p in (site / "dashboards").glob("*/data.json"))
    assert len(boards) == 4 and len(set(boards)) == 4  # two benchmark names equal after the cut: two boards
    redirects = [p for p in (site / "model").glob("old-*") if p.is_dir()]
    assert 0 < len(redirects) <= 16  # a 200,000-line alias file: a capped number of redirects
    assert "Infinity" not in "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.json") if p.is_file())


def test_defect12_headers_file_names_frame_ancestors_nosniff_and_referrer_policy(hostile: HostileBuild) -> None:
    headers = _text(hostile.site, "_headers")
    assert "frame-ancestors 'none'" in headers and "X-Content-Type-Options: nosniff" in headers
    assert "Referrer-Policy: strict-origin-when-cross-origin" in headers and "'unsafe-eval'" not in headers
    pages = [p for p in hostile.site.rglob("*.html") if p.is_file()]
    assert len(pages) > 100 and not [p for p in pages if "'unsafe-eval'" in p.read_text(encoding="utf-8")]


def test_an_entry_repeated_in_a_second_repository_gets_its_own_page_saying_where_else_it_is(
    hostile: HostileBuild,
) -> None:
    site = hostile.site
    first, second = _text(site, "model/model-one/index.html"), _text(site, "repos/copy/model/model-one/index.html")
    assert 'href="../../repos/copy/model/model-one/"' in first and "repository copy" in first
    assert 'href="../../../../model/model-one/"' in second and "repository hostile" in second
    assert "2 repositories" not in hostile.stderr and "copy under the same type and name" in hostile.stderr


def test_the_pr_check_fails_on_a_name_the_site_cannot_serve_and_builds_the_rest(tmp_path: Path) -> None:
    import git

    from generator.ck.store import Repo
    from tests.hostile_corpus import write_entry

    kb = Repo.init(tmp_path / "kb" / "demo", "demo")
    kb.add("model", "resnet", uid="1111111111111111", meta={"tags": ["model"]})
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Demo\n")
    config = "site_name: Demo\ntheme:\n  name: material\n  font: false\nplugins:\n  - kb:\n      repos: [kb/demo]\n"
    (tmp_path / "mkdocs.yml").write_text(config + "      history: false\n")
    repo = git.Repo.init(tmp_path, initial_branch="main")
    with repo.config_writer() as cfg:
        cfg.set_value("user", "name", "Maintainer")
        cfg.set_value("user", "email", "m@example.org")
    repo.git.add("-A")
    repo.git.commit("-m", "seed")
    base = repo.head.commit.hexsha
    write_entry(kb.path, "model", 'x"><svg onload=alert(1)>', "2222222222222222", meta={"tags": ["model"]})
    repo.git.add("-A")
    repo.git.commit("-m", "a hostile pull request")
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")}
    run = subprocess.run(["bash", str(Path(__file__).parents[1] / "scripts" / "ci-pr-check"), base],
                         env={**env, "KB_WORKDIR": str(tmp_path), "SITE_DIR": str(tmp_path / "pr-site")},
                         capture_output=True, text=True, timeout=600)  # fmt: skip
    out = run.stdout + run.stderr
    assert run.returncode == 1 and "Traceback" not in out
    assert "[invalid-name]" in out and "cannot be published" in out  # kb validate: an error, not a warning
    assert "is left out of the site" in out  # kb build: the entry left out, the rest built
    assert (tmp_path / "pr-site" / "model" / "resnet" / "index.html").is_file()
    assert not list((tmp_path / "pr-site").rglob("*svg onload*"))


SAFE_HEAD = '<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="script-src \'self\'">' \
            '<meta charset="utf-8">'  # fmt: skip


@pytest.mark.parametrize(("body", "found"), [
    ('<img src=x onerror="alert(1)">', "onerror"), ('<a href=" jav&#x09;ascript:alert(1)">x</a>', "<a href="),
    ("<iframe srcdoc=x></iframe>", "<iframe>"), ('<base href="https://evil.example/">', "<base>"),
    ("<script>alert(1)</script>", "inline script"),
    ('<meta http-equiv="refresh" content="0;url=https://e.x">', "refresh"),
    ('<form action="https://evil.example/"></form>', "<form"),
    ('<script src="https://evil.example/x.js"></script>', "from"),
])  # fmt: skip
def test_the_page_checks_find_what_could_run_or_leak(body: str, found: str) -> None:
    assert page_problems(SAFE_HEAD + "</head><body></body></html>") == []
    problems = page_problems(SAFE_HEAD + "</head><body>" + body + "</body></html>")
    assert problems and found in " ".join(problems)


def test_the_page_checks_want_the_policy_first_in_head_and_the_charset_early() -> None:
    late = '<html><head><link rel="canonical" href="x"><meta http-equiv="Content-Security-Policy" content="">'
    assert "not the Content Security Policy" in " ".join(page_problems(late + '<meta charset="utf-8"></head>'))
    long_policy = SAFE_HEAD.replace("script-src", "script-src " + "'sha256-x' " * 100)
    assert "1024 bytes" in " ".join(page_problems(long_policy + "</head></html>"))
