"""A generator of hostile CK repositories: script payloads in every sink the portal has (issue 14).

Each payload is numbered: if it ever runs it calls ``alert(<n>)`` or fetches ``https://evil.example/<n>``,
so a browser test sees it as a dialog or a blocked request. Payloads go into names of every kind
(repository, module, entry, UID, tag, old alias, file), meta and info values, desc.json, READMEs,
file names and contents, result metrics (names, units, values), benchmark and platform names
(charts, dashboards, compare), dates (feeds) and search terms. Written raw, as a hostile pull
request would, not through kb (which refuses most of these names).
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EVIL = "https://evil.example/"
TEMPLATES = (
    "<script>alert({n})</script>",
    '"><img src=x onerror=alert({n})>',
    "'><svg onload=alert({n})>",
    "</title><script>alert({n})</script>",
    "javascript:alert({n})",
    '<a href="javascript:alert({n})">x{n}</a>',
    '<iframe srcdoc="<script>alert({n})</script>"></iframe>',
    '{{{{constructor.constructor("alert({n})")()}}}}',
    "</script><script>alert({n})</script>",
    '"-alert({n})-"',
    '<meta http-equiv="refresh" content="0;url=' + EVIL + '{n}">',
    "<link rel=stylesheet href=" + EVIL + "{n}.css>",
    "<img src=" + EVIL + "{n}.png>",
    "]]><script>alert({n})</script>",
    "<!--<script>alert({n})</script>-->",
    "\u2028alert({n})//\u2029",
    '<svg><a xlink:href="javascript:alert({n})"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert({n})>",
    "<details open ontoggle=alert({n})>",
    'x" onmouseover="alert({n})',
    "x' autofocus onfocus='alert({n})",
    '<base href="' + EVIL + '{n}/">',
    "<form action=" + EVIL + "{n}><button>go</button></form>",
    "&lt;script&gt;alert({n})&lt;/script&gt;",
    '<style>@import "' + EVIL + '{n}.css";</style>',
    "${{alert({n})}}",
    '<object data="javascript:alert({n})"></object>',
    "%3Cscript%3Ealert({n})%3C/script%3E",
    "\ufeff<scr\u200bipt>alert({n})</script>",
    "\u202e<svg onload=alert({n})>",
)
# Names (folder names) cannot hold '/': these are the name-sized payloads.
NAME_PAYLOADS = (
    'x"><svg onload=alert({n})>', "javascript:alert({n})", "x' onmouseover='alert({n})", "{{{{7*7}}}}{n}",
    "x\u2028alert({n})", "x\ufffe{n}", "con", "index.html", "a b {n}", "été-{n}",
)


@dataclass
class Payloads:
    """Numbered payloads; ``take`` hands out the next one for a sink and remembers where it went."""

    counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    placed: list[tuple[int, str]] = field(default_factory=list)  # (number, sink)

    def take(self, sink: str, template: str | None = None) -> str:
        number = next(self.counter)
        chosen = template or TEMPLATES[(number - 1) % len(TEMPLATES)]
        self.placed.append((number, sink))
        return chosen.format(n=number)

    def several(self, sink: str, count: int) -> list[str]:
        return [self.take(sink) for _ in range(count)]


@dataclass
class HostileKB:
    """Where the hostile KB lives and what a correct build must show."""

    root: Path
    config: Path
    payloads: Payloads
    escape_targets: list[Path]  # paths a build must never create
    left_out: list[str] = field(default_factory=list)  # what the build must leave out, as its warning shows it
    uid_counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=True, indent=1)  # \\ud800 stays an escape: a lone surrogate on reading


def write_entry(repo: Path, module: str | bytes, name: str | bytes, uid: str, *, meta: dict[str, Any],
                info: dict[str, Any] | None = None, desc: dict[str, Any] | None = None,
                files: dict[str | bytes, bytes] | None = None, old_aliases: list[str] | None = None,
                alias_target: str | None = None) -> None:  # fmt: skip
    """One entry written the way CK lays it out (names may be bytes: not UTF-8 on purpose)."""
    module_dir = os.path.join(os.fsencode(repo), os.fsencode(module))
    folder = os.path.join(module_dir, os.fsencode(name))
    cm = os.path.join(folder, b".cm")
    os.makedirs(cm, exist_ok=True)
    os.makedirs(os.path.join(module_dir, b".cm"), exist_ok=True)
    for file_name, data in (("meta.json", meta), ("info.json", info or {}), ("desc.json", desc or {})):
        _write(Path(os.fsdecode(os.path.join(cm, file_name.encode()))), _json(data))
    raw_name = os.fsencode(name)
    alias_a = os.path.join(module_dir, b".cm", b"alias-a-" + raw_name)
    if len(os.path.basename(alias_a)) <= 255:
        _write(Path(os.fsdecode(alias_a)), (alias_target or uid) + "\n")
    history = "\n".join([os.fsdecode(raw_name), *(old_aliases or [])]) + "\n"
    _write(Path(os.fsdecode(os.path.join(module_dir, b".cm", b"alias-u-" + uid.encode()))), history)
    for file_name, data in (files or {}).items():
        _write(Path(os.fsdecode(os.path.join(folder, os.fsencode(file_name)))), data)


def _repo(root: Path, folder: str, alias: str, uid: str, **extra: Any) -> Path:
    repo = root / folder
    repo.mkdir(parents=True)
    _write(repo / ".ckr.json", _json({"data_uoa": alias, "data_alias": alias, "data_uid": uid, "data_name": alias,
                                      "dict": {"desc": extra.get("desc", ""), "url": extra.get("url", "")}}))
    return repo


def _uid(kb: HostileKB) -> str:
    return f"{next(kb.uid_counter):016x}"


def _readme(p: Payloads) -> bytes:
    lines = ["# " + p.take("readme heading"), "", p.take("readme text"), "",
             f"[click](javascript:alert({next(p.counter)}))", f"![img]({EVIL}{next(p.counter)}.png)",
             "{: onclick=\"alert(" + str(next(p.counter)) + ")\" }",
             "<script>alert(" + str(next(p.counter)) + ")</script>",
             "```html", p.take("readme code"), "```", "[notes](notes.txt)", "![fig](fig.png)"]  # fmt: skip
    return "\n".join(lines).encode()


def _component(kb: HostileKB, repo: Path, module: str, name: str, **meta_extra: Any) -> str:
    p = kb.payloads
    uid = _uid(kb)
    meta = {"tags": [module, *p.several("tag", 2), "t\ufffe", "ok\u2028tag"], "name": p.take("meta name"),
            "status": {"state": "superseded", "reason": p.take("status reason"), "superseded_by": p.take("ref")},
            "description": p.take("meta description"), "url": f"javascript:alert({next(p.counter)})",
            "links": [{"title": p.take("link title"), "url": f"javascript:alert({next(p.counter)})"}],
            "authors": p.several("author", 2), "nested": {p.take("meta key"): [p.take("meta list"), 1e308, -0.0]},
            "pdf_url": f" javascript:alert({next(p.counter)})",
            "source": {"url": f"JaVaScRiPt:alert({next(p.counter)})"},
            "maintainers": [{"name": p.take("maintainer"), "url": f"java\tscript:alert({next(p.counter)})"}],
            **meta_extra}  # fmt: skip
    info = {"data_name": p.take("title"), "control": {"author": p.take("info author"),
                                                      "iso_datetime": p.take("info date")}}  # fmt: skip
    files = {"README.md": _readme(p), "notes.txt": f"alert({next(p.counter)})".encode(),
             "fig.png": b"\x89PNG\r\n\x1a\n", "evil.svg": f"<svg onload=alert({next(p.counter)})>".encode(),
             "evil.html": f"<script>alert({next(p.counter)})</script>".encode(),
             f'x"><img src=x onerror=alert({next(p.counter)})>.png': b"\x89PNG", b"bad\xff.txt": b"x"}  # fmt: skip
    write_entry(repo, module, name, uid, meta=meta, info=info, desc={"notes": p.take("desc.json")}, files=files,
                old_aliases=[f"../../../escape-{uid}", p.take("old alias", "<svg onload=alert({n})>"), f"{name}-old"])
    return uid


def make_hostile_kb(root: Path) -> HostileKB:
    """Write the hostile repositories, docs and mkdocs.yml under ``root`` (site_url set)."""
    escape = root.parent / f"kb-escape-{root.name}"
    kb = HostileKB(root=root, config=root / "mkdocs.yml", payloads=Payloads(),
                   escape_targets=[escape, root.parent / "escape", Path("/tmp") / f"kb-escape-{root.name}"])
    p = kb.payloads
    main = _repo(root, "hostile", "hostile", "aaaaaaaaaaaaaaa1", desc=p.take("repo desc"),
                 url=f"javascript:alert({next(p.counter)})")  # fmt: skip
    copy = _repo(root, "copy", "copy", "aaaaaaaaaaaaaaa2", desc="a copied collection")
    escaping = _repo(root, "escaping", f"../../../../tmp/kb-escape-{root.name}", "aaaaaaaaaaaaaaa3")
    for module in ("model", "platform", "dataset", "program", "paper"):
        _component(kb, main, module, f"{module}-one", doi=p.take("doi"))
    for module in ("search", "404.html", "sitemap.xml", "assets", "index.html", "javascript:alert(0)"):
        _component(kb, main, module, "e")
    for template in NAME_PAYLOADS:
        name = template.format(n=next(p.counter)) if "{n}" in template else template
        _component(kb, main, "program", name)
        if any(c in name for c in '<>"\u2028\ufffe'):
            kb.left_out.append(f"hostile:program:{name[:6]}".encode("ascii", "backslashreplace").decode())
    for name in ("index.html", "rows.json", "rows.js", "entry.json", "files", "a" * 247):
        _component(kb, main, "model", name)
    _component(kb, main, "m" * 255, "e")  # a module name too long for a URL (defect 5)
    _component(kb, main, "model", b"bad\xff-name")  # not UTF-8
    write_entry(main, "model", "alias-target", _uid(kb), meta={"tags": ["x"]}, alias_target="../../../x")
    write_entry(main, "model", "surrogate-tag", _uid(kb), meta={"tags": ["x", "a\ud800b"]})  # defect 5
    write_entry(main, "model", "infinite", _uid(kb), meta={"tags": ["x"]})
    (main / "model" / "infinite" / ".cm" / "meta.json").write_text('{"tags": ["x"], "v": 1e999}')  # json cannot
    kb.left_out += ["hostile:mmmmm", "hostile:model:bad\\udcff-name", "hostile:model:alias-target",
                    "hostile:model:infinite", "hostile:model:surrogate-tag",
                    f"../../../../tmp/kb-escape-{root.name}:model:escapee"]  # fmt: skip
    many = [f"old-{i}" for i in range(200_000)]  # a 200,000-line alias history (defect 5)
    write_entry(main, "model", "many-aliases", _uid(kb), meta={"tags": ["x"]}, old_aliases=many)
    _results(kb, main)
    for module, name in (("model", "model-one"), ("program", "a b 1")):  # the same names in a second repository
        _component(kb, copy, module, name)
    _component(kb, escaping, "model", "escapee")  # its repository name climbs out of the site
    (root / "docs").mkdir()
    _write(root / "docs" / "index.md", "# Hostile KB\n")
    _write(kb.config, """site_name: Hostile KB
