"""The documents a plan carries out, is based on and cites, as references with their evidence.

Reads: the normalised text of one document, the span of its preamble and its
title. Returns: first the mentions of the preamble (:func:`preamble_mentions`:
what the "Thực hiện ..." sentences and the title's "thực hiện X" carry out, what
"Căn cứ ..." names), which the issuer's reading uses for its place; then, with
the issuer known, :func:`references`: the ``implements``, ``based_on`` and
``cites`` :class:`~ingest.model.Ref` trees, each reference with its evidence.

Why apart: the preamble is where a plan says what it carries out, and a
reference that names no issuer takes the plan's own place ("Kế hoạch số
241-KH/TU" of a plan in Bắc Kạn is the Bắc Kạn committee's); that is the one
point where the references depend on the rest of the reading.
"""

from __future__ import annotations

import re
from itertools import chain

from ingest.chains import merge, parse_chain, same_document, walk
from ingest.header import MAX_PREAMBLE
from ingest.model import Evidence, Issuer, Ref
from ingest.organs import to_issuer
from ingest.places import gazetteer
from ingest.refs import BASIS_RE, TRIGGER_RE, TYPE_ALT, Mention, iter_mentions, norm_key, read_tail
from ingest.text import NormalizedText
from ontology.vocab import DOC_TYPE_PREFIXES, suffix_of

_SENT_END = re.compile(
    # (the leading look-ahead only lets the engine pass over other characters at once)
    r"(?=[.:n;,\s])(?:(?<!\bTP)(?<!\bTp)(?<!\bnt)\.(?=\s*$|\s+[A-ZĐÀ-Ỹ])|:\s*\n|như\s+sau"
    # (a run of spaces is tried from its start only: from each of them it cost the square of its length)
    r"|(?:[;,]|(?<![ \t]))[ \t]*\n"
    r"(?=[ \t-]*(?:Thực\s+hiện|Căn\s+cứ|Triển\s+khai|Để\s|Quán\s+triệt|Cụ\s+thể\s+hóa"
    r"|Theo\s+đề\s+nghị|Xét\s|Trên\s+cơ\s+sở))"
    # "..., xét đề nghị của Công an huyện tại Tờ trình số 85": a proposal, not carried out
    r"|[;,]\s*(?:xét|theo)\s+đề\s+nghị|[;,]\s*trên\s+cơ\s+sở\b"
    # "Thực hiện X; Tiếp tục phát huy kết quả Chương trình 02 ...": a narrative clause, not a list item
    r"|;(?=\s*(?:Tiếp\s+tục|Nhằm|Để|Trên\s+cơ\s+sở|Theo\s+đề\s+nghị|Xét)\b)"
    # "Thực hiện X ...; căn cứ Y ...": the basis starts a sentence of its own
    r"|;(?=\s*(?:[Cc]ăn\s+cứ)\b))",
    re.MULTILINE,
)
# A chain or basis sentence: at the start of the text, of a line or after "." / ";".
_PREAMBLE_KW = re.compile(
    # ("Sau 02 năm triển khai thực hiện Kết luận số 45-KL/TW ...": a directive's opening sentence)
    r"(?:^|(?<=[.;]\s)|(?<=\n))[ \t-]*(?P<kw>(?:Sau\s+\d{1,2}\s+năm\s+)?"
    + TRIGGER_RE.pattern
    + "|"
    + BASIS_RE.pattern
    + ")",
    re.IGNORECASE,
)
_SENTENCE_BREAK = re.compile(r"\n|[.;]\s")
_PARTS = re.compile(r"[-/]")


def preamble_mentions(
    t: str, preamble: tuple[int, int], title_span: tuple[int, int] | None
) -> tuple[list[Mention], list[Mention]]:
    """The chains the plan carries out (its preamble's and its title's) and what it is based on.

    The title's chain is read in its first :data:`~ingest.header.MAX_PREAMBLE` characters,
    as the preamble is (titles of real plans run to 1,300): the documents one number may
    name are compared with each other, which a text of thousands of them would make cost
    their square.
    """
    implements, based = _preamble_refs(t, *preamble)
    have = {norm_key(x.number) for x in walk(implements + based)}
    based += [f for f in _basis_section(t, preamble[1]) if norm_key(f.number) not in have]
    title_m: list[Mention] = []
    if title_span:
        title_m = parse_chain(t, title_span[0], min(title_span[1], title_span[0] + MAX_PREAMBLE))
    return _add_title_refs(implements, title_m, based), based


