"""Campaigns: the cuộc vận động / phong trào a plan calls on, by canonical name.

Reads: normalised text and the SKOS campaign scheme of ``ontology/campaigns.ttl``.
Returns: canonical campaign names, deduplicated, in order of first mention.

Known campaigns are recognised wherever they are named, quoted or not, and
whatever the tone marks ("theo gương Bắc Hồ" is the Bác Hồ campaign: names are
compared folded, then fuzzily). A quoted name that the scheme does not know yet
counts only right after "cuộc vận động" or "phong trào" (or in a list that
follows one), so slogans and scheme titles in quotes are not taken for
campaigns. Quotations are found by :func:`quotations`, which gives the matches of
the quotation pattern in time linear in the text (the pattern itself takes the
cube of a run of spaces after a quotation mark).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import count

from rapidfuzz import fuzz, process

from ingest.scan import Scanner
from ingest.text import fold
from ontology import Campaign, campaign_scheme

# A quoted name may wrap onto the next line (with one blank line between, as PDF text has).
# The specification of what a quotation is; read by :func:`quotations`, which finds the
# same matches in linear time (this pattern, tried at a quotation mark followed by a long
# run of spaces, takes the cube of its length).
QUOTED = re.compile(r"[“\"«]\s*((?:[^”\"»\n]|\n(?:[ \t]*\n)?(?![ \t]*\n)){4,200}?)\s*[”\"»]")
_OPENING = re.compile(r"[“\"«]")
_CLOSING = re.compile(r"[”\"»]")
_VISIBLE = re.compile(r"\S")
_BLANKS = re.compile(r"[ \t]*")
_NO_UNIT = -1
_MAX_UNITS = 200
_KEYWORD = re.compile(
    r"(cuộc\s+vận\s+động|phong\s+trào(?:\s+thi\s+đua(?:\s+yêu\s+nước)?)?|khẩu\s+hiệu|đề\s+án|chương\s+trình|mục\s+tiêu|chủ\s+đề|giải|"
    r"kế\s+hoạch|chiến\s+lược|quyết\s+định|dự\s+án|hướng\s+tới)\s*$",
    re.IGNORECASE,
)
_KEYWORD_SCAN = Scanner(_KEYWORD)  # ends with "$": tried only where a keyword starts
# (possessive: the same strings as "^[\s,;]*(?:(?:và|cùng|với|gắn\s+với)\s*)?[\s,;]*$", without
# trying every split of a long run of spaces)
_LIST_GAP = re.compile(r"^[\s,;]*+(?:(?:và|cùng|với|gắn\s+với)\s*+[\s,;]*+)?$", re.IGNORECASE)


@cache
def _labels() -> tuple[dict[str, str], list[str]]:
    """Folded label -> preferred label, and the folded labels long enough to search unquoted."""
    table: dict[str, str] = {}
    for c in campaign_scheme():
        for label in (c.pref_label, *c.alt_labels):
            table[fold(label)] = c.pref_label
    searchable = sorted((k for k in table if len(k.split()) >= 5), key=len, reverse=True)
    return table, searchable


@cache
def _campaign_by_fold() -> dict[str, Campaign]:
    return {fold(label): c for c in campaign_scheme() for label in (c.pref_label, *c.alt_labels)}


def match_campaign(name: str) -> Campaign | None:
    """The known campaign a name denotes exactly (diacritics- and tone-insensitive), or None."""
    return _campaign_by_fold().get(fold(name))


@lru_cache(maxsize=4096)  # the same quotes (campaigns, slogans) come back document after document
def canonical(name: str) -> str | None:
    """The preferred label of a known campaign that ``name`` names, or None."""
    table, _ = _labels()
    key = fold(name)
    if key in table:
        return table[key]
    best = process.extractOne(key, list(table), scorer=fuzz.ratio, score_cutoff=92)
    return table[best[0]] if best else None


# Proper names a campaign name keeps capitalised once its case is normalised.
_PROPER = ("Việt Nam", "Hồ Chí Minh", "Bác Hồ", "Tổ quốc")
_PROPER_RE = re.compile("|".join(rf"\b{p.lower()}\b" for p in _PROPER))
_PROPER_BY_LOWER = {p.lower(): p for p in _PROPER}


@cache
def _province_names() -> tuple[re.Pattern[str], dict[str, str]]:
    """The provinces' names in lower case, and the pattern that finds them."""
    from ingest.places import gazetteer

    names = {p.name.lower(): p.name for p in gazetteer().provinces.values()}
    alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alts})(?!\w)"), names