site_url: https://kb.example.org/portal/
theme:
  name: material
  font: false
plugins:
  - search
  - kb:
      repos: [hostile, copy, escaping]
      history: false
""")
    return kb


def _results(kb: HostileKB, repo: Path) -> None:
    """Results whose benchmark, scenario, metric names and units, submitter and platform carry payloads."""
    p = kb.payloads
    long_benchmark = "b" * 70  # two names equal after the 63-character cut (issue 15: the build hung)
    for index, benchmark in enumerate((p.take("benchmark"), p.take("benchmark"), long_benchmark + "1",
                                       long_benchmark + "2")):  # fmt: skip
        metrics = {p.take("metric name", "lat\u2028ency<script>alert({n})</script>"):
                   {"value": 1.5 + index, "unit": p.take("metric unit"), "direction": "lower"},
                   "accuracy": {"value": 70.0 + index, "unit": "%", "direction": "higher"},
                   "__proto__": {"value": 1e308, "unit": "x", "direction": "higher"},
                   "constructor": {"value": -0.0, "unit": "y", "direction": "lower"}}  # fmt: skip
        write_entry(repo, "result", f"r{index}", _uid(kb), meta={
            "tags": ["result", p.take("result tag")], "benchmark": benchmark, "scenario": p.take("scenario"),
            "platform_uoa": "platform-one", "model_uoa": "model-one", "submitter": p.take("submitter"),
            "date": p.take("result date"), "metrics": metrics,
            "software": [{"name": p.take("software"), "version": p.take("version")}],
        }, info={"data_name": p.take("result title")})  # fmt: skip


@dataclass
class HostileBuild:
    """A finished ``kb build`` of the hostile KB and the file system around it, before and after."""

    kb: HostileKB
    site: Path
    returncode: int
    stdout: str
    stderr: str
    around_before: set[str]
    around_after: set[str]


def _around(root: Path) -> set[str]:
    """Every path under the KB's parent folder except the site and cache, plus /tmp's top level."""
    found = {str(p) for p in root.parent.rglob("*") if not _is_output(p, root)}
    return found | {f"/tmp/{name}" for name in os.listdir("/tmp") if "kb-escape" in name or "escape" in name}


def _is_output(path: Path, root: Path) -> bool:
    return path.is_relative_to(root / "site") or path.is_relative_to(root / ".kb-cache")


def build_hostile(root: Path) -> HostileBuild:
    """Make the hostile KB under ``root`` and build it with ``kb build`` in a fresh process."""
    import subprocess
    import sys

    kb = make_hostile_kb(root)
    before = _around(root)
    run = subprocess.run([sys.executable, "-m", "generator", "build"], cwd=root, capture_output=True, text=True,
                         timeout=600, env={**os.environ, "NO_COLOR": "1"})  # fmt: skip
    return HostileBuild(kb, root / "site", run.returncode, run.stdout, run.stderr, before, _around(root))