def references(
    nt: NormalizedText,
    implements_m: list[Mention],
    based_m: list[Mention],
    issuer: Issuer | None,
    number: str | None,
) -> tuple[tuple[Ref, ...], tuple[Ref, ...], tuple[Ref, ...]]:
    """``implements``, ``based_on`` and ``cites``: the preamble's mentions, completed from
    their twins and placed by the issuer, and every other document the text names."""
    known = {norm_key(m.number): m for m in walk(implements_m + based_m)}
    _fill_from_twins(implements_m + based_m)
    implements = tuple(_ref(nt, m, issuer, "preamble-chain") for m in implements_m)
    based_on = tuple(_ref(nt, m, issuer, "can-cu") for m in based_m)
    own = norm_key(number) if number else None
    cites = _cites(nt, set(known) | ({own} if own else set()), issuer)
    return implements, based_on, cites


def _preamble_refs(t: str, start: int, end: int) -> tuple[list[Mention], list[Mention]]:
    """References of the "Thực hiện ..." and "Căn cứ ..." sentences before section I.

    A sentence's documents already named by an earlier sentence are left out; the
    earlier ones are looked up by number (not compared one by one: a preamble of
    many sentences cost the square of its length), and where a sentence ends is
    searched for once for all the sentences that end there.
    """
    implements: list[Mention] = []
    based: list[Mention] = []
    have: dict[str, list[Mention]] = {}  # number -> the mentions of the trees taken so far
    ends = _SentenceEnds(t, end)
    for m in _preamble_keywords(t, end):
        if m.start() < start:
            continue
        kw = m.group("kw")
        if kw.isupper() and not BASIS_RE.match(kw):
            continue  # "THỰC HIỆN NGHỊ QUYẾT ...": a title in capitals, not a preamble sentence
        if not kw[0].isupper() and not (
            BASIS_RE.match(kw) and t[max(0, m.start("kw") - 40) : m.start("kw")].rstrip().endswith(";")
        ):
            continue  # (a lower-case "căn cứ" counts after ";" only: "Thực hiện X; căn cứ Y")
        sent_end = ends.after(m.end())
        forest = parse_chain(t, m.end(), sent_end)
        if not forest:
            continue
        # The first document must follow the trigger closely.
        if len(t[m.end() : forest[0].start].strip()) > 160:
            continue
        basis = BASIS_RE.match(kw) is not None
        target = based if basis else implements
        if basis and m.group(0).lstrip()[:1] in _DASHES:
            # "- Căn cứ Chỉ thị số 02 ...\n - Kế hoạch số 9799 ...": the list's next items go on
            forest += _dash_items(t, sent_end, end)
        # a proposal ("Tờ trình") is neither carried out nor a basis: it is only cited
        forest = [f for f in forest if f.doc_type != "to_trinh"]
        new = [f for f in forest if not any(same_document(f, x) for x in have.get(norm_key(f.number), ()))]
        target.extend(new)
        for x in walk(new):
            have.setdefault(norm_key(x.number), []).append(x)
    return implements, based


_DASHES = frozenset("-–+•")
# A list item led by a dash and a document: "- Kế hoạch số 9799/KH-BQP ngày ..."
_DASH_ITEM = re.compile(rf"[ \t]*\n\s*[-–+•][ \t]*(?={TYPE_ALT}\s)", re.IGNORECASE)
# A heading over the legal basis: "I. CĂN CỨ XÂY DỰNG KẾ HOẠCH", "I. Căn cứ cơ sở pháp lý"
_BASIS_HEADING = re.compile(
    r"^[ \t]*(?:[IVX]{1,4}|[A-Z]|\d{1,2})[ \t]*[.\-–/:)][ \t]*(?:CĂN\s+CỨ|Căn\s+cứ)\b[^\n\-–:]*", re.M
)
# the next heading of the same rank: "II. MỤC ĐÍCH ...", "B. ..."
_NEXT_HEADING = re.compile(r"^[ \t]*(?:[IVX]{1,4}|[A-Z])[ \t]*[.\-–/:)][ \t]*\S", re.M)
# how far a basis heading may lie after the preamble, and how long its list may run
_HEADING_REACH = 400
_LIST_REACH = 6000