# A capital after a clause mark: "Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại"
_CLAUSE_START = re.compile(r"(?:^|[-–:.!?]\s+)(\w)")


def case_normalised(name: str) -> str:
    """A campaign name the scheme does not know, in one case whatever its layout: "NGƯỜI VIỆT
    NAM ƯU TIÊN ..." in a title and "Người Việt Nam ưu tiên ..." in the text are one
    campaign with one label: lower case but for the first letter of each clause, the
    proper names of :data:`_PROPER` and the provinces' names ("Bình Phước chung sức ...")."""
    low = re.sub(r"\s+", " ", name).strip().lower()
    low = _PROPER_RE.sub(lambda m: _PROPER_BY_LOWER[m.group(0)], low)
    provinces, by_lower = _province_names()
    low = provinces.sub(lambda m: by_lower[m.group(0)], low)
    return _CLAUSE_START.sub(lambda m: m.group(0)[:-1] + m.group(1).upper(), low)


def find_campaigns(text: str) -> list[str]:
    """The campaigns ``text`` names, by canonical name, in order of first mention."""
    table, searchable = _labels()
    # name -> (position, order of finding) of its first mention (ties: the one found first)
    first: dict[str, tuple[int, int]] = {}
    found = count()

    names: dict[str, str] = {}  # folded name -> the name kept (one per campaign, whatever its case)
    from_capitals: set[str] = set()  # the folded names kept in the form a name in capitals gave

    def note(pos: int, name: str, capitals: bool = False) -> None:
        n = next(found)
        key = fold(name)
        kept = names.setdefault(key, name)
        if capitals and kept == name:
            from_capitals.add(key)
        elif key in from_capitals and not capitals and kept != name:
            # the name as the text prints it in running case is kept over a title's capitals
            first[name] = first.pop(kept)
            names[key], kept = name, name
            from_capitals.discard(key)
        if kept not in first or pos < first[kept][0]:
            first[kept] = (pos, n)

    # 1. quoted names: known ones anywhere, new ones after a campaign keyword
    prev: Quotation | None = None
    prev_context = False
    for q in quotations(text):
        in_context = _in_campaign_context(text, q, prev, prev_context)
        known = canonical(q.name)
        if known:
            note(q.start, known)
        elif in_context:
            caps = q.name.isupper()
            note(q.start, case_normalised(q.name) if caps else q.name[:1].upper() + q.name[1:], caps)
        prev, prev_context = q, in_context
    # 2. known names without quotes
    folded = fold(text)
    for key in searchable:
        idx = folded.find(key)
        if idx >= 0:
            note(_approx_pos(text, folded, idx), table[key])
    return sorted(first, key=first.__getitem__)


def _in_campaign_context(text: str, q: Quotation, prev: Quotation | None, prev_context: bool) -> bool:
    """Is quote ``q`` introduced by "cuộc vận động"/"phong trào", directly or through a list
    of quotes ("phong trào “A”, “B” và “C”")? Without a keyword of its own, a quote after a
    list gap answers as the quote before it (``prev_context``): one pass, not a walk back
    over the list for each quote."""
    lead_start = prev.end if prev is not None else max(0, q.start - 80)
    km = _KEYWORD_SCAN.search(text[max(lead_start, q.start - 80) : q.start])
    if km:
        return km.group(1).lower().startswith(("cuộc", "phong"))
    return prev is not None and prev_context and _LIST_GAP.match(text[prev.end : q.start]) is not None


def _approx_pos(text: str, folded: str, idx: int) -> int:
    """A position in ``text`` near folded offset ``idx`` (only used to order campaigns)."""
    return int(idx * len(text) / max(1, len(folded)))


@dataclass(frozen=True, slots=True)
class Quotation:
    """A match of :data:`QUOTED`: its span and its text, spaces collapsed, stripped of " ,.;"."""

    start: int
    end: int
    name: str


