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
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import orjson

from graph.sketch import PERMS, Sketch

__all__ = [
    "FORMULA_SHARE",
    "MATCH",
    "SAMPLE",
    "Aligned",
    "Formulas",
    "align",
    "formulas",
    "sample_tag",
]

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

    def passage_list(self) -> list[dict[str, object]]:
        """The passages as the answers give them: ``{"child": [start, end], "parent": [start,
        end], "similarity"}``."""
        rows = self.passages.tolist()
        return [{"child": [a, b], "parent": [c, d], "similarity": s / 1000} for a, b, c, d, s in rows]

    def passages_json(self) -> bytes:
        """:meth:`passage_list` as JSON (what the text store keeps: an answer reads it in C)."""
        return orjson.dumps(self.passage_list())


def passages_of(blob: bytes) -> list[dict[str, object]]:
    """Kept passages (:meth:`Aligned.passages_json`) as the answers give them."""
    out: list[dict[str, object]] = orjson.loads(blob)
    return out


def align(child: Sketch, parent: Sketch, stock: np.ndarray | None = None) -> Aligned:
    """How much of ``child``'s own text is taken from ``parent`` (see the module docstring);
    ``stock`` marks the child's formula sentences (left out on both sides of the share)."""
    n = len(child)
    own = np.ones(n, dtype=bool) if stock is None else ~stock
    counted = int(child.spans[own, 2].sum()) if n else 0
    if not n or not len(parent) or not counted:
        return Aligned(0.0, counted, 0, np.zeros((0, 5), dtype=np.int32))
    eq = _agree(child.sig, parent.sig)
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


_BLOCK = 1 << 17  # sentence pairs compared at once by :func:`align_pairs` (4 MB of signatures)