def _dash_items(t: str, pos: int, end: int) -> list[Mention]:
    """The documents of the dash items that follow a basis item ending at ``pos`` (each
    item a sentence of its own), up to the first line that is not such an item."""
    out: list[Mention] = []
    ends = _SentenceEnds(t, end)
    while (m := _DASH_ITEM.match(t, pos + (t[pos : pos + 1] in (".", ";")), end)) is not None:
        stop = ends.after(m.end() + 1)
        out.extend(parse_chain(t, m.end(), stop))
        pos = stop
    return out


def _basis_section(t: str, pre_end: int) -> list[Mention]:
    """The documents listed under a basis heading at the preamble's end ("I. CĂN CỨ LẬP
    KẾ HOẠCH"): every item is a basis, though it does not say "Căn cứ" again."""
    h = _BASIS_HEADING.search(t, pre_end, pre_end + _HEADING_REACH)
    if h is None:
        return []
    nxt = _NEXT_HEADING.search(t, h.end(), h.end() + _LIST_REACH)
    stop = nxt.start() if nxt else min(len(t), h.end() + _LIST_REACH)
    return [f for f in parse_chain(t, h.end(), stop) if f.doc_type != "to_trinh"]


class _SentenceEnds:
    """Where the sentence that starts at a position ends: the next :data:`_SENT_END` (or
    ``limit``), for positions that come in text order. A search from ``p`` finds the
    same end as one from an earlier position whose end lies at or after ``p`` (the
    engine tries each position alike whatever the search started from)."""

    def __init__(self, t: str, limit: int) -> None:
        self.t, self.limit = t, limit
        self.searched_from, self.found = limit + 1, limit

    def after(self, pos: int) -> int:
        if not self.searched_from <= pos <= self.found:
            m = _SENT_END.search(self.t, pos, self.limit)
            self.searched_from, self.found = pos, m.start() if m else self.limit
        return self.found


def _preamble_keywords(t: str, end: int) -> list[re.Match[str]]:
    """``_PREAMBLE_KW.finditer(t[:end])``, tried only where a match can start.

    A match starts at 0, after a line break or after "." / ";" and a space; those
    places are found by a plain search and the pattern is tried there alone (left to
    right, never inside a match already taken), which gives the same matches as
    scanning every position.
    """
    out: list[re.Match[str]] = []
    taken = 0
    starts = [0, *(b.end() for b in _SENTENCE_BREAK.finditer(t, 0, end))]
    last = -1
    for p in starts:
        if p <= last or p < taken:
            continue
        last = p
        m = _PREAMBLE_KW.match(t, p, end)
        if m is not None:
            out.append(m)
            taken = m.end()
    return out


def _add_title_refs(
    implements: list[Mention], title_refs: list[Mention], based: list[Mention] | None = None
) -> list[Mention]:
    """The title's "thực hiện X" adds X unless the preamble's chains already reach it, or
    the preamble names X as a basis ("KẾ HOẠCH TRIỂN KHAI THỰC HIỆN NGHỊ QUYẾT 16/NQ-CP"
    over "Căn cứ Nghị quyết 16/NQ-CP ...": the preamble says what X is to the plan)."""
    have = {norm_key(m.number): m for m in walk(implements)}
    bases = {norm_key(m.number) for m in walk(based or [])}
    out = list(implements)
    for tm in title_refs:
        k = norm_key(tm.number)
        if k in have:
            merge(have[k], tm)
            continue
        if k in bases:
            continue
        out.append(tm)
        for x in walk([tm]):
            have.setdefault(norm_key(x.number), x)
    return out