def quotations(text: str) -> Iterator[Quotation]:
    """``QUOTED.finditer(text)``, found in time linear in the length of ``text``.

    A match opens at a quotation mark and closes at the first closing mark after it
    (nothing in the pattern can pass one); between them lie spaces, four to 200 units
    (a character, a line break, or a line break with one blank line after it) and
    spaces. Whether the units can be laid so is decided from the text between the
    first and last visible characters (the core, which every choice holds) and how many
    units the spaces on either side can add, as the pattern's backtracking would find.
    """
    pos = 0
    between: _Between | None = None
    while (o := _OPENING.search(text, pos)) is not None:
        q = o.start()
        if between is None or between.close <= q:
            c = _CLOSING.search(text, q + 1)
            if c is None:
                break  # no later quotation mark can open a match either
            between = _Between(text, c.start())
        name = between.match_at(q)
        if name is None:
            pos = q + 1
        else:
            yield Quotation(q, between.close + 1, name)
            pos = between.close + 1


class _Between:
    """What :func:`quotations` knows of the text before one closing quotation mark."""

    def __init__(self, text: str, close: int) -> None:
        self.text, self.close = text, close
        last = close
        while last > 0 and text[last - 1].isspace():
            last -= 1
        self.core_end = last  # after the last visible character before the mark
        self.unit_ends: dict[int, int] = {}

    def unit_end(self, p: int) -> int:
        """Where the unit at ``p`` ends: one character, or a line break, with the blank
        line after it when one follows (and no second one), else none."""
        if self.text[p] != "\n":
            return p + 1
        end = self.unit_ends.get(p)
        if end is None:
            t = self.text
            r = _BLANKS.match(t, p + 1).end()
            end = p + 1
            if r < len(t) and t[r] == "\n":
                r2 = _BLANKS.match(t, r + 1).end()
                end = _NO_UNIT if r2 < len(t) and t[r2] == "\n" else r + 1
            self.unit_ends[p] = end
        return end

    def match_at(self, q: int) -> str | None:
        """The quotation's text if :data:`QUOTED` matches at the opening mark ``q``, else None."""
        t, close = self.text, self.close
        v = _VISIBLE.search(t, q + 1, close)
        if v is None:  # only spaces: four units of them somewhere
            return "" if self._units_in_spaces(q + 1) >= 4 else None
        core_start, core_end = v.start(), self.core_end
        units = self._units(core_start, core_end)
        if units == _NO_UNIT or units > _MAX_UNITS:
            return None
        need = 4 - units
        if need > 0 and self._units_before(q + 1, core_start, need) + self._units_after(need) < need:
            return None
        return re.sub(r"\s+", " ", t[core_start:core_end]).strip(" ,.;")

    def _units(self, p: int, end: int) -> int:
        """The units from ``p`` to ``end`` (a unit always ends there), at most 201, or none."""
        count = 0
        while p < end:
            reach = min(end, p + _MAX_UNITS + 1 - count)
            nl = self.text.find("\n", p, reach)
            if nl < 0:
                count += reach - p
                p = reach
            else:
                count += nl - p
                p = self.unit_end(nl)
                if p == _NO_UNIT:
                    return _NO_UNIT
                count += 1
            if count > _MAX_UNITS:
                return _MAX_UNITS + 1
        return count

    def _units_before(self, lo: int, core_start: int, need: int) -> int:
        """The most units (up to ``need``) a run of spaces ``[lo, core_start)`` adds before the
        core: walked back from the core, each start's units to it."""
        to_core = {core_start: 0}
        best = 0
        for p in range(core_start - 1, lo - 1, -1):
            end = self.unit_end(p)
            if end != _NO_UNIT and end in to_core:
                to_core[p] = to_core[end] + 1
                best = max(best, to_core[p])
                if best >= need:
                    return need
        return best

    def _units_after(self, need: int) -> int:
        """The units (up to ``need``) the spaces after the core add before the closing mark."""
        p, count = self.core_end, 0
        while count < need and p < self.close:
            p = self.unit_end(p)
            if p == _NO_UNIT or p > self.close:
                break
            count += 1
        return count

    def _units_in_spaces(self, lo: int) -> int:
        """The longest run of units (up to four) that starts in the spaces ``[lo, close)``."""
        run = {self.close: 0}
        best = 0
        for p in range(self.close - 1, lo - 1, -1):
            end = self.unit_end(p)
            run[p] = 0 if end == _NO_UNIT or end > self.close else run[end] + 1
            best = max(best, run[p])
            if best >= 4:
                return 4
        return best
