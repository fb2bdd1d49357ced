"""The pull-request impact report: entries added, renamed, changed, removed, and leaderboard moves."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.diagnostics import inert
from generator.ops.pr_entries import EntryChange, EntryChanges, compare_entries
from generator.ops.pr_ranks import RankChange, rank_moves
from generator.provenance.changes import changed_files
from generator.provenance.submit import checkout_at, merge_base, project_repo

SHOWN = 100  # lines per section in the Markdown report; the JSON form has everything


@dataclass
class ImpactReport:
    """What a pull request changes in the knowledge base, compared with its merge-base."""

    entries: EntryChanges = field(default_factory=EntryChanges)
    ranks: list[RankChange] = field(default_factory=list)
    base: str = ""
    merge_base: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (``kb pr-report --json``)."""
        return {"base": self.base, "merge_base": self.merge_base, **asdict(self.entries),
                "ranks": [{**asdict(r), "moved": r.moved} for r in self.ranks]}  # fmt: skip

    def markdown(self) -> str:
        """The report as Markdown for the GitHub step summary (contributor strings in code spans)."""
        e = self.entries
        lines = ["## Knowledge-base impact", ""]
        if self.merge_base:
            fork = f"Compared with `{self.merge_base[:12]}`, where this branch forked from `{_code(self.base)}`."
            lines += [fork, ""]
        lines += [f"{len(e.added)} added, {len(e.renamed)} renamed, {len(e.changed)} changed, "
                  f"{len(e.removed)} removed.", ""]  # fmt: skip
        for title, changes in (("Added", e.added), ("Renamed", e.renamed), ("Changed", e.changed),
                               ("Removed", e.removed)):  # fmt: skip
            if changes:
                lines += [f"**{title}**", "", *_capped([_entry_line(c) for c in changes]), ""]
        if self.ranks:
            lines += ["**Leaderboard moves**", "", "| result | entry | dashboard | metric | rank | before | move |",
                      "| --- | --- | --- | --- | ---: | ---: | --- |"]  # fmt: skip
            lines += _capped([_rank_line(r) for r in self.ranks])
        return "\n".join(lines).rstrip() + "\n"


def _capped(lines: list[str]) -> list[str]:
    return lines[:SHOWN] + ([f"- … and {len(lines) - SHOWN} more (kb pr-report --json lists all)"]
                            if len(lines) > SHOWN else [])  # fmt: skip


def _code(text: str) -> str:
    """Text safe inside a Markdown code span in a table (no backticks, pipes or newlines; @ defanged)
    and in the CI log the report is also printed to (``inert``)."""
    return inert(" ".join(text.replace("`", "'").replace("|", "/").split())[:120]).replace("@", "@\u200b")


def _files(change: EntryChange) -> str:
    shown = [f"`{_code(f.name)}`" + ("" if f.status == "modified" else f" ({f.status})") for f in change.files[:12]]
    more = f" and {len(change.files) - 12} more" if len(change.files) > 12 else ""
    return ", ".join(shown) + more


def _entry_line(change: EntryChange) -> str:
    line = f"- `{_code(change.cid)}`"
    if change.renamed:
        line = f"- `{_code(change.old_cid)}` → `{_code(change.cid)}`"
    if change.retitled:
        line += f": title `{_code(change.old_title)}` → `{_code(change.title)}`"
    elif change.title and not change.old_cid:
        line += f" `{_code(change.title)}`"
    return line + (f" — files: {_files(change)}" if change.files else "")


def _rank_line(r: RankChange) -> str:
    rank = "—" if r.new_rank is None else f"{r.new_rank} of {r.total}"
    before = "—" if r.old_rank is None else str(r.old_rank)
    return (f"| `{_code(r.title)}` | `{_code(r.cid)}` | `{_code(r.board)}` | `{_code(r.metric)}` | {rank} | "
            f"{before} | {r.moved} |")  # fmt: skip


def compare(before: Corpus, after: Corpus, roots: tuple[Path, Path] | None = None,
            changed_paths: list[Path] | None = None) -> ImpactReport:  # fmt: skip
    """The impact of going from one corpus to another (see compare_entries for roots/paths)."""
    entries = compare_entries(before, after, roots, changed_paths or ())
    return ImpactReport(entries, rank_moves(before, after))


def pr_impact(workspace: Workspace, base: str, cwd: Path) -> ImpactReport:
    """Compare the knowledge base in the working tree with the same folders where the branch
    forked from ``base`` (the merge-base: entries that landed on the base branch since then are
    not the PR's removals)."""
    repo = project_repo(workspace.repos[0].path if workspace.repos else cwd)  # the checkout holding the KB
    root = Path(repo.working_tree_dir or cwd).resolve()
    fork = merge_base(repo, base)
    after = Corpus.load(workspace)
    folders = [r.path.resolve() for r in workspace.repos]
    inside = [f for f in folders if f.is_relative_to(root)]
    paths = changed_files(root, fork, inside) if inside else []
    with checkout_at(repo, fork) as tree:
        # repositories of other checkouts are not part of the PR: the same folders on both sides
        then = [tree / f.relative_to(root) if f in inside else f for f in folders]
        present = [f for f in then if (f / ".ckr.json").is_file()]
        before = Corpus.load(Workspace.open(present)) if present else Corpus(Workspace([]))
        report = compare(before, after, (tree.resolve(), root), paths)
    report.base, report.merge_base = base, fork
    return report
