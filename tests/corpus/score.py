"""Vendored scoring logic of ``shared/tools/score_extract.py`` (``score_doc`` and its helpers).

Copied verbatim (standard library only) so that ``tests/test_corpus.py`` never depends on a
``shared/`` folder beside the checkout. When the shared scorer changes, copy its functions
from ``# Old-style tone placement`` down to (not including) ``find_cli`` again.
"""

from __future__ import annotations

import re
import unicodedata

# Old-style tone placement -> modern (the contract asks for modern spelling).
_TONE = {
    "oà": "òa",
    "oá": "óa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oè": "òe",
    "oé": "óe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uỳ": "ùy",
    "uý": "úy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}
_ABBR = [
    (r"\bubnd\b", "ủy ban nhân dân"),
    (r"\bmttq\b", "mặt trận tổ quốc"),
    (r"\bvn\b", "việt nam"),
    (r"\bbtv\b", "ban thường vụ"),
    (r"\bbtt\b", "ban thường trực"),
    (r"\btp\b", "thành phố"),
    (r"\bhđnd\b", "hội đồng nhân dân"),
]


def norm(s):
    if s is None:
        return None
    s = unicodedata.normalize("NFC", str(s)).casefold()
    for old, new in _TONE.items():
        s = s.replace(old, new)
    s = re.sub(r"\s+", " ", s).strip()
    return s


def norm_number(s):
    if s is None:
        return None
    s = norm(s).replace(" ", "")
    s = s.replace("đ", "d").replace("–", "-").replace("—", "-")
    # "10KL/TU" and "10-KL/TU" name the same document: ignore the hyphen after the number.
    s = re.sub(r"^(\d+)-", r"\1", s)
    return s


def norm_place(s):
    if s is None:
        return None
    s = norm(s)
    s = re.sub(r"^(tỉnh|thành phố|tp\.?|huyện|thị xã|quận)\s+", "", s)
    return s


def name_tokens(s):
    s = norm(s or "")
    for pat, rep in _ABBR:
        s = re.sub(pat, rep, s)
    s = re.sub(r"[^\w\s]", " ", s)
    return set(s.split())


def names_match(a, b, need=0.75):
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return not ta and not tb
    return len(ta & tb) / len(ta | tb) >= need


def date_eq(a, b):
    return (a or None) == (b or None)


class Card:
    def __init__(self):
        self.hit = 0
        self.total = 0
        self.misses = []

    def check(self, doc, field, ok, want=None, got=None):
        self.total += 1
        if ok:
            self.hit += 1
        else:
            self.misses.append(f"{doc}: {field}: want {want!r}, got {got!r}")


def ref_edges(child, refs, out):
    """Collect (child_number, parent_number) edges from nested REFs."""
    for r in refs or []:
        n = norm_number(r.get("number"))
        if n:
            out.add((child, n))
            ref_edges(n, r.get("implements"), out)
    return out


def index_refs(refs, out):
    for r in refs or []:
        n = norm_number(r.get("number"))
        if n and n not in out:
            out[n] = r
        index_refs(r.get("implements"), out)
    return out


def parents_of(record):
    """Transitive reduction of the top-level implements, using the nested chains."""
    top = [norm_number(r.get("number")) for r in record.get("implements") or [] if r.get("number")]
    edges = ref_edges("__self__", record.get("implements"), set())
    up = {}
    for c, p in edges:
        up.setdefault(c, set()).add(p)

    def ancestors(n, seen):
        for p in up.get(n, ()):
            if p not in seen:
                seen.add(p)
                ancestors(p, seen)
        return seen

    covered = set()
    for n in top:
        covered |= ancestors(n, set())
    return {n for n in top if n not in covered}


def score_doc(card, name, gold, got):
    for f in ("doc_type", "symbol"):
        if f in gold:
            card.check(name, f, norm_number(gold[f]) == norm_number(got.get(f)), gold[f], got.get(f))
    card.check(
        name,
        "number",
        norm_number(gold.get("number")) == norm_number(got.get("number")),
        gold.get("number"),
        got.get("number"),
    )
    card.check(name, "date", date_eq(gold.get("date"), got.get("date")), gold.get("date"), got.get("date"))
    gi, xi = gold.get("issuer") or {}, got.get("issuer") or {}
    for f in ("system", "level"):
        if f in gi:
            card.check(name, f"issuer.{f}", norm(gi[f]) == norm(xi.get(f)), gi[f], xi.get(f))
    for f in ("province", "district"):
        if f in gi:
            card.check(name, f"issuer.{f}", norm_place(gi[f]) == norm_place(xi.get(f)), gi[f], xi.get(f))
    if "name" in gi:
        card.check(name, "issuer.name", names_match(gi["name"], xi.get("name")), gi["name"], xi.get("name"))

    # implements: the edges of the chains, each must be found; no extra top-level ones.
    want_edges = ref_edges("__self__", gold.get("implements"), set())
    got_edges = ref_edges("__self__", got.get("implements"), set())
    for e in sorted(want_edges):
        card.check(name, f"implements edge {e[0]} -> {e[1]}", e in got_edges, e, None)
    want_top = {norm_number(r["number"]) for r in gold.get("implements") or []}
    got_top = {norm_number(r.get("number")) for r in got.get("implements") or [] if r.get("number")}
    extra = got_top - want_top
    card.check(name, "implements has no extra documents", not extra, sorted(want_top), sorted(got_top))
    if "parents" in gold:
        want_p = {norm_number(p) for p in gold["parents"]}
        got_p = parents_of(got)
        card.check(name, "parents (transitive reduction)", want_p == got_p, sorted(want_p), sorted(got_p))

    # facts of each referenced document
    want_refs = index_refs(gold.get("implements"), {})
    index_refs(gold.get("based_on"), want_refs)
    got_refs = index_refs(got.get("implements"), {})
    index_refs(got.get("based_on"), got_refs)
    index_refs(got.get("cites"), got_refs)
    for n, wr in want_refs.items():
        gr = got_refs.get(n) or {}
        if wr.get("date"):
            card.check(name, f"ref {n} date", date_eq(wr["date"], gr.get("date")), wr["date"], gr.get("date"))
        wi, ri = wr.get("issuer") or {}, gr.get("issuer") or {}
        for f in ("system", "level"):
            if f in wi:
                card.check(name, f"ref {n} issuer.{f}", norm(wi[f]) == norm(ri.get(f)), wi[f], ri.get(f))
        if "province" in wi:
            card.check(
                name,
                f"ref {n} issuer.province",
                norm_place(wi["province"]) == norm_place(ri.get("province")),
                wi["province"],
                ri.get("province"),
            )

    want_b = {norm_number(r["number"]) for r in gold.get("based_on") or []}
    got_b = {norm_number(r.get("number")) for r in got.get("based_on") or [] if r.get("number")}
    card.check(name, "based_on", want_b == got_b, sorted(want_b), sorted(got_b))
    if gold.get("cites_required"):
        got_c = {norm_number(r.get("number")) for r in got.get("cites") or [] if r.get("number")}
        for n in gold["cites_required"]:
            card.check(name, f"cites {n}", norm_number(n) in got_c, n, sorted(got_c))

    want_c = {norm(c) for c in gold.get("campaigns") or []}
    ok_c = want_c | {norm(c) for c in gold.get("campaigns_optional") or []}
    got_c = {norm(c) for c in got.get("campaigns") or []}
    for c in sorted(want_c):
        card.check(name, f"campaign {c}", c in got_c, c, sorted(got_c))
    card.check(name, "no unexpected campaigns", got_c <= ok_c, sorted(ok_c), sorted(got_c - ok_c))

    gs, xs = gold.get("signer"), got.get("signer")
    if gs is None:
        card.check(name, "signer", not xs or not xs.get("name"), None, xs)
    else:
        card.check(
            name,
            "signer.name",
            norm((xs or {}).get("name")) == norm(gs["name"]),
            gs["name"],
            (xs or {}).get("name"),
        )
        card.check(
            name,
            "signer.title",
            norm((xs or {}).get("title")) == norm(gs["title"]),
            gs["title"],
            (xs or {}).get("title"),
        )

    got_t = {(t.get("value"), t.get("year")) for t in got.get("targets") or []}
    for t in gold.get("targets") or []:
        card.check(
            name,
            f"target {t['value']}{t['unit']} by {t['year']}",
            (t["value"], t["year"]) in got_t,
            t,
            sorted(got_t, key=str),
        )
