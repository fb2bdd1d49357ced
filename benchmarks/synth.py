"""A deterministic, realistic synthetic KB of any size, written as proper CK repositories.

``generate_kb(root, entries, seed=0, results=None)`` writes several repositories under ``root``:
``synth-env`` (soft, package, script), ``synth-programs`` (program, experiment), ``synth-zoo``
(dataset, model), ``synth-platforms`` (platform) and ``synth-results-<k>`` (result, 10,000 per
repository). About 40 % of the entries are results by default. Entries reference each other the
CK way (``run_deps``/``compile_deps`` tag deps, ``soft_uoa``, ``use_scripts_from_another_entry``,
``dataset_uoa``, result ``platform_uoa/model_uoa/dataset_uoa/program_uoa``); about 3 % are
UID-only, a few carry several aliases in ``alias-u-*``; some have a ``README.md``.
Files are written directly in CK's format (``dumps_ck``), not through ``Repo.add``: 50,000
entries take seconds, not minutes. Same seed and sizes → byte-identical repositories.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
from pathlib import Path
from typing import Any

from benchmarks import synth_generic, synth_real
from benchmarks import synth_vocab as V
from benchmarks.synth_plan import Gen, Item, write_repo, write_text
from benchmarks.synth_site import write_mkdocs_config  # re-exported: part of the API
from generator.ck.ids import slugify

CACHE_ENV = "REEF_BENCH_KB_CACHE"
PROFILES = ("default", "G", "R")
STAMP = ".synth-complete"
RESULTS_PER_REPO = 10_000
RESULT_SHARE = 0.4
# Share of the non-result entries per module (sums to 1).
MODULE_WEIGHTS = {"platform": 0.10, "dataset": 0.08, "model": 0.13, "soft": 0.14, "script": 0.05,
                  "package": 0.16, "program": 0.14, "experiment": 0.20}  # fmt: skip
MODULE_REPO = {"soft": "synth-env", "package": "synth-env", "script": "synth-env",
               "program": "synth-programs", "experiment": "synth-programs", "dataset": "synth-zoo",
               "model": "synth-zoo", "platform": "synth-platforms"}  # fmt: skip
GENERIC_DEP_SHARE = 0.1


# The baseline the portal is measured against: plain MkDocs Material with its search plugin, one
# page per component under /components/ (kept out of the nav, as ours are).
PLAIN_MKDOCS_CONFIG = """site_name: Plain MkDocs Material
theme:
  name: material
  font: false
markdown_extensions:
  - tables
nav:
  - Home: index.md
not_in_nav: |
  /components/
plugins:
  - search
"""


def plan_counts(entries: int, results: int | None) -> dict[str, int]:
    """How many entries of each module: results first, the rest by MODULE_WEIGHTS (at least 1 each)."""
    n_results = round(entries * RESULT_SHARE) if results is None else results
    n_results = max(0, min(n_results, entries))
    rest = entries - n_results
    counts = {m: int(rest * w) for m, w in MODULE_WEIGHTS.items()}
    order = list(MODULE_WEIGHTS)
    for module in order:  # the referenced kinds must exist when there is room
        if rest >= len(order) and counts[module] == 0:
            counts[module] = 1
    spare = rest - sum(counts.values())
    i = 0
    while spare != 0:
        module = order[i % len(order)]
        step = 1 if spare > 0 else -1
        if step > 0 or counts[module] > 1:
            counts[module] += step
            spare -= step
        i += 1
    counts["result"] = n_results
    return counts


class _Gen(Gen):
    """The default profile's generator: datasets are picked by task for models."""

    def __init__(self, seed: int) -> None:
        super().__init__(seed, MODULE_REPO)
        self.datasets_by_task: dict[str, list[Item]] = {}


def _platform(g: _Gen, i: int) -> None:
    r = g.rng
    vendor, proc, acc = r.choice(V.VENDORS), r.choice(V.PROCESSORS), r.choice(V.ACCELERATORS)
    name = f"{vendor} {proc}{' + ' + acc if acc else ''} board {i}"
    meta: dict[str, Any] = {
        "name": name, "vendor": vendor, "processor": proc, "processor_count": r.choice((1, 1, 2, 4)),
        "memory": f"{r.choice((2, 4, 8, 16, 32, 64, 256, 512))} GB", "os": r.choice(V.OSES),
        "form_factor": [r.choice(V.FORM_FACTORS)],
        "tags": ["platform", slugify(vendor), slugify(proc), *([slugify(acc)] if acc else [])],
    }  # fmt: skip
    if acc:
        meta.update(accelerator=acc, accelerator_count=r.choice((1, 1, 2, 4, 8)))
    g.add("platform", name, meta)