def _fill_from_twins(roots: list[Mention]) -> None:
    """Every mention of the same document shares what any mention says (date, issuer)."""
    groups: list[list[Mention]] = []
    by_number: dict[str, list[list[Mention]]] = {}  # the groups of each number, in order
    for m in walk(roots):
        same = by_number.setdefault(norm_key(m.number), [])
        group = next((g for g in same if same_document(g[0], m)), None)
        if group is None:
            group = [m]
            groups.append(group)
            same.append(group)
        else:
            group.append(m)
    for first, *others in groups:
        for m in others:  # gather into the first mention, in reading order ...
            merge(first, m)
        for m in others:  # ... then hand the whole back to every twin
            merge(m, first)


def _ref(nt: NormalizedText, m: Mention, context: Issuer | None, method: str, depth: int = 0) -> Ref:
    """A mention as a reference of the record: its issuer placed, with its evidence."""
    issuer: Issuer | None = None
    basis = "explicit"
    if m.organ is not None:
        issuer, used = to_issuer(m.organ, context)
        basis = "context" if used else "explicit"
    else:
        issuer = issuer_from_symbol(m.number, context)
        if issuer is not None:
            basis = "inferred"
    ev = Evidence.of_span(nt, m.start, m.end, f"regex:{method}", 0.95 if basis == "explicit" else 0.8, basis)  # type: ignore[arg-type]
    title = m.title
    if title and issuer is not None and issuer.level == "central":
        # "... về phát triển thể thao trên địa bàn tỉnh X" scopes the citing chain, not a central text.
        title = re.sub(r"\s+trên\s+địa\s+bàn\b.*$", "", title) or None
    return Ref(
        doc_type=m.doc_type,
        number=m.number,
        date=m.date,
        title=title,
        issuer=issuer,
        implements=tuple(_ref(nt, c, context, "chain", depth + 1) for c in m.children),
        evidence=ev,
    )


def _cites(nt: NormalizedText, exclude: set[str], context: Issuer | None) -> tuple[Ref, ...]:
    """Every other numbered document the text names, once each."""
    out: list[Ref] = []
    seen = set(exclude)
    t = nt.text
    prev: Mention | None = None  # each mention is read once the next one's start is known
    for m in chain(iter_mentions(t), (None,)):
        if prev is not None:
            k = norm_key(prev.number)
            if k not in seen:
                seen.add(k)
                # only the tails of the documents not met yet are read
                read_tail(t, prev, m.start if m is not None else len(t))
                out.append(_ref(nt, prev, context, "cites"))
        prev = m
    return tuple(out)


def issuer_from_symbol(number: str, context: Issuer | None, named: bool = False) -> Issuer | None:
    """A reference without "của ...": the body its symbol's last known suffix names
    ("KL/TW" is central Party, "KH/TU" a provincial committee of the plan's province).

    ``named``: a central body is given its name too ("1611/KH-BGDĐT": Bộ Giáo dục và Đào
    tạo), for a document whose own text names no issuer."""
    parts = _PARTS.split(number)[1:]
    for k, part in reversed(list(enumerate(parts))):
        suffix = suffix_of(part)
        if suffix is None and k == 0:  # a lost hyphen after the type: "5556/QĐBYT" is "QĐ-BYT"
            rests = (part[len(p) :] for p in DOC_TYPE_PREFIXES if part.upper().startswith(p))
            suffix = next((x for x in map(suffix_of, rests) if x is not None and x.level == "central"), None)
        if suffix is None:
            continue
        if suffix.level == "central":
            if named and not suffix.one_body:
                return None
            return Issuer(name=suffix.name if named else None, system=suffix.system, level="central")
        if named:
            return None
        province = context.province if context else None
        level = suffix.level
        if level is None and suffix.every_level and context is not None and context.level == "province":
            level = "province"  # "340/NQ-HĐND" cited by a provincial body: the province's own council
        return Issuer(
            name=None,
            system=suffix.system,
            level=level,
            province=province,
            province_current=gazetteer().current_province(province) if province else None,
        )
    return None
