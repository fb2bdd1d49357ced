"""``kb validate`` against ``check-jsonschema`` on the same synthetic KB, side by side in one run.

Ours validates the whole corpus: every meta.json, info.json and desc.json, alias files, duplicate
UIDs/aliases and references. The baseline, ``check-jsonschema``, validates ONLY the same meta.json
files against the same schemas (one run per module, as it takes one schema per run). Target
(issue 5): ours takes no longer than the baseline (ratio ≤ 1.0), and changed-only validation of one
edited entry (``--changed-since HEAD`` in a Git checkout of the KB) stays under 1 s.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
from collections import defaultdict
from pathlib import Path

import git

from benchmarks.harness import Figure, has_tool, kb_argv, measure_command, smoke, tool, within
from benchmarks.synth import generate_kb
from generator.schema.loader import schemas_dir

NAME = "validate"
CHANGED_LIMIT_S = 1.0
CHUNK = 2000  # files per check-jsonschema call (keeps argv well under ARG_MAX)
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}  # fmt: skip


def _metas_by_schema(repos: list[Path]) -> dict[str, list[Path]]:
    """meta.json files grouped by the schema kb validate applies (the module's, else common)."""
    known = {p.name.removesuffix(".schema.json") for p in schemas_dir().glob("*.schema.json")}
    groups: dict[str, list[Path]] = defaultdict(list)
    for repo in repos:
        for module in sorted(p for p in repo.iterdir() if p.is_dir() and not p.name.startswith(".")):
            schema = module.name if module.name in known else "common"
            groups[schema] += sorted(module.glob("*/.cm/meta.json"))
    return groups


def _check_jsonschema(groups: dict[str, list[Path]]) -> float:
    """Total wall time of check-jsonschema over every group (local schemas, no network)."""
    folder = schemas_dir()
    total = 0.0
    for schema, files in sorted(groups.items()):
        for start in range(0, len(files), CHUNK):
            chunk = [str(f) for f in files[start : start + CHUNK]]
            argv = [tool("check-jsonschema"), "--base-uri", folder.as_uri() + "/",
                    "--schemafile", str(folder / f"{schema}.schema.json"), *chunk]  # fmt: skip
            total += measure_command(argv, ok_codes=(0, 1)).wall_s
    return total


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system: copy
        shutil.copy2(source, target)


def _git_checkout(repos: list[Path], root: Path) -> list[Path]:
    """A committed Git copy of the KB (the generated one may be a shared read-only cache)."""
    if root.exists():
        shutil.rmtree(root)
    # Hard links: a copy in seconds instead of minutes; the edit below replaces a file, never writes into it.
    copies = [Path(shutil.copytree(r, root / r.name, symlinks=True, copy_function=_link_or_copy)) for r in repos]
    repo = git.Repo.init(root)
    repo.git.add("-A")
    repo.git.commit("-q", "-m", "kb", "--no-gpg-sign", env=GIT_ENV)
    return copies


def _edit_one_entry(repos: list[Path]) -> Path:
    meta = next(p for r in repos for p in sorted(r.glob("model/*/.cm/meta.json")))
    data = json.loads(meta.read_text(encoding="utf-8"))
    data["name"] = str(data.get("name", "model")) + " (edited)"
    fresh = meta.with_name("meta.json.new")
    fresh.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(fresh, meta)  # a new inode: the hard-linked original in the KB cache stays untouched
    return meta


def run(entries: int, workdir: Path) -> list[Figure]:
    """Full validation vs check-jsonschema, then changed-only validation of one edited entry."""
    repos = generate_kb(workdir / "kb", entries)
    repo_args = [a for r in repos for a in ("-R", str(r))]
    full = measure_command(kb_argv(*repo_args, "validate", "--json"), ok_codes=(0, 1))
    checked = json.loads(full.stdout)["summary"]["checked_entries"]
    groups = _metas_by_schema(repos)
    if smoke():  # one schema is enough to prove the baseline still runs
        groups = dict(sorted(groups.items())[:1])
    baseline = _check_jsonschema(groups) if has_tool("check-jsonschema") else None
    figures = [
        Figure(name=f"kb validate, whole corpus ({checked:,} entries: meta+info+desc+cross-entry)",
               ours=full.wall_s, baseline=baseline, baseline_name="check-jsonschema, meta.json only", unit="s",
               target="ratio ≤ 1.0", holds=None if baseline is None or smoke() else full.wall_s <= baseline,
               note="check-jsonschema is not installed" if baseline is None
               else "smoke: baseline covers one schema only" if smoke() else ""),
        Figure(name="kb validate: peak memory", ours=full.peak_rss_mb, unit="MB"),
    ]  # fmt: skip
    checkout = _git_checkout(repos, workdir / "checkout")
    _edit_one_entry(checkout)
    checkout_args = [a for r in checkout for a in ("-R", str(r))]
    # Installed packages run from compiled bytecode; let ours be cached too (outside the repo), warmed once.
    env = {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(workdir / "pycache")}
    argv = kb_argv(*checkout_args, "validate", "--changed-since", "HEAD", "--json")
    measure_command(argv, env=env, ok_codes=(0, 1))
    walls, cpus = [], []
    for _ in range(1 if smoke() else 3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        walls.append(measure_command(argv, env=env, ok_codes=(0, 1)).wall_s)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    figures.append(Figure(name="kb validate --changed-since HEAD (1 edited entry)", ours=wall, unit="s",
                          target="< 1 s", holds=within(wall, CHANGED_LIMIT_S),
                          note="smoke size" if smoke() else f"median of {len(walls)} runs; load average "
                                                            f"{os.getloadavg()[0]:.1f}"))  # fmt: skip
    figures.append(Figure(name="kb validate --changed-since HEAD: CPU time (user+sys, incl. git)", ours=cpu,
                          unit="s", target="< 1 s", holds=within(cpu, CHANGED_LIMIT_S),
                          note="independent of other load on the machine"))  # fmt: skip
    return figures
