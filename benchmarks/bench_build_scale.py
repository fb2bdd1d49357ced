"""Scale: ``kb validate``, ``kb build`` (the portal) and ``kb search`` on the whole synthetic KB.

Every figure is a whole process measured like ``/usr/bin/time -v`` (wall time, peak RSS of the
process tree). The build is compared with plain MkDocs Material building one Markdown page per
entry (title, key/value table, JSON block; minimal nav, built-in search) — what a naive portal
would cost. Targets (issue 3): at 50,000 entries (20,000 results) the full build stays under
10 minutes and 2 GB on a 2-core machine, so CI can rebuild the portal on every merge.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from benchmarks.harness import Figure, Measured, index_cache, kb_argv, measure_command, tool, within
from benchmarks.synth import PLAIN_MKDOCS_CONFIG, generate_kb, write_mkdocs_config

NAME = "build_scale"
BUILD_LIMIT_S = 600.0
MEMORY_LIMIT_MB = 2048.0
QUERY = "resnet50"
BASELINE_MAX_ENTRIES = 10_000


def _entry_dirs(repos: list[Path]) -> list[tuple[str, Path]]:
    found = []
    for repo in repos:
        for module in sorted(p for p in repo.iterdir() if p.is_dir() and not p.name.startswith(".")):
            found += [(module.name, e) for e in sorted(module.iterdir()) if (e / ".cm" / "meta.json").is_file()]
    return found


def _plain_page(module: str, entry: Path) -> str:
    meta: dict[str, Any] = json.loads((entry / ".cm" / "meta.json").read_text(encoding="utf-8"))
    rows = [f"| {k} | {str(v)[:80].replace('|', '/')} |" for k, v in meta.items() if not isinstance(v, dict | list)]
    tags = ", ".join(map(str, meta.get("tags", [])))
    body = [f"# {entry.name}", "", f"Type: {module}. Tags: {tags}.", "", "| Key | Value |", "| --- | --- |", *rows,
            "", "```json", json.dumps(meta, indent=2), "```", ""]  # fmt: skip
    return "\n".join(body)


def write_plain_site(repos: list[Path], root: Path) -> Path:
    """A plain MkDocs Material project with one page per entry; returns its mkdocs.yml."""
    docs = root / "docs"
    (docs / "components").mkdir(parents=True)
    (docs / "index.md").write_text("# Baseline\n", encoding="utf-8")
    for i, (module, entry) in enumerate(_entry_dirs(repos)):
        folder = docs / "components" / module / f"g{i % 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{entry.name}.md").write_text(_plain_page(module, entry), encoding="utf-8")
    (root / "mkdocs.yml").write_text(PLAIN_MKDOCS_CONFIG, encoding="utf-8")
    return root / "mkdocs.yml"


def _site_stats(site: Path) -> str:
    pages = size = 0
    for folder, _dirs, files in os.walk(site):
        for name in files:
            size += os.path.getsize(os.path.join(folder, name))
            pages += name == "index.html"
    return f"{pages:,} HTML pages, {size / 1e6:,.0f} MB"


def _mem(name: str, ours: Measured, base: Measured | None = None, base_name: str = "") -> Figure:
    return Figure(name=f"{name}: peak memory", ours=ours.peak_rss_mb, baseline=base.peak_rss_mb if base else None,
                  baseline_name=base_name, unit="MB", target="< 2 GB",
                  holds=within(ours.peak_rss_mb, MEMORY_LIMIT_MB))  # fmt: skip


def _step(label: str, measured: Measured) -> Measured:
    """Print each step when it ends: a long run at 50,000 entries shows its figures as they come."""
    print(f"  {label}: {measured.wall_s:,.1f} s wall, {measured.cpu_s:,.1f} s CPU, "
          f"peak {measured.peak_rss_mb:,.0f} MB", file=sys.stderr, flush=True)  # fmt: skip
    return measured


def _plain_baseline(repos: list[Path], workdir: Path, entries: int) -> tuple[Measured | None, str, str]:
    """Plain MkDocs Material over the same entries, up to BASELINE_MAX_ENTRIES (env override)."""
    limit = int(os.environ.get("REEF_BENCH_BASELINE_MAX", BASELINE_MAX_ENTRIES))
    if entries > limit:
        return None, "", f"plain MkDocs baseline skipped above {limit:,} entries (REEF_BENCH_BASELINE_MAX)"
    plain_cfg = write_plain_site(repos, workdir / "plain")
    plain = _step("plain MkDocs build", measure_command([tool("mkdocs"), "build", "-q", "-f", plain_cfg,
                                                         "-d", workdir / "plain-site"]))  # fmt: skip
    note = f"baseline CPU {plain.cpu_s:,.0f} s, site: {_site_stats(workdir / 'plain-site')}"
    return plain, "plain MkDocs Material, 1 page/entry", note


def run(entries: int, workdir: Path) -> list[Figure]:
    """Validate, build and search the synthetic KB; build plain MkDocs Material over the same entries."""
    repos = generate_kb(workdir / "kb", entries)
    config = write_mkdocs_config(workdir / "project", repos)
    env = {"KB_CACHE_DIR": str(index_cache(workdir)), "NO_COLOR": "1"}
    site = workdir / "site"
    build = _step("kb build", measure_command(kb_argv("-c", config, "build", "--site-dir", site), env=env))
    stats = _site_stats(site)
    validate = _step("kb validate", measure_command(kb_argv("-c", config, "validate", "--json"), env=env,
                                                    ok_codes=(0, 1)))  # fmt: skip
    counts = json.loads(validate.stdout).get("counts", {})
    first = _step("kb search (first)", measure_command(kb_argv("-c", config, "search", "--limit", "5", QUERY), env=env))
    warm = _step("kb search (warm)", measure_command(kb_argv("-c", config, "search", "--limit", "5", QUERY), env=env))
    plain, base_name, plain_note = _plain_baseline(repos, workdir, entries)
    total = validate.wall_s + build.wall_s
    return [
        Figure("kb validate: wall", validate.wall_s, unit="s", target="< 600 s with the build",
               holds=within(total, BUILD_LIMIT_S),
               note=f"CPU {validate.cpu_s:,.0f} s; {counts.get('error', '?')} errors, "
                    f"{counts.get('warning', '?')} warnings reported"),
        _mem("kb validate", validate),
        Figure("kb build (portal): wall", build.wall_s, plain.wall_s if plain else None, base_name, "s", "< 600 s",
               within(build.wall_s, BUILD_LIMIT_S),
               note=f"CPU {build.cpu_s:,.0f} s; our site: {stats}; {plain_note}"),
        Figure("kb build (portal): CPU user+sys", build.cpu_s, plain.cpu_s if plain else None, base_name, "s",
               "< 600 s", within(build.cpu_s, BUILD_LIMIT_S),
               note="what the build costs without other load; wall above includes waiting for a busy CPU"),
        _mem("kb build (portal)", build, plain, base_name),
        Figure("CI per merge: validate + build", total, unit="s", target="< 600 s", holds=within(total, BUILD_LIMIT_S)),
        Figure(f"kb search {QUERY}: first run (builds index)", first.wall_s, unit="s",
               note=f"peak {first.peak_rss_mb:,.0f} MB"),
        _mem("kb search first run", first),
        Figure(f"kb search {QUERY}: warm (whole process)", warm.wall_s, unit="s",
               note=f"peak {warm.peak_rss_mb:,.0f} MB"),
    ]  # fmt: skip


