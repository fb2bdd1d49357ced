"""Portal: our full build vs plain MkDocs Material, one-entry live rebuild, page size, memory.

On a generated KB, in the same run: ``kb build`` (whole process) against a plain MkDocs Material
site of the same number of minimal Markdown pages with Material's search plugin (the PERFORMANCE-
NOTES appendix 1 page shape), then the serve loop's rebuild after editing one entry (``LiveBuilder``
in a child process: full build, edit, rebuild; the rebuild is timed), the median component page's
HTML size and the build's peak memory. Targets (issue 6): full build ≤ 0.5 × plain MkDocs;
one-entry rebuild < 5 s; median component page < 30 KB; peak memory < 1 GB.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import sys
from pathlib import Path

from benchmarks.harness import CommandFailed, Figure, kb_argv, measure_command, smoke, tool, within
from benchmarks.synth import PLAIN_MKDOCS_CONFIG, generate_kb, write_mkdocs_config

NAME = "portal"
RATIO_LIMIT = 0.5
REBUILD_LIMIT_S = 5.0
PAGE_LIMIT_KB = 30.0
MEMORY_LIMIT_MB = 1024.0
WORDS = ["component", "widget", "portal", "service", "adapter", "schema", "index", "registry", "module", "pipeline",
         "record", "config", "runtime", "cache", "queue", "event", "handler", "metric", "policy", "storage"]


def _plain_page(i: int, n: int, rnd: random.Random) -> str:
    lines = [f"# Component {i:05d}", "", "| Key | Value |", "| --- | --- |"]
    lines += [f"| field_{k:02d} | {rnd.choice(WORDS)}-{rnd.randint(0, 99999)} |" for k in range(15)]
    lines += ["", " ".join(rnd.choice(WORDS) for _ in range(60)) + ".", "", "## Related", ""]
    for _ in range(10):
        j = rnd.randrange(n)
        lines.append(f"- [Component {j:05d}](../g{j % 50:02d}/comp-{j:05d}.md)")
    meta = {"id": f"comp-{i:05d}", "owner": rnd.choice(WORDS), "tags": [rnd.choice(WORDS) for _ in range(3)]}
    return "\n".join([*lines, "", "```json", json.dumps(meta, indent=2), "```", ""])


def write_plain_site(root: Path, pages: int) -> Path:
    """A plain MkDocs Material project of ``pages`` minimal component pages; returns its mkdocs.yml."""
    rnd = random.Random(0)
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Plain baseline\n", encoding="utf-8")
    for i in range(pages):
        folder = root / "docs" / "components" / f"g{i % 50:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"comp-{i:05d}.md").write_text(_plain_page(i, pages, rnd), encoding="utf-8")
    (root / "mkdocs.yml").write_text(PLAIN_MKDOCS_CONFIG, encoding="utf-8")
    return root / "mkdocs.yml"


def _component_pages(site: Path) -> list[Path]:
    return [p.parent / "index.html" for p in site.glob("*/*/entry.json") if (p.parent / "index.html").is_file()]


def live_rebuild(config: str, site: str, meta_file: str) -> None:
    """Child-process body: full build, edit one entry's meta, rebuild; prints the rebuild as JSON."""
    import time

    from generator.portal.builder import LiveBuilder

    live = LiveBuilder(Path(config), Path(site))
    live.build()
    path = Path(meta_file)
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["bench_edit"] = "edited by bench_portal"
    path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    start, cpu = time.perf_counter(), time.process_time()
    plugin = live.build(changed=[path])
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    stats = plugin.last_stats
    print(json.dumps({"rebuild_s": took, "rebuild_cpu_s": cpu, "writer_s": stats.seconds,
                      "rendered": stats.rendered_entries,
                      "written": stats.counts.written, "skipped": stats.counts.skipped}))  # fmt: skip


