"""A solution's workflow as the portal draws it: the components it names, its program's CK tag
dependencies resolved to the entries of the knowledge base that satisfy them (per platform where
they differ: a package may be for Linux only), and the commands that reproduce it with kb and ck."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from generator.ck.model import Entry
from generator.ck.programs import runs_without_ck
from generator.portal import depgraph

if TYPE_CHECKING:
    from generator.portal.component import SiteModel

DEP_KEYS = ("compile_deps", "run_deps", "deps")
COMPONENT_PATHS = ("$.program_uoa", "$.model_uoa", "$.dataset_uoa", "$.components")
MAX_NODES = 12  # dependency nodes drawn (the table lists them all)
OS_NAMES = {"linux": "Linux", "android": "Android", "windows": "Windows", "macos": "macOS"}


@dataclass(frozen=True)
class Link:
    """A link to an entry."""

    href: str
    text: str


@dataclass
class Dependency:
    """One CK dependency of the program: its name, tags and the entries satisfying it per OS."""

    name: str
    tags: str
    stage: str  # compile or run
    per_os: dict[str, list[Link]] = field(default_factory=dict)


@dataclass
class WorkflowView:
    """What the solution page shows of its workflow."""

    program: Entry | None
    components: list[Link]
    dependencies: list[Dependency]
    systems: list[tuple[str, str]]  # (OS key, 'Linux: Firefly RK3399, HiKey960') columns of the table
    graph: Markup
    runnable: bool


def os_of(platform: Entry) -> str:
    """The operating system family of a platform entry ('' when unknown)."""
    words = " ".join([str(platform.meta.get("os", "")), *platform.tags]).lower()
    for key, hints in (("android", ("android",)), ("windows", ("windows",)), ("macos", ("macos", "mac os")),
                       ("linux", ("linux", "ubuntu", "debian", "raspbian", "fedora", "centos"))):  # fmt: skip
        if any(h in words for h in hints):
            return key
    return ""


def available_on(entry: Entry, system: str) -> bool:
    """True when an entry (a package, a soft detection) serves a target OS (CK's only_for_target_os_tags)."""
    only = entry.meta.get("only_for_target_os_tags")
    return not system or not isinstance(only, list) or not only or system in only


def program_of(site: SiteModel, solution: Entry) -> Entry | None:
    """The program entry a solution runs (its program_uoa reference, resolved)."""
    for item in site.graph.outgoing(solution):
        if item.reference.json_path == "$.program_uoa" and item.targets:
            return item.targets[0]
    return None


def _components(site: SiteModel, solution: Entry, root: str) -> list[tuple[Entry, Link]]:
    found: dict[int, tuple[Entry, Link]] = {}
    for item in site.graph.outgoing(solution):
        if item.reference.json_path.startswith(COMPONENT_PATHS):
            for target in item.targets[:1]:
                found.setdefault(id(target), (target, Link(root + site.url_of(target), site.label_of(target))))
    return list(found.values())


def _dependencies(site: SiteModel, program: Entry, systems: list[str], root: str) -> list[Dependency]:
    """The program's tag dependencies, each resolved per operating system of the solution's platforms."""
    resolved = {item.reference.json_path: item.targets for item in site.graph.outgoing(program)
                if item.reference.kind == "tags"}  # fmt: skip
    found = []
    for key in DEP_KEYS:
        deps = program.meta.get(key)
        for name, dep in (deps.items() if isinstance(deps, dict) else []):
            if not isinstance(dep, dict) or not isinstance(dep.get("tags"), str):
                continue
            targets = list(resolved.get(f"$.{key}.{name}.tags", [])[:20])
            title = dep.get("name") if isinstance(dep.get("name"), str) else name
            found.append(Dependency(str(title), dep["tags"], "compile" if key == "compile_deps" else "run", {
                system: [Link(root + site.url_of(t), site.label_of(t)) for t in targets if available_on(t, system)]
                for system in systems or [""]}))  # fmt: skip
    return found


def systems_of(platforms: list[Entry]) -> list[tuple[str, str]]:
    """(OS key, label naming its platforms) of the platforms a solution ran on, Linux first."""
    by_os: dict[str, list[str]] = {}
    for platform in platforms:
        by_os.setdefault(os_of(platform), []).append(platform.name)
    order = sorted(by_os, key=lambda k: (k != "linux", k == "", k))
    return [(k, f"{OS_NAMES.get(k, 'Other')}: {', '.join(sorted(set(by_os[k])))}") for k in order]


def _graph(site: SiteModel, solution: Entry, components: list[tuple[Entry, Link]], program: Entry | None,
           deps: list[Dependency]) -> Markup:  # fmt: skip
    name = site.name_of(solution)
    centre = depgraph.Node(key="solution", label=name, title=f"solution: {name}", href="")
    first = [depgraph.Node(key=str(id(e)), label=site.name_of(e), title=f"{e.ref.module}: {site.name_of(e)}",
                           href=link.href) for e, link in components]  # fmt: skip
    second: list[depgraph.Node] = []
    parent = str(id(program)) if program is not None else ""
    for dep in deps:
        links = {link.href: link for per in dep.per_os.values() for link in per}
        for link in list(links.values())[:2] or [Link("", f"{dep.name} (not in this knowledge base)")]:
            second.append(depgraph.Node(key=f"{dep.name}:{link.href}", label=link.text.split(":", 1)[-1],
                                        title=f"{dep.name} ({dep.tags}): {link.text}", href=link.href,
                                        parent=parent))  # fmt: skip
    columns = [depgraph.Column((centre,)), depgraph.Column(tuple(first))]
    if second:
        columns.append(depgraph.Column(tuple(second[:MAX_NODES]), max(0, len(second) - MAX_NODES)))
    return depgraph.render_svg([c for c in columns if c.nodes], caption=f"Workflow of {name}")


def workflow_view(site: SiteModel, solution: Entry, platforms: list[Entry], root: str) -> WorkflowView:
    """The workflow section of a solution page."""
    program = program_of(site, solution)
    components = _components(site, solution, root)
    systems = systems_of(platforms)
    deps = _dependencies(site, program, [k for k, _ in systems], root) if program is not None else []
    if deps and all(len({tuple(d.per_os[k]) for k in d.per_os}) == 1 for d in deps):
        systems = [("", "Every platform")] if systems else []  # nothing differs: one column
        deps = [Dependency(d.name, d.tags, d.stage, {"": next(iter(d.per_os.values()))}) for d in deps]
    return WorkflowView(program, [link for _, link in components], deps, systems,
                        _graph(site, solution, components, program, deps),
                        program is not None and runs_without_ck(program.meta))  # fmt: skip


def reproduce_commands(solution: Entry, view: WorkflowView, repo_path: str, repo_url: str) -> dict[str, list[str]]:
    """The commands that fetch and rerun a solution: kb in a checkout, ck after registering the repository."""
    cid = f"{solution.ref.repo}:{solution.ref.module}:{solution.ref.uoa}"
    kb = [f"kb load {cid}"]
    if view.runnable:
        kb += [f"kb run {cid} -n 3", "kb validate", "kb build"]
    fetch = f"ck pull repo --url={repo_url}" if repo_url else f"ck import repo --path={repo_path} --quiet"
    ck = [fetch, f"ck load {solution.ref.module}:{solution.ref.uoa}"]
    if view.program is not None:
        ck.append(f"ck load program:{view.program.ref.uoa}")
    return {"kb": kb, "ck": ck}


def ck_run_command(view: WorkflowView) -> str:
    """The CK workflow's own run command (it needs CK's program module, ck-autotuning, and the deps)."""
    return f"ck run program:{view.program.ref.uoa}" if view.program is not None else ""


def any_of(values: Any) -> list[str]:
    """The strings of a list ('' and non-strings dropped)."""
    return [v for v in values if isinstance(v, str) and v] if isinstance(values, list) else []
