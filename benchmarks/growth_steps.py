"""The measured steps of one ``scripts/bench --growth`` size: ours and its baseline, whole processes.

Each step returns a ``Step``: our figure and the baseline's, measured one after the other in the
same run (wall seconds, CPU seconds, peak memory). Work happens on a hard-linked copy of the
generated KB, so the one-entry edit of the dirty rebuild never touches the shared KB cache.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.harness import Measured, has_tool, index_cache, kb_argv, measure_command, tool
from benchmarks.plain_site import write_plain_site
from benchmarks.synth import write_mkdocs_config
from generator.schema.loader import schemas_dir

CHUNK = 2000  # files per check-jsonschema call (argv stays under ARG_MAX)
Progress = Callable[[str], None]


@dataclass
class Step:
    """One figure of one size: ours, the baseline (None when not measured), and what to say about it."""

    ours: Measured | None
    base: Measured | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Kb:
    """The KB of one size as the steps use it: repositories, mkdocs.yml, work folder, environment."""

    repos: list[Path]
    config: Path
    work: Path
    env: dict[str, str]
    entries: int

    @property
    def repo_args(self) -> list[str]:
        """``-R`` options naming every repository."""
        return [a for r in self.repos for a in ("-R", str(r))]


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def prepare(repos: list[Path], work: Path, entries: int) -> Kb:
    """A hard-linked working copy of the generated repositories, a project config and a private cache."""
    shutil.rmtree(work, ignore_errors=True)
    copies = [Path(shutil.copytree(r, work / "kb" / r.name, copy_function=_link_or_copy)) for r in repos]
    config = write_mkdocs_config(work / "project", copies)
    env = {"KB_CACHE_DIR": str(index_cache(work)), "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "",
           "PYTHONPYCACHEPREFIX": str(work / "pycache")}  # fmt: skip
    return Kb(copies, config, work, env, entries)


def _sum(runs: list[Measured]) -> Measured:
    return Measured(wall_s=sum(r.wall_s for r in runs), peak_rss_mb=max((r.peak_rss_mb for r in runs), default=0.0),
                    cpu_s=sum(r.cpu_s for r in runs))  # fmt: skip


def _median(runs: list[Measured]) -> Measured:
    best = sorted(runs, key=lambda r: r.wall_s)[len(runs) // 2]
    return Measured(wall_s=best.wall_s, peak_rss_mb=max(r.peak_rss_mb for r in runs),
                    cpu_s=statistics.median(r.cpu_s for r in runs),
                    background_cpu_s=statistics.median(r.background_cpu_s for r in runs),
                    stdout=best.stdout)  # fmt: skip


def site_stats(site: Path, entries: int) -> dict[str, float]:
    """Total size, files per entry, largest and median component page of a built site."""
    size = files = 0
    pages: list[int] = []
    for folder, _dirs, names in os.walk(site):
        for name in names:
            path = os.path.join(folder, name)
            length = os.path.getsize(path)
            size += length
            files += 1
            if name == "index.html":
                pages.append(length)
    pages.sort()
    return {"mb": size / 1e6, "kb_per_entry": size / 1e3 / max(entries, 1), "files_per_entry": files / max(entries, 1),
            "max_page_kb": pages[-1] / 1e3 if pages else 0.0,
            "median_page_kb": pages[len(pages) // 2] / 1e3 if pages else 0.0}  # fmt: skip


def build(kb: Kb, say: Progress) -> tuple[Step, Step]:
    """``kb build`` against plain MkDocs Material + search over the same entries; then both sites' sizes."""
    site = kb.work / "site"
    ours = measure_command(kb_argv("-c", kb.config, "build", "--site-dir", site), env=kb.env, background=True)
    say(f"kb build {ours.wall_s:.1f} s, {ours.cpu_s:.1f} CPU s, {ours.peak_rss_mb:.0f} MB")
    plain_cfg, sample = write_plain_site(kb.repos, kb.work / "plain")
    plain_site = kb.work / "plain-site"
    base = measure_command([tool("mkdocs"), "build", "-q", "-f", plain_cfg, "-d", plain_site], background=True)
    say(f"plain MkDocs {base.wall_s:.1f} s, {base.cpu_s:.1f} CPU s, {base.peak_rss_mb:.0f} MB")
    sizes = Step(None, extra={"ours": site_stats(site, kb.entries), "plain": site_stats(plain_site, kb.entries)})
    shutil.rmtree(plain_site, ignore_errors=True)
    return Step(ours, base, extra={"sample": sample}), sizes


def _metas_by_schema(repos: list[Path]) -> dict[str, list[Path]]:
    """meta.json files grouped by the schema kb validate applies (the module's, else common)."""
    known = {p.name.removesuffix(".schema.json") for p in schemas_dir().glob("*.schema.json")}
    groups: dict[str, list[Path]] = {}
    for repo in repos:
        for module in sorted(p for p in repo.iterdir() if p.is_dir() and not p.name.startswith(".")):
            groups.setdefault(module.name if module.name in known else "common", []).extend(
                sorted(module.glob("*/.cm/meta.json")))  # fmt: skip
    return groups


