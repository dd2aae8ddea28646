"""Sentence alignment of two documents' bodies, and the formulas every document repeats.

Reads: :class:`~graph.sketch.Sketch` es (the body's sentences with their
spans, lengths and MinHash signatures). Returns: :func:`align`, the share of a child's
own text taken from a parent and the aligned passages (spans in both original texts),
and :class:`Formulas`, the sentences found in a large share of all documents
(:func:`formulas`), which no document takes from another.

How: each sentence of the child is matched to the parent's sentence whose signature
agrees most; it is taken from the parent when the estimated Jaccard similarity of their
word 3-grams is at least :data:`MATCH` (a copy with a verb swapped, "Tiếp tục" in front
or another place word keeps ~0.8; two unrelated sentences of one topic ~0.05). The
share is the printed length of the child's sentences taken, over that of all its own
sentences; a formula ("Các cơ quan, đơn vị căn cứ Kế hoạch này xây dựng kế hoạch cụ
thể ...", in every plan with its own issuer's name) counts on neither side.

Why formulas from a sample: a sentence every plan prints is found in the parent too,
and would make every link look copied. It is recognised by being found (at
:data:`FORMULA_SIM`, low enough for the names inside to differ) in at least
:data:`FORMULA_SHARE` of a sample of :data:`SAMPLE` documents (the smallest SHA-256s
of those kept: the same sample whatever the order of ingest); a sentence copied down
one cascade is found in a handful. The sample's formulas are reduced to a few
representatives, so testing a document's sentences costs one small matrix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from graph.sketch import PERMS, Sketch

__all__ = ["FORMULA_SHARE", "MATCH", "SAMPLE", "Aligned", "Formulas", "align", "formulas"]

MATCH = 0.5
FORMULA_SIM = 0.4
FORMULA_SHARE = 0.1
FORMULA_MIN = 4  # found in at least this many other sample documents, whatever the sample's size
SAMPLE = 128
_MATCH_N = int(np.ceil(MATCH * PERMS))
_FORMULA_N = int(np.ceil(FORMULA_SIM * PERMS))


@dataclass(frozen=True, slots=True)
class Aligned:
    """What :func:`align` found: ``share`` (0..1), the printed length of the child's own
    sentences (``counted``) and of those taken (``reused``), and ``passages``, k × 5 int32
    rows (child start, child end, parent start, parent end, similarity in thousandths)."""

    share: float
    counted: int
    reused: int
    passages: np.ndarray

    def passages_bytes(self) -> bytes:
        return self.passages.astype("<i4").tobytes()


def passages_of(blob: bytes) -> list[dict[str, object]]:
    """Stored passages as the answers give them."""
    rows = np.frombuffer(blob, dtype="<i4").reshape(-1, 5).tolist()
    return [{"child": [a, b], "parent": [c, d], "similarity": s / 1000} for a, b, c, d, s in rows]


def align(child: Sketch, parent: Sketch, stock: np.ndarray | None = None) -> Aligned:
    """How much of ``child``'s own text is taken from ``parent`` (see the module docstring);
    ``stock`` marks the child's formula sentences (left out on both sides of the share)."""
    n = len(child)
    own = np.ones(n, dtype=bool) if stock is None else ~stock
    counted = int(child.spans[own, 2].sum()) if n else 0
    if not n or not len(parent) or not counted:
        return Aligned(0.0, counted, 0, np.zeros((0, 5), dtype=np.int32))
    eq = (child.sig[:, None, :] == parent.sig[None, :, :]).sum(axis=2)
    best = eq.argmax(axis=1)
    score = eq[np.arange(n), best]
    taken = own & (score >= _MATCH_N)
    reused = int(child.spans[taken, 2].sum())
    rows = np.column_stack(
        (
            child.spans[taken, 0],
            child.spans[taken, 1],
            parent.spans[best[taken], 0],
            parent.spans[best[taken], 1],
            (score[taken] * 1000) // PERMS,
        )
    ).astype(np.int32)
    return Aligned(reused / counted, counted, reused, rows)


@dataclass(frozen=True, slots=True)
class Formulas:
    """Representative signatures of the formula sentences (``sig``, f × PERMS) and a tag
    naming the sample they were found in (results computed with another tag are stale)."""

    tag: str
    sig: np.ndarray

    def stock(self, sk: Sketch) -> np.ndarray:
        """Which of ``sk``'s sentences are formulas."""
        if not len(sk) or not len(self.sig):
            return np.zeros(len(sk), dtype=bool)
        eq = (sk.sig[:, None, :] == self.sig[None, :, :]).sum(axis=2)
        return np.asarray(eq.max(axis=1) >= _FORMULA_N)


def sample_of(shas: list[str]) -> list[str]:
    """The documents formulas are looked for in: the :data:`SAMPLE` smallest SHA-256s."""
    return sorted(set(shas))[:SAMPLE]


def formulas(sketches: Mapping[str, Sketch]) -> Formulas:
    """The formulas of a sample of documents (``sketches`` by SHA-256; see the module docstring)."""
    shas = sorted(sketches)
    tag = hashlib.sha256("\n".join(shas).encode("ascii")).hexdigest()[:16]
    parts = [sketches[s] for s in shas if len(sketches[s])]
    if not parts:
        return Formulas(tag, np.zeros((0, PERMS), dtype=np.uint32))
    sig = np.concatenate([p.sig for p in parts])
    doc = np.concatenate([np.full(len(p), i) for i, p in enumerate(parts)])
    need = max(FORMULA_MIN, int(np.ceil(FORMULA_SHARE * len(parts))))
    found = np.zeros(len(sig), dtype=np.int64)
    for a in range(0, len(sig), 256):  # rows in blocks: bounded memory
        eq = (sig[a : a + 256, None, :] == sig[None, :, :]).sum(axis=2) >= _FORMULA_N
        hits = np.zeros((eq.shape[0], len(parts)), dtype=bool)
        rows, cols = np.nonzero(eq)
        hits[rows, doc[cols]] = True
        hits[np.arange(eq.shape[0]), doc[a : a + eq.shape[0]]] = False  # not its own document
        found[a : a + eq.shape[0]] = hits.sum(axis=1)
    cand = np.flatnonzero(found >= need)
    reps: list[int] = []
    for i in cand[np.argsort(-found[cand], kind="stable")]:
        if not reps or ((sig[reps] == sig[i]).sum(axis=1) < PERMS * 0.6).all():
            reps.append(int(i))
    return Formulas(tag, sig[reps] if reps else np.zeros((0, PERMS), dtype=np.uint32))