def _dataset(g: _Gen, i: int) -> None:
    r = g.rng
    task = r.choice(V.TASKS)
    base = r.choice(V.DATASETS[task])
    name = f"{base} subset {i}" if i >= 20 else base
    meta = {"name": name, "task": task, "size": r.choice((500, 1000, 5000, 50000, 100000)),
            "url": f"https://data.example.org/{slugify(base)}/{i}.tar", "license": r.choice(V.LICENSES),
            "tags": ["dataset", slugify(base), task, r.choice(("full", "min", "preprocessed", "raw"))]}  # fmt: skip
    g.datasets_by_task.setdefault(task, []).append(g.add("dataset", name, meta))


def _model(g: _Gen, i: int) -> None:
    r = g.rng
    task = r.choice(V.TASKS)
    arch, fw, prec = r.choice(V.ARCHS[task]), r.choice(V.FRAMEWORKS), r.choice(V.PRECISIONS)
    name = f"{arch} {fw} {prec} {i}"
    meta: dict[str, Any] = {
        "name": name, "task": task, "framework": fw, "architecture": arch, "precision": prec,
        "license": r.choice(V.LICENSES), "tags": ["model", task, arch, fw, prec, f"v{r.randint(1, 3)}"],
    }  # fmt: skip
    if task in ("image-classification", "object-detection", "semantic-segmentation"):
        meta["input_resolution"] = r.choice((128, 160, 192, 224, 299, 300, 1200))
    same_task = g.datasets_by_task.get(task)
    dataset = r.choice(same_task) if same_task else g.pick("dataset")
    if dataset is not None:
        meta["dataset_uoa"] = dataset.uoa
    g.add("model", name, meta)


def _soft(g: _Gen, i: int) -> None:
    r = g.rng
    kind = r.choice(("compiler", "lib", "lib", "tool"))
    what = r.choice({"compiler": V.COMPILERS, "lib": V.LIBS, "tool": V.TOOLS}[kind])
    version = f"{r.randint(1, 12)}.{r.randint(0, 9)}.{r.randint(0, 20)}"
    name = f"{kind} {what} {version}"
    tags = [kind, what, f"v{version}", *([f"lang-{r.choice(V.LANGS)}"] if kind != "tool" else [])]
    meta = {"soft_name": name, "auto_detect": "yes", "tags": tags,
            "customize": {"check_that_exists": "yes", "ck_version": 10,
                          "env_prefix": f"CK_ENV_{slugify(what).upper().replace('-', '_').replace('.', '_')}",
                          "soft_file_universal": f"bin/{what}"}}  # fmt: skip
    g.add("soft", name, meta)


def _script(g: _Gen, i: int) -> None:
    name = f"install {g.rng.choice(('from-git', 'from-url', 'with-cmake', 'with-pip', 'prebuilt'))} {i}"
    g.add("script", name, {"name": name, "tags": ["script", "install", name.split()[1]]})


def _tag_dep(g: _Gen) -> dict[str, Any] | None:
    soft = g.pick("soft")
    if soft is None:
        return None
    # Most deps pin a version (kind,what,vX: ~2 matches); some are generic (kind,what: every version).
    tags = soft.tags[:2] if g.rng.random() < GENERIC_DEP_SHARE else soft.tags[:3]
    return {"name": soft.name, "local": "yes", "sort": 10, "tags": ",".join(tags)}