def validate(kb: Kb, say: Progress) -> Step:
    """``kb validate`` (whole corpus, every check) against check-jsonschema on every meta.json."""
    ours = measure_command(kb_argv(*kb.repo_args, "validate", "--json"), env=kb.env, ok_codes=(0, 1))
    counts = json.loads(ours.stdout).get("counts", {})
    say(f"kb validate {ours.wall_s:.1f} s, {ours.cpu_s:.1f} CPU s, {ours.peak_rss_mb:.0f} MB")
    if not has_tool("check-jsonschema"):
        return Step(ours, note="check-jsonschema not installed")
    folder, runs = schemas_dir(), []
    for schema, files in sorted(_metas_by_schema(kb.repos).items()):
        for start in range(0, len(files), CHUNK):
            argv = [tool("check-jsonschema"), "--base-uri", folder.as_uri() + "/",
                    "--schemafile", str(folder / f"{schema}.schema.json"), *map(str, files[start : start + CHUNK])]
            runs.append(measure_command(argv, ok_codes=(0, 1)))
    base = _sum(runs)
    say(f"check-jsonschema {base.wall_s:.1f} s in {len(runs)} runs")
    return Step(ours, base, note=f"{counts.get('error', 0)} errors, {counts.get('warning', 0)} warnings reported")


def ck_env(kb: Kb) -> dict[str, str] | None:
    """A private CK home that knows the repositories (None without the ck CLI)."""
    if not has_tool("ck"):
        return None
    env = {"CK_REPOS": str(kb.work / "ck-home")}
    shutil.rmtree(kb.work / "ck-home", ignore_errors=True)
    for repo in kb.repos:
        ckr = repo / ".ckr.json"
        original = ckr.read_bytes()
        data = json.loads(original)
        data.get("dict", {}).pop("repo_deps", None)  # ck would clone them from GitHub while importing
        _replace(ckr, json.dumps(data).encode())
        try:
            measure_command([tool("ck"), "import", "repo", f"--path={repo}", "--quiet"], env=env)
        finally:
            _replace(ckr, original)
    return env


def _replace(path: Path, data: bytes) -> None:
    """Write a file as a new inode (the working copy's files are hard links into the KB cache)."""
    fresh = path.with_name(path.name + ".new")
    fresh.write_bytes(data)
    os.replace(fresh, path)


def _ck_pattern(kb: Kb) -> str:
    """A repository wildcard naming these repositories and not CK's own (default, local)."""
    names = [r.name for r in kb.repos]
    prefix = names[0]
    for name in names[1:]:
        while not name.startswith(prefix):
            prefix = prefix[:-1]
    return f"{prefix}*:*:*"


def listing(kb: Kb, ck: dict[str, str] | None, runs: int) -> Step:
    """``kb list`` against ``ck list`` over the same repositories (whole processes, median of runs)."""
    ours = _median([measure_command(kb_argv(*kb.repo_args, "list"), env=kb.env) for _ in range(runs)])
    if ck is None:
        return Step(ours, note="ck not installed")
    base = _median([measure_command([tool("ck"), "list", _ck_pattern(kb)], env=ck) for _ in range(runs)])
    lines = (len(ours.stdout.splitlines()), len(base.stdout.splitlines()))
    return Step(ours, base, note=f"lines: kb {lines[0]}, ck {lines[1]}")


def first_search(kb: Kb, query: str) -> Step:
    """The first ``kb search`` of a KB: it builds the index (background work included)."""
    shutil.rmtree(kb.env["KB_CACHE_DIR"], ignore_errors=True)
    ours = measure_command(kb_argv(*kb.repo_args, "search", "--limit", "5", query), env=kb.env, background=True)
    return Step(ours, note=f"peak {ours.peak_rss_mb:.0f} MB")


def search(kb: Kb, ck: dict[str, str] | None, ours_args: list[str], ck_args: list[str], runs: int) -> Step:
    """``kb search`` against ``ck search`` (whole processes; kb's background check waited for and counted)."""
    argv = kb_argv(*kb.repo_args, "search", "--json", "--limit", "100000", *ours_args)
    ours = _median([measure_command(argv, env=kb.env, background=True) for _ in range(runs)])
    hits = json.loads(ours.stdout)["total"]
    if ck is None:
        return Step(ours, note=f"{hits} hits; ck not installed")
    base = _median([measure_command([tool("ck"), "search", _ck_pattern(kb), *ck_args], env=ck)
                    for _ in range(runs)])  # fmt: skip
    ck_hits = sum(1 for line in base.stdout.splitlines() if line.strip())
    return Step(ours, base, note=f"hits: kb {hits}, ck {ck_hits}; kb background CPU {ours.background_cpu_s:.2f} s")


def dirty_unchanged(kb: Kb) -> Step:
    """``kb build --dirty`` right after the full build, nothing changed: what a preview costs at rest."""
    ours = measure_command(kb_argv("-c", kb.config, "build", "--dirty", "--site-dir", kb.work / "site"),
                           env=kb.env, background=True)  # fmt: skip
    return Step(ours)


def dirty_rebuild(kb: Kb) -> Step:
    """``kb build --dirty`` after editing one entry's meta (a new file: the cache's hard link is kept)."""
    meta = sorted(p for r in kb.repos for p in r.glob("*/*/.cm/meta.json"))[kb.entries // 2]
    data = json.loads(meta.read_text(encoding="utf-8"))
    data["bench_edit"] = "edited by scripts/bench --growth"
    _replace(meta, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode())
    ours = measure_command(kb_argv("-c", kb.config, "build", "--dirty", "--site-dir", kb.work / "site"),
                           env=kb.env, background=True)  # fmt: skip
    return Step(ours, note=f"edited {meta.parent.parent.parent.name}/{meta.parent.parent.name}")
