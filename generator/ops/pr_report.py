"""The pull-request impact report: entries added, changed, removed, and where results rank now."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.ck.corpus import Corpus
from generator.ck.model import Entry
from generator.ck.resolve import Workspace
from generator.provenance.submit import checkout_at, project_repo
from generator.results.dashboards import build_dashboards
from generator.results.table import rows_from_corpus

Key = tuple[str, str, str]


@dataclass(frozen=True)
class RankChange:
    """A touched result's place on one leaderboard, before (None: not there) and after."""

    board: str
    metric: str
    title: str
    old_rank: int | None
    new_rank: int
    total: int


@dataclass
class ImpactReport:
    """What a pull request changes in the knowledge base."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    ranks: list[RankChange] = field(default_factory=list)

    def markdown(self) -> str:
        """The report as Markdown for the GitHub step summary (contributor strings in code spans)."""
        lines = ["## Knowledge-base impact", "",
                 f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed.", ""]  # fmt: skip
        for title, keys in (("Added", self.added), ("Changed", self.changed), ("Removed", self.removed)):
            if keys:
                lines += [f"**{title}**", "", *[f"- `{_code(k)}`" for k in keys[:100]], ""]
        if self.ranks:
            lines += ["**Leaderboards**", "", "| result | dashboard | metric | rank | before |",
                      "| --- | --- | --- | ---: | ---: |"]  # fmt: skip
            for r in self.ranks[:100]:
                before = "new" if r.old_rank is None else str(r.old_rank)
                rank = f"{r.new_rank} of {r.total}"
                lines.append(f"| `{_code(r.title)}` | `{_code(r.board)}` | {r.metric} | {rank} | {before} |")
        return "\n".join(lines).rstrip() + "\n"


def _code(text: str) -> str:
    """Text safe inside a Markdown code span in a table (no backticks, pipes or newlines; @ defanged)."""
    return " ".join(text.replace("`", "'").replace("|", "/").replace("@", "@\u200b").split())[:120]


def _by_key(corpus: Corpus) -> dict[Key, Entry]:
    return {(e.ref.repo, e.ref.module, e.ref.uid or e.ref.alias): e for e in corpus.entries}


def _ranks(corpus: Corpus) -> dict[tuple[str, str], dict[str, tuple[int, int, str]]]:
    """Per (dashboard, metric): result UID → (rank, board size, title)."""
    table: dict[tuple[str, str], dict[str, tuple[int, int, str]]] = {}
    for board in build_dashboards(rows_from_corpus(corpus)):
        for lb in board.leaderboards:
            table[(board.slug, lb.metric)] = {line.row.uid: (line.rank, len(lb.lines), line.row.title)
                                              for line in lb.lines}  # fmt: skip
    return table


def compare(before: Corpus, after: Corpus) -> ImpactReport:
    """Entries added/changed/removed between two corpora, and the new ranks of touched results."""
    old, new = _by_key(before), _by_key(after)
    report = ImpactReport()
    for key in sorted(new.keys() - old.keys()):
        report.added.append(new[key].ref.cid)
    for key in sorted(old.keys() - new.keys()):
        report.removed.append(old[key].ref.cid)
    for key in sorted(new.keys() & old.keys()):
        if (new[key].meta, new[key].desc) != (old[key].meta, old[key].desc):
            report.changed.append(new[key].ref.cid)
    touched = {new[k].ref.uid for k in new.keys() - old.keys()} | {
        new[k].ref.uid for k in new.keys() & old.keys() if new[k].meta != old[k].meta}
    old_ranks = _ranks(before)
    for (board, metric), lines in sorted(_ranks(after).items()):
        for uid, (rank, total, title) in lines.items():
            if uid in touched:
                was = old_ranks.get((board, metric), {}).get(uid)
                report.ranks.append(RankChange(board, metric, title, was[0] if was else None, rank, total))
    return report


def pr_impact(workspace: Workspace, base: str, cwd: Path) -> ImpactReport:
    """Compare the knowledge base in the working tree with the same folders at the base revision."""
    repo = project_repo(cwd)
    root = Path(repo.working_tree_dir or cwd).resolve()
    after = Corpus.load(workspace)
    with checkout_at(repo, base) as tree:
        folders = [tree / r.path.resolve().relative_to(root) for r in workspace.repos
                   if r.path.resolve().is_relative_to(root)]  # fmt: skip
        present = [f for f in folders if (f / ".ckr.json").is_file()]
        before = Corpus.load(Workspace.open(present)) if present else Corpus(Workspace([]))
    return compare(before, after)
