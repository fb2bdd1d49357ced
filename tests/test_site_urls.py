"""One page per entry whatever repositories repeat (issue 15, item 2), and name-uniquifying loops
that always end (item 3)."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.portal.builder import build_site
from generator.portal.urls import assign_urls
from generator.results.dashboards import build_dashboards, unique_slug
from generator.results.table import ResultRow, rows_from_corpus
from tests.hostile_corpus import write_entry

CONFIG = """site_name: Copies
theme:
  name: material
  font: false
plugins:
  - kb:
      repos: [first, second, third]
      history: false
"""


def _kb(root: Path) -> list[Repo]:
    """Three repositories: the second copies two entries of the first, the third one of them again."""
    first, second, third = (Repo.init(root / n, n) for n in ("first", "second", "third"))
    first.add("model", "resnet", uid="1111111111111111", name="ResNet (first)", meta={"tags": ["model"]})
    first.add("model", "mobilenet", uid="2222222222222222", name="MobileNet", meta={"tags": ["model"]})
    first.add("dataset", "imagenet", uid="3333333333333333", name="ImageNet", meta={"tags": ["dataset"]})
    second.add("model", "resnet", uid="1111111111111111", name="ResNet (second)", meta={"tags": ["model"]})
    second.add("model", "MobileNet", uid="4444444444444444", name="MobileNet, capitalised", meta={"tags": ["m"]})
    second.add("model", "vgg", uid="5555555555555555", name="VGG", meta={"tags": ["model"]})
    third.add("model", "resnet", uid="6666666666666666", name="ResNet (third)", meta={"tags": ["model"]})
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Copies\n")
    (root / "mkdocs.yml").write_text(CONFIG)
    return [first, second, third]


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Repo]]:
    root = tmp_path_factory.mktemp("copies")
    return root, _kb(root)


def test_the_first_repository_keeps_the_plain_url_and_later_copies_are_under_theirs(copies) -> None:  # type: ignore[no-untyped-def]
    _, repos = copies
    entries = Corpus.load(Workspace.open([r.path for r in repos])).entries
    urls = assign_urls(entries)
    by_cid = {e.ref.cid: e for e in entries}
    assert urls.page_of(by_cid["first:model:resnet"]) == "model/resnet/"
    assert urls.page_of(by_cid["second:model:resnet"]) == "repos/second/model/resnet/"
    assert urls.page_of(by_cid["third:model:resnet"]) == "repos/third/model/resnet/"
    assert urls.page_of(by_cid["second:model:MobileNet"]) == "repos/second/model/MobileNet/"  # case-insensitive
    assert urls.page_of(by_cid["second:model:vgg"]) == "model/vgg/"  # no copy: plain
    assert urls.api_of(by_cid["second:model:resnet"]) == "api/repos/second/entries/model/1111111111111111.json"
    assert [e.ref.repo for e in urls.also_in(by_cid["first:model:resnet"])] == ["second", "third"]
    assert len(urls.clashes) == 2 and urls.refused == []


def test_every_entry_gets_its_own_page_when_repositories_repeat_names(copies) -> None:  # type: ignore[no-untyped-def]
    root, repos = copies
    problems: list = []
    site = build_site(root / "mkdocs.yml", site_dir=root / "site", problems=problems)
    entries = Corpus.load(Workspace.open([r.path for r in repos])).entries
    pages = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("entry.json"))
    assert len(pages) == len(entries) == 7
    titles = {json.loads((site / p / "entry.json").read_text())["data_name"] for p in pages}
    assert titles == {e.name for e in entries}  # nobody's page was overwritten by a copy
    api = [p for p in (site / "api").rglob("*.json") if "entries" in p.parts]
    assert len(api) == 7
    first = (site / "model" / "resnet" / "index.html").read_text()
    assert "also in" in first and 'href="../../repos/second/model/resnet/"' in first
    third = (site / "repos" / "third" / "model" / "resnet" / "index.html").read_text()
    assert 'href="../../../../model/resnet/"' in third and 'href="../../../../assets/' in third  # its own depth
    warnings = [d for d in problems if d.code == "same-name-in-repositories"]
    assert len(warnings) == 2 and all(d.severity.value == "warning" for d in warnings)  # once per set of repos
    assert not [d for d in problems if d.severity.value == "error"]


def test_names_equal_but_for_case_in_one_repository_get_pages_that_never_share_a_folder(tmp_path: Path) -> None:
    repo = Repo.init(tmp_path / "r", "r")
    repo.add("model", "resnet", uid="1111111111111111", meta={"tags": ["x"]})
    for uid, name in (("2222222222222222", "ResNet"), ("3333333333333333", "RESNET")):  # kb add refuses them
        write_entry(repo.path, "model", name, uid, meta={"tags": ["x"]})
    urls = assign_urls(Corpus.load(Workspace.open([repo.path])).entries)
    assert len({u.lower() for u in urls.pages.values()}) == len(urls.pages) == 2  # plain, then under repos/r/
    assert len(urls.refused) == 1 and "differs only in letter case" in urls.refused[0][1]


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (the loop this guards once never ended)."""

    def expire(*_: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@given(st.lists(st.text(min_size=55, max_size=120), min_size=1, max_size=30))
@settings(max_examples=300, deadline=None)
def test_unique_slugs_end_and_differ_for_any_long_names(names: list[str]) -> None:
    used: set[str] = set()
    with _deadline(10):
        slugs = [unique_slug(name, used) for name in names + names]  # every name twice: all must collide
    assert len(set(slugs)) == len(slugs) and all(0 < len(s) <= 63 for s in slugs)


def test_two_results_whose_benchmarks_are_equal_after_the_cut_get_two_dashboards(tmp_path: Path) -> None:
    repo = Repo.init(tmp_path / "r", "r")
    for index in range(3):
        repo.add("result", f"r{index}", meta={"benchmark": "b" * 70 + str(index), "scenario": "",
                                               "metrics": {"latency": {"value": 1.0, "unit": "ms"}}})  # fmt: skip
    rows: list[ResultRow] = rows_from_corpus(Corpus.load(Workspace.open([repo.path])))
    with _deadline(20):
        boards = build_dashboards(rows)
    assert len({b.slug for b in boards}) == 3


def test_a_portal_of_the_real_ck_repositories_has_one_page_per_entry_and_no_broken_link(tmp_path: Path) -> None:
    from tests.site_checks import site_problems
    from tests.test_links import broken_links

    fixtures = Path(__file__).parent / "fixtures"
    repos = [fixtures / "ck-mlperf", *sorted((fixtures / "ckrepos").glob("real-*/repos/*"))]
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Real CK\n")
    listed = "".join(f"        - {r}\n" for r in repos)
    (tmp_path / "mkdocs.yml").write_text("site_name: Real CK\ntheme:\n  name: material\n  font: false\nplugins:\n"
                                         f"  - kb:\n      history: false\n      repos:\n{listed}")  # fmt: skip
    problems: list = []
    site = build_site(tmp_path / "mkdocs.yml", site_dir=tmp_path / "site", problems=problems)
    entries = Corpus.load(Workspace.open(repos)).entries
    assert len([p for p in site.rglob("entry.json") if p.is_file()]) == len(entries) > 100
    assert not [d for d in problems if d.severity.value == "error"]
    assert broken_links(site) == [] and site_problems(site) == []
