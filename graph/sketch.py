"""A document's body as sentences, each with a MinHash signature: what text reuse compares.

Reads: a document's text (its :class:`~ingest.text.NormalizedText`: the cleaned text and
the map back to the original) and its extracted record (the evidence of its title, its
references, its targets and its signer). Returns: :class:`Sketch`, the body's sentences
as spans of the *original* text (the offsets evidence uses), their printed lengths and
their MinHash signatures; :func:`units` gives the same sentences with their text, for a view.

What counts as the body: the text after the title and before the closing block ("Nơi
nhận", else the signature), cut into sentences (a line ends one when it ends in ``.;:!?``,
is a heading, or the next line opens a list item or starts with a capital; a line wrapped
inside a sentence does not, blank lines or not; inside a line ". " and "; " end one),
list markers dropped.
A sentence of fewer than :data:`MIN_WORDS` words (a heading), one that states a
reference or a target (their evidence spans), or one that opens by citing a document
("Căn cứ Luật ...", "Thực hiện Kế hoạch ...", "Kế hoạch số ...") is the document's apparatus, not its own
text: it is left out.

Why MinHash over word 3-grams per sentence, with :data:`PERMS` permutations
(multiply-shift hashing, vectorised over the whole document at once): two sentences are
compared by the share of equal signature values, which estimates the Jaccard similarity
of their 3-gram sets, in a fixed size that compares many sentences in one numpy
operation. A light edit (a verb swapped for its synonym, "Tiếp tục" in front, another
place word) keeps about 0.8; two unrelated sentences of the same topic share about
0.05. A library MinHash (``datasketch``) builds one object per set: ~2 ms a document
where this takes ~0.1 ms, for the same estimator.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from ingest.model import Evidence, PlanRecord, Ref
from ingest.refs import BASIS_RE, TRIGGER_RE
from ingest.text import NormalizedText
from ontology.vocab import DOC_TYPE_WORDS

__all__ = ["MIN_WORDS", "PERMS", "Sketch", "Unit", "body_bounds", "sentence_before", "sketch", "units"]

PERMS = 32
MIN_WORDS = 6
_SEED = 20240131
_rng = np.random.default_rng(_SEED)
_A = (_rng.integers(1, 2**63, size=PERMS, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)  # odd
_B = _rng.integers(0, 2**63, size=PERMS, dtype=np.uint64)
_M1, _M2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)

_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"\w+|\x1f")
_CLOSING = re.compile(r"^[ \t]*N[ơo]i[ \t]+nh[ậa]n\b", re.MULTILINE | re.IGNORECASE)
_MARKER = re.compile(r"\s*(?:(?:[-+•*–—]|\d+(?:\.\d+)*[.)]|[a-zđ][.)]|[IVXLC]+[.)])\s*)+")
_ITEM_START = re.compile(r"\s*(?:[-+•*–—]\s|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)\s|[IVXLC]+[.)]\s)")
_INNER_END = re.compile(r"(?<=[.;!?])\s+(?=\S)")
# "Căn cứ Luật ...", "Thực hiện Kế hoạch số ...": a sentence that cites a document.
_TYPES = "|".join(sorted(DOC_TYPE_WORDS, key=len, reverse=True))
_CITING = re.compile(
    rf"(?:(?:{BASIS_RE.pattern}|{TRIGGER_RE.pattern}|Theo)\s+(?:\S+\s+){{0,3}}?"
    rf"(?:{_TYPES}|luật|bộ\s+luật|hiến\s+pháp)\b|(?:{_TYPES})\s+số\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence of the body: its span in the original text, its text, its length."""

    start: int
    end: int
    text: str
    length: int


@dataclass(frozen=True, slots=True)
class Sketch:
    """The body's sentences of one document: ``spans`` (n × 3 int32: start and end in the
    original text, printed length) and ``sig`` (n × :data:`PERMS` uint32)."""

    spans: np.ndarray
    sig: np.ndarray

    def __len__(self) -> int:
        return int(self.spans.shape[0])

    def to_bytes(self) -> bytes:
        n = len(self)
        return n.to_bytes(4, "little") + self.spans.astype("<i4").tobytes() + self.sig.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, blob: bytes) -> Sketch:
        n = int.from_bytes(blob[:4], "little")
        spans = np.frombuffer(blob, dtype="<i4", count=3 * n, offset=4).reshape(n, 3)
        sig = np.frombuffer(blob, dtype="<u4", count=PERMS * n, offset=4 + 12 * n).reshape(n, PERMS)
        return cls(spans, sig)

    @classmethod
    def empty(cls) -> Sketch:
        return cls(np.zeros((0, 3), dtype=np.int32), np.zeros((0, PERMS), dtype=np.uint32))


def _spans(ev: Iterable[Evidence | None]) -> list[tuple[int, int]]:
    return [(e.start, e.end) for e in ev if e is not None and e.end > e.start]


def _refs(refs: Iterable[Ref]) -> Iterator[Ref]:
    for r in refs:
        yield r
        yield from _refs(r.implements)


def body_bounds(norm: NormalizedText, record: PlanRecord | None) -> tuple[int, int]:
    """Where the body starts and ends in the cleaned text (see the module docstring)."""
    t = norm.text
    start = 0
    ev = record.evidence if record is not None else {}
    head = ev.get("/title") or ev.get("/doc_type")
    if head is not None:
        # the first cleaned offset at or after the original offset where the head ends
        start = _clean_offset(norm, head.end)
    m = _CLOSING.search(t, start)
    end = m.start() if m else len(t)
    signer = ev.get("/signer")
    if m is None and signer is not None:
        end = max(start, min(end, _clean_offset(norm, signer.start)))
    return start, end


