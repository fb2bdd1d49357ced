"""The CK file-DB: load every entry and search by tags, side by side with the real ``ck`` CLI.

On one generated KB (``benchmarks/synth.py``; its repositories registered with CK through
``ck import repo`` in a private ``CK_REPOS``):

* load every entry's meta, info and desc in-process (``Corpus.load``, what the portal, the
  validator and the index use) — target (issue 4): under 1 s for 10,000 entries on 2 cores;
  the baseline is the whole ``ck list`` process, which only lists (it reads no meta); the same
  load kept in one process (``processes=1``) is shown next to it (by default a second, reading
  process is used only when the load average leaves a core free);
* ``kb list`` vs ``ck list`` over all repositories (whole processes);
* a two-tag search, ``kb list --tags`` vs ``ck search --tags`` (whole processes; same hits).
"""

from __future__ import annotations

import os
from pathlib import Path

from benchmarks.harness import Figure, has_tool, kb_argv, measure_call, measure_command, smoke, tool, within
from benchmarks.synth import generate_kb
from generator.ck.bulk import default_processes
from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.ck.search import SearchQuery

NAME = "ckdb"
LOAD_LIMIT_S = 1.0
TAGS = ("result", "image-classification")


def _register_with_ck(repos: list[Path], home: Path) -> dict[str, str]:
    """A private CK home that knows the generated repositories; returns the env to run ck in."""
    env = {"CK_REPOS": str(home)}
    for repo in repos:
        measure_command([tool("ck"), "import", "repo", f"--path={repo}", "--quiet"], env=env)
    return env


def _count_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def run(entries: int, workdir: Path) -> list[Figure]:
    """Load-all and tag-search figures for kb and for ck on the same repositories."""
    repos = generate_kb(workdir / "kb", entries)
    repo_args = [a for r in repos for a in ("-R", str(r))]
    repeat = 1 if smoke() else 3
    split = default_processes() > 1  # decided from the load average, like every kb command
    before = os.times()
    loaded = measure_call(lambda: Corpus.load(Workspace.open(repos)), repeat=repeat)
    after = os.times()  # intrinsic cost, whatever else the machine runs; the reading child counts too
    cpu_s = (after.user + after.system - before.user - before.system) / repeat
    child_cpu_s = (after.children_user + after.children_system
                   - before.children_user - before.children_system) / repeat  # fmt: skip
    single = measure_call(lambda: Corpus.load(Workspace.open(repos), processes=1), repeat=repeat)
    corpus: Corpus = loaded.value
    query = SearchQuery(tags=TAGS)
    searched = measure_call(lambda: [e for e in corpus.entries if query.matches(e)], repeat=repeat)
    kb_list = measure_command(kb_argv(*repo_args, "list"))
    kb_search = measure_command(kb_argv(*repo_args, "list", "--tags", ",".join(TAGS)))
    ck_list = ck_search = None
    note = ""
    if has_tool("ck") and not smoke():
        env = _register_with_ck(repos, workdir / "ck-home")
        pattern = "synth-*:*:*"
        ck_list = measure_command([tool("ck"), "list", pattern], env=env)
        ck_search = measure_command([tool("ck"), "search", pattern, f"--tags={','.join(TAGS)}"], env=env)
        same = _count_lines(ck_search.stdout) == _count_lines(kb_search.stdout)
        note = f"hits: kb {_count_lines(kb_search.stdout)}, ck {_count_lines(ck_search.stdout)}" + (
            "" if same else " (DIFFER)")
    elif not has_tool("ck"):
        note = "ck not installed: baselines skipped"
    count = len(corpus.entries)
    return [
        Figure(f"load all {count} entries (meta+info+desc), in-process", loaded.wall_s,
               ck_list.wall_s if ck_list else None, "ck list (whole process, no meta)", "s",
               f"< {LOAD_LIMIT_S:g} s at 10,000", within(loaded.wall_s, LOAD_LIMIT_S * max(count, 1) / 10_000),
               note=f"{len(corpus.problems)} problems; {'read in a forked child' if split else 'one process'}; "
                    f"CPU per load {cpu_s:.2f} s + {child_cpu_s:.2f} s in the child; {os.cpu_count()} cores, "
                    f"load average {os.getloadavg()[0]:.1f}"),
        Figure(f"load all {count} entries, one process (processes=1)", single.wall_s, unit="s"),
        Figure(f"tag search {'+'.join(TAGS)} over the loaded corpus, in-process", searched.wall_s, unit="s",
               note=f"{len(searched.value)} hits"),
        Figure("kb list (whole process) vs ck list", kb_list.wall_s, ck_list.wall_s if ck_list else None,
               "ck list", "s"),
        Figure(f"kb list --tags {','.join(TAGS)} vs ck search --tags (whole process)", kb_search.wall_s,
               ck_search.wall_s if ck_search else None, "ck search --tags", "s", note=note),
    ]  # fmt: skip