def align_pairs(
    sketches: Mapping[str, Sketch], pairs: list[tuple[str, str]], found: Formulas
) -> list[Aligned | None]:
    """:func:`align` of every ``(parent, child)`` pair (keys of ``sketches``; None where
    either has no sketch), all at once: the pairs of one shape (how many sentences the child
    and the parent have) are compared in blocks of about :data:`_BLOCK` sentence pairs, each
    child sentence's best parent sentence kept, and the sums made per pair. Why: a national
    cascade has 100,000 pairs, and a few numpy calls per pair cost more than the
    comparisons themselves."""
    keys = sorted({k for pc in pairs for k in pc if k in sketches})
    at = {k: i for i, k in enumerate(keys)}
    sizes = np.array([len(sketches[k]) for k in keys], dtype=np.int64)
    first = np.concatenate(([0], np.cumsum(sizes)))
    sig = np.concatenate([sketches[k].sig for k in keys]) if keys else np.zeros((0, PERMS), np.uint32)
    spans = np.concatenate([sketches[k].spans for k in keys]) if keys else np.zeros((0, 3), np.int32)
    ok = [i for i, (p, c) in enumerate(pairs) if p in at and c in at]
    pi = np.array([at[pairs[i][0]] for i in ok], dtype=np.int64)
    ci = np.array([at[pairs[i][1]] for i in ok], dtype=np.int64)
    # one row per (pair, sentence of its child): which sentence, and its parent's sentences
    nc, npar = sizes[ci], sizes[pi]
    row_pair = np.repeat(np.arange(len(ok)), nc)
    row_unit = _ranges(first[ci], nc)
    own = ~found.stock_sig(sig[row_unit]) if len(row_unit) else np.zeros(0, dtype=bool)
    # pairs of the same shape (sentences of the child × of the parent) compared in one block each
    score = np.zeros(len(row_unit), dtype=np.int64)
    best = np.zeros(len(row_unit), dtype=np.int64)
    row_first = np.concatenate(([0], np.cumsum(nc)))[:-1]
    shapes: dict[tuple[int, int], list[int]] = defaultdict(list)
    for j, shape in enumerate(zip(nc.tolist(), npar.tolist(), strict=True)):
        if shape[0] and shape[1]:
            shapes[shape].append(j)
    for (n_c, n_p), js in shapes.items():
        step = max(1, _BLOCK // (n_c * n_p))
        for a in range(0, len(js), step):
            j = np.array(js[a : a + step], dtype=np.int64)
            kids = sig[first[ci[j]][:, None] + np.arange(n_c)]  # (g, n_c, PERMS)
            dads = sig[first[pi[j]][:, None] + np.arange(n_p)]  # (g, n_p, PERMS)
            agree = (kids[:, :, None, :] == dads[:, None, :, :]).view(np.uint8).sum(axis=3, dtype=np.int16)
            rows = row_first[j][:, None] + np.arange(n_c)
            top = agree.argmax(axis=2)
            score[rows] = np.take_along_axis(agree, top[:, :, None], axis=2)[:, :, 0]
            best[rows] = first[pi[j]][:, None] + top
    width = npar[row_pair]
    taken = own & (score >= _MATCH_N) & (width > 0)
    length = spans[row_unit, 2].astype(np.int64) if len(row_unit) else np.zeros(0, np.int64)
    counted = np.bincount(row_pair, weights=length * own, minlength=len(ok)).astype(np.int64)
    reused = np.bincount(row_pair, weights=length * taken, minlength=len(ok)).astype(np.int64)
    idx = np.flatnonzero(taken)
    table = np.column_stack(
        (
            spans[row_unit[idx], 0],
            spans[row_unit[idx], 1],
            spans[best[idx], 0],
            spans[best[idx], 1],
            (score[idx] * 1000) // PERMS,
        )
    ).astype(np.int32)
    cuts = np.searchsorted(row_pair[idx], np.arange(len(ok) + 1))
    out: list[Aligned | None] = [None] * len(pairs)
    for j, i in enumerate(ok):
        n, r = int(counted[j]), int(reused[j])
        out[i] = Aligned(r / n if n else 0.0, n, r, table[cuts[j] : cuts[j + 1]])
    return out


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``starts[i] + 0 .. lengths[i] - 1`` for every ``i``, concatenated."""
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    offset = np.repeat(starts - (ends - lengths), lengths)
    return np.arange(total, dtype=np.int64) + offset


def _agree(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many signature values each row of ``a`` shares with each row of ``b``."""
    return (a[:, None, :] == b[None, :, :]).view(np.uint8).sum(axis=2, dtype=np.int32)


@dataclass(frozen=True, slots=True)
class Formulas:
    """Representative signatures of the formula sentences (``sig``, f × PERMS) and a tag
    naming the sample they were found in (results computed with another tag are stale)."""

    tag: str
    sig: np.ndarray

    def stock(self, sk: Sketch) -> np.ndarray:
        """Which of ``sk``'s sentences are formulas."""
        return self.stock_sig(sk.sig)

    def stock_sig(self, sig: np.ndarray) -> np.ndarray:
        """Which sentences of these signatures (n × PERMS) are formulas."""
        if not len(sig) or not len(self.sig):
            return np.zeros(len(sig), dtype=bool)
        return np.asarray(_agree(sig, self.sig).max(axis=1) >= _FORMULA_N)

    def to_bytes(self) -> bytes:
        return self.sig.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, tag: str, blob: bytes) -> Formulas:
        return cls(tag, np.frombuffer(blob, dtype="<u4").reshape(-1, PERMS))


def sample_of(shas: list[str]) -> list[str]:
    """The documents formulas are looked for in: the :data:`SAMPLE` smallest SHA-256s."""
    return sorted(set(shas))[:SAMPLE]


_VERSION = "2"  # of what the formulas and the kept pairs are: another version aligns again


def sample_tag(shas: list[str]) -> str:
    """The name of a sample (the formulas found in it, and what was aligned with them)."""
    return hashlib.sha256("\n".join([_VERSION, *sorted(shas)]).encode("ascii")).hexdigest()[:16]


def formulas(sketches: Mapping[str, Sketch]) -> Formulas:
    """The formulas of a sample of documents (``sketches`` by SHA-256; see the module docstring)."""
    shas = sorted(sketches)
    tag = sample_tag(shas)
    parts = [sketches[s] for s in shas if len(sketches[s])]
    if not parts:
        return Formulas(tag, np.zeros((0, PERMS), dtype=np.uint32))
    sig = np.concatenate([p.sig for p in parts])
    doc = np.concatenate([np.full(len(p), i) for i, p in enumerate(parts)])
    need = max(FORMULA_MIN, int(np.ceil(FORMULA_SHARE * len(parts))))
    found = np.zeros(len(sig), dtype=np.int64)
    for a in range(0, len(sig), 256):  # rows in blocks: bounded memory
        eq = _agree(sig[a : a + 256], sig) >= _FORMULA_N
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
