"""Related entries for component pages, computed once per build in pure Python (no index needed).

Each entry is described by a few weighted features (tags, words of its name and alias, its
platform/framework, the words of its description); two entries are related when they share rare
features. Only each entry's most specific features are followed and very common features are
ignored, so 10,000 entries take a second or two instead of 10,000 Whoosh queries.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable

from generator.ck.corpus import Corpus
from generator.index.documents import SearchDoc, document_for, words

FEATURES_PER_DOC = 6
MAX_POSTINGS = 100  # a feature carried by more entries than this says little about relatedness
_WEIGHTS = {"t": 3.0, "n": 2.0, "p": 1.5, "f": 1.5, "d": 1.0}


def _features(doc: SearchDoc) -> dict[str, float]:
    found: dict[str, float] = {}

    def add(kind: str, values: Iterable[str]) -> None:
        for value in values:
            feature = f"{kind}:{value}"
            found[feature] = max(found.get(feature, 0.0), _WEIGHTS[kind])

    add("t", doc.tags)
    add("n", {w for w in words(f"{doc.name} {doc.alias}") if len(w) > 1 and not w.isdigit()})
    add("p", doc.platform)
    add("f", doc.framework)
    add("d", {w for w in words(doc.description)[:40] if len(w) > 3 and not w.isdigit()})
    return found


def related_documents(docs: list[SearchDoc], k: int = 5) -> dict[str, list[str]]:
    """For each document key, the keys of up to ``k`` most related other documents, best first."""
    feats = [_features(d) for d in docs]
    df: Counter[str] = Counter(f for fs in feats for f in fs)
    total = max(len(docs), 1)
    idf = {f: math.log(1 + total / n) for f, n in df.items()}
    postings: dict[str, list[int]] = defaultdict(list)
    for i, fs in enumerate(feats):
        for f in fs:
            if df[f] <= MAX_POSTINGS:
                postings[f].append(i)
    related: dict[str, list[str]] = {}
    for i, fs in enumerate(feats):
        # the most specific features that still link to something (a feature only this entry has does not)
        top = sorted((f for f in fs if f in postings and df[f] > 1), key=lambda f: -fs[f] * idf[f])[:FEATURES_PER_DOC]
        scores: dict[int, float] = defaultdict(float)
        for f in top:
            weight = fs[f] * idf[f] * idf[f]
            for j in postings[f]:
                if j != i:
                    scores[j] += weight
        best = sorted(scores.items(), key=lambda js: (-js[1], docs[js[0]].key))[:k]
        related[docs[i].key] = [docs[j].key for j, _ in best]
    return related


def related_entries(corpus: Corpus, k: int = 5) -> dict[str, list[str]]:
    """For each entry UID, the UIDs of up to ``k`` related entries (entries without a UID are left out)."""
    docs = [document_for(e, readme="") for e in corpus.entries if e.ref.uid]
    by_key = {d.key: d.uid for d in docs}
    return {by_key[key]: [by_key[o] for o in others]
            for key, others in related_documents(docs, k).items()}  # fmt: skip
