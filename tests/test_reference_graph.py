"""The reference graph answers like the brute-force list of all pairs, without building that list.

Tag dependencies (``compiler,lang-cpp``) match every soft/package entry carrying the tags; on generic
tag data that is hundreds of targets per reference. The graph must give the same targets, counts,
referrers and ranks as listing every (source, target) pair would, while sharing one match per
distinct query and one referrer group per set of queries.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.ck.corpus import Corpus
from generator.ck.model import Entry, EntryRef
from generator.ck.references import build_reference_graph, extract_references, split_tags
from generator.ck.referrers import rank
from generator.ck.resolve import Workspace
from generator.ck.tagindex import TAG_DEP_MODULES

TAGS = ["compiler", "lib", "lang-cpp", "lang-c", "gcc", "llvm", "v1", "v2"]
MODULES = ["soft", "package", "program", "result"]


def _entry(index: int, module: str, tags: list[str], deps: list[list[str]], uoa_to: list[int]) -> Entry:
    meta: dict[str, object] = {"tags": tags}
    if deps:
        meta["deps"] = {f"d{k}": {"tags": ",".join(d)} for k, d in enumerate(deps) if d}
    for k, target in enumerate(uoa_to):
        meta[f"x{k}"] = {"module_uoa": "soft", "data_uoa": f"e{target:03d}"}
    ref = EntryRef("r", module, "", f"e{index:03d}", f"{index:016x}", Path(f"/kb/{module}/e{index:03d}"))
    return Entry(ref=ref, meta=meta)


def _corpus(specs: list[tuple[str, list[str], list[list[str]], list[int]]]) -> Corpus:
    corpus = Corpus(Workspace([]))
    corpus.extend(_entry(i, *spec) for i, spec in enumerate(specs))
    return corpus


def _brute_targets(corpus: Corpus, entry: Entry) -> list[list[Entry]]:
    found = []
    for ref in extract_references(entry):
        if ref.kind == "tags":
            tags = split_tags(ref.target)
            found.append([e for e in corpus.entries if e.ref.module in TAG_DEP_MODULES and tags <= set(e.tags)])
        else:
            found.append(corpus.lookup(ref.module, ref.target))
    return found


def _brute_referrers(corpus: Corpus, target: Entry) -> list[Entry]:
    sources = {id(e): e for e in corpus.entries
               for hits in _brute_targets(corpus, e) if any(t is target for t in hits) and e is not target}  # fmt: skip
    return sorted(sources.values(), key=rank)


specs = st.lists(st.tuples(st.sampled_from(MODULES), st.lists(st.sampled_from(TAGS), max_size=4, unique=True),
                           st.lists(st.lists(st.sampled_from(TAGS), min_size=1, max_size=3, unique=True), max_size=2),
                           st.lists(st.integers(0, 29), max_size=2)),
                 min_size=1, max_size=30)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(specs)
def test_targets_counts_and_referrers_equal_the_list_of_all_pairs(spec: list) -> None:
    corpus = _corpus(spec)
    graph = build_reference_graph(corpus)
    for entry in corpus.entries:
        expected = _brute_targets(corpus, entry)
        got = graph.outgoing(entry)
        assert [list(r.targets) for r in got] == expected
        assert [len(r.targets) for r in got] == [len(t) for t in expected]
        assert [list(r.targets[:2]) for r in got] == [t[:2] for t in expected]
        assert [bool(r.targets) for r in got] == [bool(t) for t in expected]
        referrers = graph.referrers(entry)
        brute = _brute_referrers(corpus, entry)
        assert [r.source for r in referrers.iter()] == brute
        assert referrers.count == len(brute)
        assert referrers.per_module == sorted(Counter(e.ref.module for e in brute).items())
        assert [r.source for r in referrers.first(3, module="program")] == \
            [e for e in brute if e.ref.module == "program"][:3]  # fmt: skip
        assert all(entry in r.targets for r in referrers.iter())


def test_references_asking_the_same_tags_share_one_lazily_computed_match() -> None:
    soft = [("soft", ["compiler", "lang-cpp", f"v{i}"], [], []) for i in range(50)]
    programs = [("program", ["program"], [["lang-cpp", "compiler"]], []) for _ in range(40)]
    graph = build_reference_graph(_corpus(soft + programs))
    matches = {id(r.targets) for r in graph.resolved}
    assert len(matches) == 1
    first = graph.resolved[0].targets
    assert len(first.first(3)) == 3
    assert len(first) == 50
    assert graph.edge_count() == 40 * 50


def test_referrers_of_entries_matching_the_same_queries_share_one_group() -> None:
    soft = [("soft", ["compiler", "lang-cpp", f"v{i}"], [], []) for i in range(30)]
    programs = [("program", ["program"], [["compiler", "lang-cpp"]], []) for _ in range(20)]
    corpus = _corpus(soft + programs)
    graph = build_reference_graph(corpus)
    groups = {id(graph.referrers(e)._group) for e in corpus.entries if e.ref.module == "soft"}
    assert len(groups) == 1
    referrers = graph.referrers(corpus.entries[0])
    assert referrers.count == 20
    assert [r.source.ref.alias for r in referrers.first(2)] == ["e030", "e031"]


def test_an_entry_depending_on_its_own_tags_is_not_its_own_referrer() -> None:
    corpus = _corpus([("soft", ["lib", "x"], [["lib"]], []), ("soft", ["lib"], [], [])])
    graph = build_reference_graph(corpus)
    own, other = corpus.entries
    assert graph.referrers(own).count == 0
    assert [r.source for r in graph.referrers(other).iter()] == [own]
