"""Profile "G": generic CK tag dependencies, the shape that made reverse-dependency lists quadratic.

One repository ``synth-generic`` of soft (50 %), package (20 %) and program (30 %) entries. Soft and
package entries carry a kind (``compiler``, ``lib``, ``tool``, ``plugin``) and a language tag
(``lang-c`` …, eight of them) besides their own name and version tags; every entry has one
dependency on two of those common tags (``compiler,lang-cpp``), as real CK programs depend on "any
C++ compiler". With 32 kind×language pairs, one dependency matches ~2 % of the KB: ~21 matches per
entry at 1,000 entries, ~210 at 10,000 (2.1 million pairs), ~630 at 30,000.
"""

from __future__ import annotations

from typing import Any

from benchmarks import synth_vocab as V
from benchmarks.synth_plan import Gen

REPO = "synth-generic"
KINDS = ("compiler", "lib", "tool", "plugin")
LANGS = ("lang-c", "lang-cpp", "lang-python", "lang-java", "lang-rust", "lang-go", "lang-fortran", "lang-cuda")
SHARES = (("soft", 0.5), ("package", 0.2), ("program", 0.3))


def _common_dep(g: Gen) -> dict[str, Any]:
    kind, lang = g.rng.choice(KINDS), g.rng.choice(LANGS)
    return {"local": "yes", "name": f"any {kind} for {lang.removeprefix('lang-')}", "sort": 10,
            "tags": f"{kind},{lang}"}  # fmt: skip


def _soft(g: Gen, i: int) -> None:
    r = g.rng
    kind, lang = r.choice(KINDS), r.choice(LANGS)
    what = r.choice(V.COMPILERS + V.LIBS + V.TOOLS)
    version = f"{r.randint(1, 12)}.{r.randint(0, 9)}.{r.randint(0, 20)}"
    name = f"{kind} {what} {version} ({lang}) {i}"
    meta = {"soft_name": name, "auto_detect": "yes", "tags": [kind, lang, what, f"v{version}"],
            "customize": {"check_that_exists": "yes", "env_prefix": f"CK_ENV_{what.upper().replace('-', '_')}"},
            "deps": {"base": _common_dep(g)}}  # fmt: skip
    g.add("soft", name, meta, repo=REPO)


def _package(g: Gen, i: int) -> None:
    r = g.rng
    kind, lang = r.choice(KINDS), r.choice(LANGS)
    what = r.choice(V.LIBS)
    version = f"{r.randint(1, 9)}.{r.randint(0, 30)}"
    name = f"{what} {version} {lang} package {i}"
    meta = {"tags": [kind, lang, what, f"v{version}"], "process_script": "install",
            "customize": {"version": version, "install_env": {"PACKAGE_URL": f"https://example.org/{what}"}},
            "deps": {"compiler": _common_dep(g)}}  # fmt: skip
    g.add("package", name, meta, repo=REPO)


def _program(g: Gen, i: int) -> None:
    r = g.rng
    task = r.choice(V.TASKS)
    name = f"{task} {r.choice(('benchmark', 'demo', 'validation'))} {i}"
    meta = {"program": "yes", "name": name, "tags": ["program", task, r.choice(V.FRAMEWORKS)],
            "run_cmds": {"default": {"run_time": {"run_cmd_main": f"$#BIN_FILE#$ {i}"}}},
            "compile_deps": {"compiler": _common_dep(g)}}  # fmt: skip
    g.add("program", name, meta, repo=REPO)


MAKERS = {"soft": _soft, "package": _package, "program": _program}


def generate(g: Gen, entries: int) -> None:
    """Add ``entries`` G-profile entries to the generator's plan."""
    counts = {m: int(entries * share) for m, share in SHARES}
    counts["soft"] += entries - sum(counts.values())
    for module, maker in MAKERS.items():
        for i in range(counts[module]):
            maker(g, i)