def _live_figure(entries: int, workdir: Path, repos: list[Path]) -> Figure:
    copies = []
    for repo in repos:  # the generated KB may be a shared read-only cache: edit a copy
        copies.append(workdir / "live" / repo.name)
        shutil.copytree(repo, copies[-1])
    config = write_mkdocs_config(workdir / "live", copies)
    candidates = [p for c in copies for p in sorted(c.glob("model/*/.cm/meta.json"))]
    meta = (candidates or [p for c in copies for p in sorted(c.glob("*/*/.cm/meta.json"))])[0]
    code = f"from benchmarks.bench_portal import live_rebuild; live_rebuild({str(config)!r}, " \
           f"{str(workdir / 'live-site')!r}, {str(meta)!r})"
    name = f"one-entry rebuild at {entries:,} entries"
    try:
        run = measure_command([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent)
        result = json.loads(run.stdout.strip().splitlines()[-1])
    except (CommandFailed, ValueError, IndexError) as exc:  # keep the other figures of a long run
        return Figure(name=name, ours=None, unit="s", target=f"< {REBUILD_LIMIT_S:.0f} s",
                      note=f"not measured: {str(exc).splitlines()[0][:160]}")  # fmt: skip
    note = f"CPU {result['rebuild_cpu_s']:.2f} s, site writer {result['writer_s']:.2f} s; " \
           f"{result['rendered']} entry page(s) re-rendered, " \
           f"{result['written']} files written, " \
           f"{result['skipped']} unchanged (serve loop, in process)"
    return Figure(name=name, ours=round(result["rebuild_s"], 2),
                  unit="s", target=f"< {REBUILD_LIMIT_S:.0f} s",
                  holds=result["rebuild_s"] < REBUILD_LIMIT_S, note=note)  # fmt: skip


def run(entries: int, workdir: Path) -> list[Figure]:
    """Measure the portal build against plain MkDocs on a generated KB of ``entries`` entries."""
    repos = generate_kb(workdir / "kb", entries)
    config = write_mkdocs_config(workdir / "ours", repos)
    ours_site = workdir / "ours-site"
    load_before = os.getloadavg()[0]
    ours = measure_command(kb_argv("-c", config, "build", "--site-dir", ours_site))
    pages = _component_pages(ours_site)
    sizes = sorted(p.stat().st_size / 1024 for p in pages)
    plain_pages = len(pages) if not smoke() else min(len(pages), 60)
    plain_cfg = write_plain_site(workdir / "plain", plain_pages)
    plain = measure_command([tool("mkdocs"), "build", "-q", "-f", plain_cfg, "-d", workdir / "plain-site"])
    ratio = ours.wall_s / plain.wall_s if plain.wall_s else None
    load = f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after both builds"
    figures = [
        Figure(name=f"full build, {entries:,} entries", ours=round(ours.wall_s, 2), baseline=round(plain.wall_s, 2),
               baseline_name=f"plain MkDocs Material + search, {plain_pages:,} pages", unit="s",
               target=f"≤ {RATIO_LIMIT} × plain", holds=None if ratio is None else ratio <= RATIO_LIMIT,
               note=f"{len(pages):,} component pages; {load}"),
        Figure(name=f"full build CPU time, {entries:,} entries", ours=round(ours.cpu_s, 2),
               baseline=round(plain.cpu_s, 2), baseline_name="plain MkDocs Material + search", unit="CPU s",
               target=f"≤ {RATIO_LIMIT} × plain",
               holds=ours.cpu_s <= RATIO_LIMIT * plain.cpu_s if plain.cpu_s else None,
               note="user+system seconds: steadier than wall time on a busy machine"),
        Figure(name="full build: peak memory", ours=round(ours.peak_rss_mb, 1),
               baseline=round(plain.peak_rss_mb, 1), baseline_name="plain MkDocs Material", unit="MB",
               target="< 1 GB", holds=within(ours.peak_rss_mb, MEMORY_LIMIT_MB)),
        Figure(name="median component page HTML", ours=round(statistics.median(sizes), 1) if sizes else None,
               unit="KB", target=f"< {PAGE_LIMIT_KB:.0f} KB",
               holds=within(statistics.median(sizes), PAGE_LIMIT_KB) if sizes else None,
               note=f"largest {sizes[-1]:.1f} KB" if sizes else "no component pages"),
    ]  # fmt: skip
    figures.append(_live_figure(entries, workdir, repos))
    return figures