def _clean_offset(norm: NormalizedText, orig: int) -> int:
    offs = norm.offsets
    if isinstance(offs, range):
        return min(max(orig, 0), len(norm.text))
    lo, hi = 0, len(offs)
    while lo < hi:
        mid = (lo + hi) // 2
        if offs[mid] < orig:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _sentences(t: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Spans of the sentences of ``t[start:end]`` (cleaned offsets): lines are joined unless
    the first ends in ``.;:!?`` or is a heading (upper case), or the next opens a list item
    or starts with a capital; blank lines between them do not matter (double-spaced text);
    inside the joined text, ". " and "; " end a sentence too."""
    lines: list[tuple[int, int]] = []
    pos = start
    for line in t[start:end].split("\n"):
        if line.strip():
            lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    para: list[tuple[int, int]] = []

    def flush() -> Iterator[tuple[int, int]]:
        if not para:
            return
        a, b = para[0][0], para[-1][1]
        cut = a
        for m in _INNER_END.finditer(t, a, b):
            yield cut, m.start()
            cut = m.end()
        yield cut, b
        para.clear()

    for i, (a, b) in enumerate(lines):
        para.append((a, b))
        s = t[a:b].strip()
        if i + 1 == len(lines):
            break
        na, nb = lines[i + 1]
        nxt = t[na:nb].lstrip()
        if s[-1] in ".;:!?" or s.isupper() or not nxt[0].islower() or _ITEM_START.match(t, na, nb):
            yield from flush()
    yield from flush()


def sentence_before(norm: NormalizedText, orig: int) -> str:
    """The text of the sentence holding original offset ``orig``, up to it (lines wrapped
    inside the sentence joined, blank lines or not): what a target's number is said of when
    the extractor's clause was cut short by a wrapped line."""
    at = _clean_offset(norm, orig)
    t = norm.text
    lo = max(0, t.rfind("\n\n\n\n", 0, max(0, at - 600)))
    for a, b in _sentences(t, lo, min(len(t), at + 1)):
        if a <= at <= b:
            return " ".join(t[a:at].split())
    return ""


def units(norm: NormalizedText, record: PlanRecord | None) -> list[Unit]:
    """The body's own sentences (see the module docstring), spans in the original text."""
    t = norm.text
    start, end = body_bounds(norm, record)
    skip: list[tuple[int, int]] = []
    if record is not None:
        refs = [*record.implements, *record.based_on, *record.cites]
        skip = _spans(r.evidence for r in _refs(refs)) + _spans(tg.evidence for tg in record.targets)
    out = []
    for a, b in _sentences(t, start, end):
        m = _MARKER.match(t, a, b)
        if m:
            a = m.end()
        while b > a and t[b - 1].isspace():
            b -= 1
        while a < b and t[a].isspace():
            a += 1
        text = t[a:b]
        if len(text.split()) < MIN_WORDS or _CITING.match(text):
            continue
        oa, ob = norm.orig_span(a, b)
        if any(sa < ob and oa < sb for sa, sb in skip):
            continue
        out.append(Unit(oa, ob, " ".join(text.split()), len(text)))
    return out


_HASHES: dict[str, int] = {}


def _word_hash(w: str) -> int:
    """A stable 32-bit hash of a word (CRC-32; Python's own is salted per process), memoised:
    a corpus uses a few thousand syllables."""
    h = _HASHES.get(w)
    if h is None:
        if len(_HASHES) > 500_000:
            _HASHES.clear()
        h = _HASHES[w] = zlib.crc32(w.encode("utf-8"))
    return h


def signatures(texts: list[str]) -> np.ndarray:
    """MinHash signatures (len(texts) × :data:`PERMS` uint32) of the word 3-gram sets of
    ``texts`` (a text of fewer than three words has no 3-gram: its values stay the maximum).
    One pass over all texts: their words hashed, the 3-grams inside each text combined and
    permuted in numpy, the minimum taken per text."""
    sig = np.full((len(texts), PERMS), np.iinfo(np.uint32).max, dtype=np.uint64)
    if not texts:
        return sig.astype(np.uint32)
    get = _HASHES.get
    toks = _TOKEN.findall("\x1f".join(texts).casefold())
    h = np.array([-1 if w == "\x1f" else (get(w) or _word_hash(w)) for w in toks], dtype=np.int64)
    owner_of_tok = np.cumsum(h < 0)
    w0, w1, w2 = h[:-2], h[1:-1], h[2:]
    ok = (w0 >= 0) & (w1 >= 0) & (w2 >= 0)
    if not ok.any():
        return sig.astype(np.uint32)
    owner = owner_of_tok[:-2][ok]
    g = (w0[ok].astype(np.uint64) * _M1) ^ (w1[ok].astype(np.uint64) * _M2) ^ w2[ok].astype(np.uint64)
    mh = (g[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)
    firsts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    sig[owner[firsts]] = np.minimum.reduceat(mh, firsts, axis=0)
    return sig.astype(np.uint32)


def sketch(norm: NormalizedText, record: PlanRecord | None) -> Sketch:
    """The :class:`Sketch` of a document's body."""
    us = units(norm, record)
    if not us:
        return Sketch.empty()
    spans = np.array([(u.start, u.end, u.length) for u in us], dtype=np.int32)
    return Sketch(spans, signatures([u.text for u in us]))