def _package(g: _Gen, i: int) -> None:
    r = g.rng
    soft = g.pick("soft")
    what = soft.tags[1] if soft else r.choice(V.LIBS)
    version = soft.tags[2].removeprefix("v") if soft else f"{r.randint(1, 9)}.{r.randint(0, 30)}"
    target = r.choice(("linux", "android", "universal"))
    name = f"{what} {version} {target} {i}"
    meta: dict[str, Any] = {  # a package installs one version of a soft: same kind,what,vX tags
        "tags": [*(soft.tags[:2] if soft else ["lib", what]), f"v{version}", f"target-{target}"],
        "process_script": "install", "suggested_path": slugify(name),
        "customize": {"version": version, "install_env": {"PACKAGE_URL": f"https://github.com/example/{what}",
                                                           "PACKAGE_GIT": "YES"}},
        "only_for_host_os_tags": ["linux"],
    }  # fmt: skip
    if soft is not None:
        meta["soft_uoa"] = soft.uid
    script = g.pick("script")
    if script is not None:
        meta["use_scripts_from_another_entry"] = {"module_uoa": "script", "data_uoa": script.uid}
    dep = _tag_dep(g)
    if dep is not None and r.random() < 0.6:
        meta["deps"] = {"compiler": dep}
    g.add("package", name, meta)


def _program(g: _Gen, i: int) -> None:
    r = g.rng
    task, fw = r.choice(V.TASKS), r.choice(V.FRAMEWORKS)
    lang = r.choice(("cpp", "python", "c"))
    name = f"{task} {fw} {r.choice(('loadgen', 'benchmark', 'demo', 'validation'))} {lang} {i}"
    deps = {f"dep-{k}": d for k in range(r.randint(1, 5)) if (d := _tag_dep(g)) is not None}
    meta: dict[str, Any] = {
        "program": "yes", "name": name, "main_language": lang, "source_files": [f"main.{lang}"],
        "run_cmds": {"default": {"ignore_return_code": "no", "run_time": {"run_cmd_main": f"$#BIN_FILE#$ {i}"}}},
        "run_deps": deps, "tags": ["program", task, fw, f"lang-{lang}"],
        "run_vars": {"CK_BATCH_SIZE": r.choice((1, 8, 32)), "CK_LOADGEN_SCENARIO": r.choice(V.SCENARIOS)},
    }  # fmt: skip
    if lang != "python" and (dep := _tag_dep(g)) is not None:
        meta["compile_deps"] = {"compiler": dep}
    g.add("program", name, meta)


def _experiment(g: _Gen, i: int) -> None:
    r = g.rng
    program, platform = g.pick("program"), g.pick("platform")
    name = f"autotuning {r.choice(V.TASKS)} {i}"
    setup = {"points": r.randint(10, 5000), "objective": r.choice(("time", "energy"))}
    meta: dict[str, Any] = {"tags": ["experiment", "autotuning", r.choice(V.COMPILERS)], "meta": setup}
    if program is not None:
        meta["meta"]["program_uoa"] = program.uoa
    if platform is not None:
        meta["meta"]["platform_uoa"] = platform.uoa
    g.add("experiment", name, meta)


def _result(g: _Gen, i: int, repo: str) -> None:
    r = g.rng
    suite, scenario = r.choice(V.BENCH_SUITES), r.choice(V.SCENARIOS)
    model, platform, program = g.pick("model"), g.pick("platform"), g.pick("program")
    task = str(model.meta["task"]) if model else r.choice(V.TASKS)
    metric, unit, direction = V.SCENARIO_METRIC[scenario]
    value = round(r.lognormvariate(3.0, 1.2), 3)
    arch = str(model.meta["architecture"]) if model else "model"
    name = f"{suite} {scenario} {arch} {i}"
    meta: dict[str, Any] = {
        "tags": ["result", suite, task, scenario.lower(), arch], "benchmark": f"{suite}/{task}",
        "scenario": scenario, "platform_uoa": platform.uoa if platform else "unknown-platform",
        "submitter": r.choice(V.SUBMITTERS),
        "date": f"{r.randint(2018, 2021)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
        "software": [{"name": r.choice(V.FRAMEWORKS), "version": f"{r.randint(1, 2)}.{r.randint(0, 15)}"},
                     {"name": r.choice(V.LIBS), "version": f"{r.randint(1, 20)}.{r.randint(0, 9)}"}],
        "metrics": {metric: {"value": value, "unit": unit, "direction": direction},
                    "accuracy_top1": {"value": round(r.uniform(55, 80), 2), "unit": "%", "direction": "higher"}},
        "source": {"name": suite, "url": f"https://github.com/mlcommons/{suite}", "row": i},
    }  # fmt: skip
    if r.random() < 0.1:
        meta["metrics"][metric]["samples"] = [round(value * r.uniform(0.9, 1.1), 3) for _ in range(20)]
    for key, item in (("model_uoa", model), ("program_uoa", program)):
        if item is not None:
            meta[key] = item.uoa
    if model is not None and "dataset_uoa" in model.meta:
        meta["dataset_uoa"] = model.meta["dataset_uoa"]
    g.add("result", name, meta, repo=repo)


