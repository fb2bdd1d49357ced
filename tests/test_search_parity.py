"""kb search finds what the real ``ck search`` finds, on copies of six real CK repositories.

The repositories come from the benchmark seed (``benchmarks/seed/ck-real.tar.xz``: ck-mlperf,
ck-analytics, ck-math, ck-nntest, ck-object-detection, ctuning-programs, 615 entries). CK runs in
one subprocess (``ck.kernel.access``) with its ``CK_REPOS`` in a temporary folder.

* ``ck search --tags=T`` and ``kb search --tag T`` give the same entries.
* Every entry ``ck search --search_string=*W*`` finds because a string of its meta (at any depth:
  dependency tags and names included) holds the word W, or a compound word with W as a part
  (``MobileNet_0.25_224`` for 224), ``kb search W`` finds too.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks import synth_real
from generator.ck.resolve import Workspace
from generator.ops import search as ops

pytest.importorskip("ck.kernel", reason="the real ck==2.6.4 package is a test dependency")

pytestmark = pytest.mark.ck

TAGS = ["lib", "tensorflow", "model,tensorflow", "program,lang-c", "mlperf", "dataset", "blas"]
WORDS = ["mobilenet", "armcl", "imagenet", "cuda", "ssd", "resnet", "coco", "224", "opencl", "gcc", "android"]
_TOKEN = re.compile(r"\w+(?:\.?\w+)*")  # Whoosh's default tokenizer: what counts as a word of a value
_PART = re.compile(r"[^\W_]+")  # and the parts of a compound word (mobilenet_0.25_224: 0, 25, 224)

_DRIVER = """
import json, sys
import ck.kernel as ck
paths, queries = json.load(sys.stdin)
for path in paths:
    r = ck.access({"action": "import", "module_uoa": "repo", "path": path, "quiet": "yes", "out": ""})
    assert r["return"] == 0, r
answers = []
for query in queries:
    r = ck.access({"action": "search", "out": "", "limit_size": -1, **query})
    assert r["return"] == 0, r
    answers.append([[e["repo_uoa"], e["module_uoa"], e["data_uoa"]] for e in r["lst"]])
json.dump(answers, sys.stdout)
"""


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path]:
    """The six real repositories (copy 0 of the seed) and the CK home that knows them."""
    root = tmp_path_factory.mktemp("real")
    repos = synth_real.generate(root / "kb", synth_real.seed_size())
    for repo in repos:  # ck import would clone each repo_deps repository from GitHub
        data = json.loads((repo / ".ckr.json").read_text())
        data.get("dict", {}).pop("repo_deps", None)
        (repo / ".ckr.json").write_text(json.dumps(data))
    return repos, root / "ck-repos"


@pytest.fixture(scope="module")
def ck_answers(real: tuple[list[Path], Path]) -> dict[str, set[tuple[str, str, str]]]:
    """What ck search answers for every tag and word query, by query."""
    repos, home = real
    queries = [{"tags": t} for t in TAGS] + [{"search_string": f"*{w}*"} for w in WORDS]
    proc = subprocess.run([sys.executable, "-c", _DRIVER], input=json.dumps([[str(r) for r in repos], queries]),
                          env={**os.environ, "CK_REPOS": str(home)}, capture_output=True, text=True, check=True,
                          timeout=600)  # fmt: skip
    ours = {r.name for r in repos}
    answers = [{tuple(e) for e in lst if e[0] in ours} for lst in json.loads(proc.stdout)]
    return dict(zip([*TAGS, *WORDS], answers, strict=True))


def _kb(repos: list[Path], cache: Path, text: str = "", tags: tuple[str, ...] = ()) -> set[tuple[str, str, str]]:
    results = ops.search(Workspace.open(repos), text, tags=tags, limit=None, cache_root=cache)
    return {(h.repo, h.module, h.alias or h.uid) for h in results.hits}


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []  # string values (numbers such as 224.0 are not text)


def _has_word(repos: list[Path], key: tuple[str, str, str], word: str) -> bool:
    """Whether a meta value of the entry holds the word as one of its words or a part of one."""
    repo = next(r for r in repos if r.name == key[0])
    meta = json.loads((repo / key[1] / key[2] / ".cm" / "meta.json").read_text())
    words = {w for s in _strings(meta) for w in _TOKEN.findall(s.lower())}
    return word in words or any(word in _PART.findall(w) for w in words)


@pytest.mark.parametrize("tags", TAGS)
def test_tag_search_finds_the_entries_ck_finds(tags: str, real: tuple[list[Path], Path], ck_answers: dict,
                                               tmp_path_factory: pytest.TempPathFactory) -> None:  # fmt: skip
    cache = tmp_path_factory.getbasetemp() / "kb-cache"
    expected = ck_answers[tags]
    assert expected, f"ck finds nothing for {tags}: a useless query"
    assert _kb(real[0], cache, tags=tuple(tags.split(","))) == expected


@pytest.mark.parametrize("word", WORDS)
def test_word_search_finds_every_entry_ck_finds_with_that_word(
        word: str, real: tuple[list[Path], Path], ck_answers: dict,
        tmp_path_factory: pytest.TempPathFactory) -> None:  # fmt: skip
    cache = tmp_path_factory.getbasetemp() / "kb-cache"
    repos = real[0]
    with_word = {key for key in ck_answers[word] if _has_word(repos, key, word)}
    assert with_word, f"no entry holds {word!r} as a word: a useless query"
    missing = with_word - _kb(repos, cache, word)
    assert not missing, f"kb search {word} misses {sorted(missing)[:5]} (of {len(missing)})"
