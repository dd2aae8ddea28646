"""Chains: the references of one "Thực hiện ..." sentence as a forest, A → B → C.

Reads: normalised text and a span of it (a preamble sentence, a title). Returns:
:func:`parse_chain`, the forest of :class:`~ingest.refs.Mention` values that
"A về triển khai thực hiện B thực hiện C" makes (A → B → C), siblings joined by
";" or "và" side by side; and the comparisons of mentions every later reading
uses (:func:`same_document`, :func:`merge`, :func:`walk`).

Why apart from the mention grammar: reading one mention (number, date, issuer,
title) is a matter of patterns; nesting them is a matter of what the words
between them say and of who can carry out whose plan (a Party committee never
carries out a State plan, a district never a commune's).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ingest.refs import CHAIN_END_SCAN, Mention, find_mentions, norm_key
from ingest.scan import Scanner
from ingest.text import fold
from ontology.vocab import LEVELS, suffix_of

# How deep a chain nests: real ones go three or four deep ("Kế hoạch của huyện thực hiện
# Kế hoạch của tỉnh thực hiện Kết luận của Bộ Chính trị"); a text nesting deeper is no chain,
# and every level adds the rest of the sentence to the titles above it.
MAX_DEPTH = 16
SIBLING_END = re.compile(r"(?:[;,]|\bvà|\bcùng|\bvới)\s*$", re.IGNORECASE)
# It ends with "$" but the engine tries it at every position of the text before it.
_SIBLING_END_SCAN = Scanner(SIBLING_END)


def parse_chain(text: str, start: int, end: int) -> list[Mention]:
    """The reference forest of a "Thực hiện ..." sentence ``text[start:end]``.

    A mention after chain words ("về triển khai thực hiện", "thực hiện") is
    implemented by the previous one; after ";" it starts a new top-level
    item; after "," or "và" it is a sibling of the previous one. A mention of
    a number already seen (an abbreviation note "(sau đây viết tắt là ...)")
    adds nothing. A chain nests at most :data:`MAX_DEPTH` deep: the sentence is read
    up to the mention that would go deeper (the rest are cited documents).
    """
    mentions = find_mentions(text, start, end)
    roots: list[Mention] = []
    parent: dict[int, Mention | None] = {}
    depth: dict[int, int] = {}
    seen: dict[str, list[Mention]] = {}
    prev: Mention | None = None

    def attach(mt: Mention, to: Mention | None) -> bool:
        # Climb until the link is one that exists: a higher body never carries out a
        # lower body's plan, and a Party committee never carries out a State or Front plan.
        while to is not None and not _can_implement(to, mt):
            to = parent.get(id(to))
        d = depth[id(to)] + 1 if to is not None else 1
        if d > MAX_DEPTH:
            return False
        (to.children if to is not None else roots).append(mt)
        parent[id(mt)] = to
        depth[id(mt)] = d
        return True

    for mt in mentions:
        key = norm_key(mt.number)
        between = text[prev.head_end : mt.start] if prev is not None else ""
        if prev is not None and len(between.strip()) > 400:
            break
        chained = prev is not None and CHAIN_END_SCAN.search(between) is not None
        # One number of two bodies is two documents: "Kế hoạch 75/KH-UBND của UBND phường
        # Đông Sơn triển khai Kế hoạch 75/KH-UBND của UBND thành phố Thanh Hóa".
        same = next((s for s in seen.get(key, ()) if same_document(s, mt)), None)
        if same is not None:
            # The same document again: a new link only when a chain names it
            # ("224-KH/TU về thực hiện Kết luận 70" after "241-KH/TU thực hiện Kết luận 70").
            merge(same, mt)
            if chained and prev is not None and not same_document(prev, mt):
                if not attach(mt, prev):
                    break
                prev = mt
            continue
        if prev is None or ";" in between and not chained:
            to = None
        elif chained:
            to = prev
        elif _SIBLING_END_SCAN.search(between):
            to = parent.get(id(_sibling_of(prev, mt, parent)))
        else:
            to = None
        if not attach(mt, to):
            break
        seen.setdefault(key, []).append(mt)
        prev = mt
    for mt in walk(roots):
        if mt.title_start is None and mt.children:
            lead = text[mt.head_end : mt.children[0].start]
            if CHAIN_END_SCAN.search(lead) and len(lead.strip()) < 60:
                mt.title_start = mt.head_end + len(lead) - len(lead.lstrip(" ,\n"))
        if mt.title is None and mt.title_start is not None and mt.children:
            # "Kế hoạch 297 về triển khai thực hiện Kết luận 70 ...": the title runs through the chain.
            last = max((c.end for c in walk(mt.children)), default=mt.title_start)
            mt.title = re.sub(r"\s+", " ", text[mt.title_start : last]).strip(" ,.;:-") or None
    return roots


# How high a level sits: the vocabulary's order (central first); a bare "thành phố" body
# ranks as a province: a plan cites it from below.
_LEVEL_RANK = {level: i for i, level in enumerate(LEVELS) if level != "other"}
_LEVEL_RANK["city"] = _LEVEL_RANK["province"]
_PARTS = re.compile(r"[-/]")


def _rank(m: Mention) -> int:
    """How high the issuer sits (0 central ... 3 commune); -1 when the text does not say.

    Read from the named issuer, else from a symbol whose suffix only bodies of one
    level sign with ("/TW" is central, "/HU" a district committee; not "/TU", which
    district-level cities sign with too: ``level_sure`` in the vocabulary).
    """
    if m.organ is not None and m.organ.level in _LEVEL_RANK:
        return _LEVEL_RANK[m.organ.level]
    suffix = suffix_of(_PARTS.split(m.number)[-1])
    if suffix is None or not suffix.level_sure or suffix.level is None:
        return -1
    return _LEVEL_RANK[suffix.level]


def _system(m: Mention) -> str | None:
    """The issuing system: the named issuer's, else the one the symbol's last known suffix says."""
    if m.organ is not None:
        return m.organ.system
    for part in reversed(_PARTS.split(m.number)[1:]):
        suffix = suffix_of(part)
        if suffix is not None:
            return suffix.system
    return None


def _can_implement(doer: Mention, done: Mention) -> bool:
    """Whether ``doer`` can carry out ``done``, as far as the text tells who issued them."""
    if _rank(doer) >= 0 and _rank(done) > _rank(doer):
        return False
    return not (_system(doer) == "party" and _system(done) in ("state", "front", "mass_org"))


def _sibling_of(prev: Mention, mt: Mention, parent: dict[int, Mention | None]) -> Mention:
    """Which mention ``mt`` stands beside after "và"/",": ``prev``, unless ``prev`` is of
    another type and a chain above it has one of ``mt``'s type.

    "Kế hoạch 218 về triển khai Kết luận 70 ... và Kế hoạch 156 ..." lists two plans;
    "Kế hoạch 88 về triển khai Kết luận 70 và Nghị quyết 05" lists what 88 carries out.
    """
    if prev.doc_type == mt.doc_type:
        return prev
    up = parent.get(id(prev))
    while up is not None:
        if up.doc_type == mt.doc_type:
            # ... unless ``up`` carries ``mt`` out too: a higher body's or another system's
            # document ("Kế hoạch 125-KH/TU về triển khai Nghị quyết 20-NQ/TW ... và Kế hoạch
            # 10-KH/TW của Bộ Chính trị"; "Kế hoạch 82/KH-UBND về thực hiện Nghị quyết 08/NQ-CP
            # và Kế hoạch 126-KH/TU của Tỉnh ủy")
            higher = 0 <= _rank(mt) < _rank(up)
            across = _system(up) is not None and _system(mt) not in (None, _system(up))
            if (higher or across) and _can_implement(up, mt):
                return prev
            return up
        up = parent.get(id(up))
    return prev


def merge(into: Mention, other: Mention) -> None:
    """What one mention of a document says completes another mention of it."""
    into.date = into.date or other.date
    into.organ = into.organ or other.organ
    into.title = into.title or other.title


def same_document(a: Mention, b: Mention) -> bool:
    """Whether two mentions of one number name one document: not when the text gives them
    different years or different issuers ("Kế hoạch số 62/KH-UBND" of a commune in 2022 and
    of its district in 2024 are two plans)."""
    if norm_key(a.number) != norm_key(b.number):
        return False
    if a.date and b.date and a.date[:4] != b.date[:4]:
        return False
    oa, ob = a.organ, b.organ
    if oa is not None and ob is not None:
        if oa.kind != ob.kind:
            return False
        if oa.place and ob.place and fold(oa.place) != fold(ob.place):
            return False
    return True


def walk(mentions: list[Mention]) -> Iterator[Mention]:
    """Every mention of a forest, depth first (with a stack: a generator per level made
    every mention cost the depth it sits at)."""
    stack = list(reversed(mentions))
    while stack:
        m = stack.pop()
        yield m
        stack.extend(reversed(m.children))