MAKERS = {"platform": _platform, "dataset": _dataset, "model": _model, "soft": _soft, "script": _script,
          "package": _package, "program": _program, "experiment": _experiment}  # fmt: skip


def _source_digest() -> str:
    """Fingerprint of the generator's code: a cached KB is reused only if the code is unchanged."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in [*sorted(here.glob("synth*.py")), synth_real.SEED]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def generate_kb(root: Path, entries: int, *, seed: int = 0, results: int | None = None,
                profile: str = "default") -> list[Path]:  # fmt: skip
    """Write a deterministic synthetic KB of ``entries`` entries under ``root``; returns repo folders.

    ``profile`` is one of PROFILES: "default" (the mix above), "G" (generic tag dependencies,
    ``synth_generic.py``) or "R" (real repositories replicated, ``synth_real.py``). ``results``
    overrides how many default-profile entries are results (default 40 %). Existing repositories
    under ``root`` are replaced. When ``REEF_BENCH_KB_CACHE`` names a folder (set by
    ``scripts/bench``), the KB is generated there once per (profile, size, seed, results, code) and
    the cached repo folders are returned instead: callers must treat them as READ-ONLY.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown synthetic KB profile {profile!r} (have {', '.join(PROFILES)})")
    cache = os.environ.get(CACHE_ENV)
    if cache:
        return _cached(Path(cache), entries, seed, results, profile)
    return _generate(Path(root), entries, seed, results, profile)


def _cached(cache: Path, entries: int, seed: int, results: int | None, profile: str) -> list[Path]:
    """Generate once per key under a lock, into a temp folder renamed into place (several runs share it)."""
    from filelock import FileLock

    prefix = "" if profile == "default" else f"{profile}-"
    name = f"kb-{prefix}{entries}-s{seed}-r{'default' if results is None else results}"
    folder, key = cache / name, _source_digest()
    cache.mkdir(parents=True, exist_ok=True)
    with FileLock(str(cache / f".{name}.lock")):
        found = _read_stamp(folder, key)
        if found is not None:
            return found
        staging = cache / f".{name}.tmp-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        paths = _generate(staging, entries, seed, results, profile)
        write_text(str(staging / STAMP), "\n".join([key, *(p.name for p in paths)]) + "\n")
        if folder.exists():
            old = cache / f".{name}.old-{os.getpid()}"
            os.rename(folder, old)
            shutil.rmtree(old, ignore_errors=True)
        os.rename(staging, folder)
    return [folder / p.name for p in paths]


def _read_stamp(folder: Path, key: str) -> list[Path] | None:
    try:
        lines = (folder / STAMP).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    return [folder / line for line in lines[1:]] if lines and lines[0] == key else None


def _generate(root: Path, entries: int, seed: int, results: int | None, profile: str = "default") -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob("*/.ckr.json"):  # repositories of an earlier generation
        shutil.rmtree(old.parent)
    if profile == "R":
        return synth_real.generate(root, entries)
    if profile == "G":
        g = Gen(seed)
        synth_generic.generate(g, entries)
    else:
        g = _default_plan(entries, seed, results)
    by_repo: dict[str, list[Item]] = {}
    for items in g.made.values():
        for item in items:
            by_repo.setdefault(item.repo, []).append(item)
    info_rng = random.Random(seed + 1)
    paths = []
    for name in sorted(by_repo):
        paths.append(write_repo(root, name, g.uid(), by_repo[name], info_rng))
    return paths


def _default_plan(entries: int, seed: int, results: int | None) -> Gen:
    counts = plan_counts(entries, results)
    g = _Gen(seed)
    for module, maker in MAKERS.items():
        for i in range(counts[module]):
            maker(g, i)
    for i in range(counts["result"]):
        _result(g, i, f"synth-results-{i // RESULTS_PER_REPO + 1}")
    return g


__all__ = ["CACHE_ENV", "PLAIN_MKDOCS_CONFIG", "PROFILES", "generate_kb", "plan_counts", "write_mkdocs_config"]
