"""Leaderboard moves of a pull request: every result whose rank on a primary metric changes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from generator.ck.corpus import Corpus
from generator.results.dashboards import Dashboard, build_dashboards
from generator.results.table import ResultRow, rows_from_corpus

BoardKey = tuple[str, str]  # (dashboard slug, metric)


@dataclass(frozen=True)
class RankChange:
    """One result's place on one leaderboard before and after (None: not on it)."""

    board: str
    metric: str
    title: str
    cid: str
    old_rank: int | None
    new_rank: int | None
    total: int

    @property
    def moved(self) -> str:
        """'new', 'gone', '↑2' or '↓1': how the place changed."""
        if self.old_rank is None:
            return "new"
        if self.new_rank is None:
            return "gone"
        step = self.old_rank - self.new_rank
        return f"↑{step}" if step > 0 else f"↓{-step}"


@dataclass(frozen=True)
class Standing:
    """A result's rank on a leaderboard, the board's size and a label that tells the run apart."""

    rank: int
    total: int
    label: str


def primary_metrics(board: Dashboard) -> list[str]:
    """The metrics a dashboard ranks results by: its leaderboards, one per primary metric with a
    direction (statistics such as ``latency_stdev`` and costs such as price are never ranked)."""
    return [lb.metric for lb in board.leaderboards]


def _differences(row: ResultRow) -> tuple[tuple[str, str], ...]:
    return (("platform", row.platform.name or row.platform.uoa), ("model", row.model.name or row.model.uoa),
            ("software", ", ".join(row.software)), ("submitter", row.submitter), ("date", row.date))  # fmt: skip


def run_labels(rows: Sequence[ResultRow]) -> dict[str, str]:
    """Per result UID, its title, extended by the fields that tell apart results sharing it."""
    counts = Counter(row.title for row in rows)
    labels = {}
    for row in rows:
        if counts[row.title] < 2:
            labels[row.uid] = row.title
            continue
        twins = [r for r in rows if r.title == row.title]
        distinct = [(name, value) for name, value in _differences(row)
                    if value and len({dict(_differences(t))[name] for t in twins}) > 1]  # fmt: skip
        extra = "; ".join(f"{name} {value}" for name, value in distinct) or f"uid {row.uid}"
        labels[row.uid] = f"{row.title} ({extra})"
    return labels


def standings(dashboards: Iterable[Dashboard]) -> dict[BoardKey, tuple[str, dict[str, Standing]]]:
    """Per (dashboard, primary metric): the dashboard title and every result's standing."""
    table: dict[BoardKey, tuple[str, dict[str, Standing]]] = {}
    for board in dashboards:
        labels = run_labels(board.rows)
        for lb in board.leaderboards:
            if lb.metric in primary_metrics(board):
                lines = {line.row.uid: Standing(line.rank, len(lb.lines), labels[line.row.uid]) for line in lb.lines}
                table[(board.slug, lb.metric)] = (board.title, lines)
    return table


def _cids(corpus: Corpus) -> dict[str, str]:
    return {e.ref.uid: e.ref.cid for e in corpus.entries if e.ref.uid}


def rank_moves(before: Corpus, after: Corpus) -> list[RankChange]:
    """Every result whose rank on a primary leaderboard differs between the two corpora: new
    results, results pushed down or up by them, and results that left a board."""
    old = standings(build_dashboards(rows_from_corpus(before)))
    new = standings(build_dashboards(rows_from_corpus(after)))
    cids = {**_cids(before), **_cids(after)}
    moves = []
    for key in sorted(old.keys() | new.keys()):
        title = (new.get(key) or old[key])[0]
        was, now = old.get(key, ("", {}))[1], new.get(key, ("", {}))[1]
        for uid in sorted(was.keys() | now.keys()):
            a, b = was.get(uid), now.get(uid)
            if (a.rank if a else None) != (b.rank if b else None):
                label = b.label if b else a.label  # type: ignore[union-attr]
                moves.append(RankChange(title, key[1], label, cids.get(uid, uid), a.rank if a else None,
                                        b.rank if b else None, len(now)))  # fmt: skip
    moves.sort(key=lambda m: (m.board, m.metric, m.new_rank or 10**9, m.title))
    return moves
