"""Document identity: the key ``(jurisdiction, body, doc_type, number, year)``.

Reads: :class:`ingest.model.Issuer` values and printed numbers. Returns: keys,
plan ids (``bac-kan.tinh-uy.2024.ke-hoach.241-kh-tu``) and IRIs
(``{base}doc/bac-kan/tinh-uy/2024/ke-hoach/241-kh-tu``), see docs/architecture.md.

Why the year and the body are in the key: Party numbering restarts per
committee term and State numbering per year, and every provincial Party
committee has a ``241-KH/TU``; a number alone is never an identity.
:class:`Catalogue` resolves references that leave parts out (no date, a bare
"Tỉnh ủy") against documents already known, deterministically.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from graph.placeslug import place_slug
from ingest.model import Issuer
from ingest.text import fold, normalize, slugify
from ontology.vocab import suffix_of

DEFAULT_BASE = "https://w3id.org/vn-lineage/"
UNKNOWN = "x"
CENTRAL = "central"

_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_SPACES = re.compile(r"\s+")
_DIGITS_THEN_LETTER = re.compile(r"^(\d+)(?=[^\W\d_])")


@dataclass(frozen=True, slots=True, order=True)
class DocKey:
    """The identity of a document; every part is a slug without dots or slashes
    (``jurisdiction`` may hold one dot: ``province.district``)."""

    jurisdiction: str
    body: str
    doc_type: str
    number: str
    year: str

    @property
    def parts(self) -> tuple[str, str, str, str, str]:
        return (self.jurisdiction, self.body, self.year, self.doc_type, self.number)

    def with_year(self, year: str) -> DocKey:
        return DocKey(self.jurisdiction, self.body, self.doc_type, self.number, year)


def number_norm(s: str | None) -> str | None:
    """The printed number in one spelling: no spaces, ASCII dashes, upper case,
    a dash between digits and a glued symbol ("10KL/TU" -> "10-KL/TU")."""
    if s is None:
        return None
    s = unicodedata.normalize("NFC", s)
    s = _DASHES.sub("-", s)
    s = _SPACES.sub("", s).strip("-/.,;:")
    if not s:
        return None
    s = s.upper()
    m = _DIGITS_THEN_LETTER.match(s)
    if m:
        rest = s[m.end() :]
        # Party style "70-KL/TW" keeps "/" inside the symbol; State style "373/QĐ-UBND" does not.
        sep = "-" if "/" in rest else "/"
        s = m.group(1) + sep + rest
    return s


def number_slug(number: str | None, title: str | None = None, date: str | None = None) -> str:
    """The number part of the key: the slug of the normalised number, or for a
    blank number ``n-`` + a short hash of the folded title (the date if no title)."""
    n = number_norm(number)
    if n and any(ch.isdigit() for ch in n):
        return slugify(n)
    basis = fold(title) if title else f"date:{date or ''}"
    return "n-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:10]


# Standing-board prefixes: the board acts for its committee, so it is the same issuer.
_BOARD_PREFIX = re.compile(
    r"^(ban thuong vu|ban thuong truc|thuong truc|thuong vu|btv|btt|tt)\s+", re.IGNORECASE
)
_PLACE_PREFIX = r"(tinh|thanh pho|tp|huyen|thi xa|quan|xa|phuong|thi tran)"
# Known organs, tested on the folded name after the board prefix is removed.
_ORGANS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), slug)
    for p, slug in (
        (r"^(uy ban )?(mat tran to quoc|mttq)( viet nam| vn)?\b", "mttq"),
        (r"^uy ban mat tran to quoc\b", "mttq"),
        (r"^(uy ban nhan dan|ubnd)\b", "ubnd"),
        (r"^(hoi dong nhan dan|hdnd)\b", "hdnd"),
        (r"^bo chinh tri\b", "bo-chinh-tri"),
        (r"^ban bi thu\b", "ban-bi-thu"),
        (r"^ban chap hanh trung uong\b", "ban-chap-hanh-trung-uong"),
        (r"^thu tuong chinh phu\b", "thu-tuong-chinh-phu"),
        (r"^chinh phu\b", "chinh-phu"),
        (r"^quoc hoi\b", "quoc-hoi"),
        (r"^tinh uy\b", "tinh-uy"),
        (r"^thanh uy\b", "thanh-uy"),
        (r"^huyen uy\b", "huyen-uy"),
        (r"^thi uy\b", "thi-uy"),
        (r"^quan uy\b", "quan-uy"),
        # "Ban Chấp hành Đảng bộ tỉnh X" is the committee "Tỉnh ủy X" (ingest.organs reads it)
        (r"^(ban chap hanh |bch )?dang bo tinh\b", "tinh-uy"),
        (r"^(ban chap hanh |bch )?dang bo (thanh pho|tp)\b", "thanh-uy"),
        (r"^(ban chap hanh |bch )?dang bo huyen\b", "huyen-uy"),
        (r"^(ban chap hanh |bch )?dang bo quan\b", "quan-uy"),
        (r"^(ban chap hanh |bch )?dang bo thi xa\b", "thi-uy"),
        (r"^(ban chap hanh |bch )?dang bo (xa|phuong|thi tran)\b", "dang-uy"),
    )
)


@lru_cache(maxsize=65536)
def _place_pattern(place: str) -> re.Pattern[str]:
    """The pattern of a place name with its optional prefix. Why cached here: a national
    cascade names ~11,000 places, far past ``re``'s own cache of 512 patterns."""
    return re.compile(rf"\s*\b({_PLACE_PREFIX}\s+)?{re.escape(fold(place))}\b")


def _strip_place(folded: str, issuer: Issuer) -> str:
    """Remove the place name (and its "tỉnh"/"huyện" prefix) from a folded body name."""
    for place in (issuer.district, issuer.province, issuer.province_current):
        if place:
            folded = _place_pattern(place).sub("", folded)
    # A bare trailing "tỉnh"/"thành phố"/"huyện" left when the place was implicit.
    folded = re.sub(r"\s+(tinh|thanh pho|tp|huyen|thi xa)$", "", folded)
    folded = re.sub(r"\s+(viet nam|vn)$", "", folded)
    return folded.strip()


def organ_of(issuer: Issuer | None, number: str | None = None) -> str:
    """The issuing organ's slug without board prefix and place ("Ban Thường vụ
    Tỉnh ủy Bắc Kạn" -> ``tinh-uy``); from the number's symbol when no name."""
    if issuer is not None and issuer.name:
        folded = fold(normalize(issuer.name))
        folded = _BOARD_PREFIX.sub("", folded)
        for pattern, slug in _ORGANS:
            if pattern.search(folded):
                return slug
        rest = _strip_place(folded, issuer)
        if rest:
            return rest.replace(" ", "-")
    return organ_from_symbol(number)


def organ_from_symbol(number: str | None) -> str:
    """The organ a number's symbol implies (``KH/TU`` -> ``tinh-uy``), else ``x``."""
    n = number_norm(number)
    if not n:
        return UNKNOWN
    parts = [slugify(p) for p in re.split(r"[/-]", n) if p and not p.isdigit()]
    for p in reversed(parts):
        suffix = suffix_of(p)  # the organ the vocabulary says the suffix fixes, if any
        if suffix is not None and suffix.organ is not None:
            return suffix.organ
    return UNKNOWN


def is_central_symbol(number: str | None) -> bool:
    """``.../TW`` numbers are central Party documents."""
    n = number_norm(number)
    return bool(n) and n.endswith("/TW")


def jurisdiction_of(issuer: Issuer | None, number: str | None = None) -> str:
    """``central``, the province slug, ``province.district`` for district level, and
    ``province.district.commune`` for communes (two communes' "45-KH/ĐU" are two documents)."""
    if issuer is not None and issuer.level == "central":
        return CENTRAL
    if issuer is None or not issuer.province:
        if is_central_symbol(number) or (issuer is not None and issuer.level == "central"):
            return CENTRAL
        return UNKNOWN
    j = slugify(issuer.province)
    if issuer.level in ("district", "commune") and issuer.district:
        j += "." + place_slug(issuer.district, issuer.province)
    if issuer.level == "commune" and issuer.commune:
        j += "." + place_slug(issuer.commune, issuer.province, issuer.district)
    return j


def year_of(date: str | None) -> str:
    """The year of an ISO date ("2024-04-02", "2024-05", "2024"), else ``x``."""
    if date and len(date) >= 4 and date[:4].isdigit():
        return date[:4]
    return UNKNOWN


def doc_key(
    doc_type: str | None,
    number: str | None,
    issuer: Issuer | None,
    date: str | None,
    title: str | None = None,
) -> DocKey:
    """The identity key of a document as a text describes it (no resolution)."""
    return DocKey(
        jurisdiction=jurisdiction_of(issuer, number),
        body=organ_of(issuer, number),
        doc_type=slugify(doc_type or "other"),
        number=number_slug(number, title, date),
        year=year_of(date),
    )


def plan_id(key: DocKey) -> str:
    """The URL-safe id: the key parts joined with dots."""
    return ".".join(key.parts)


def key_of_id(pid: str) -> DocKey:
    """Inverse of :func:`plan_id` (the jurisdiction may itself hold one dot)."""
    parts = pid.split(".")
    if len(parts) < 5:
        raise ValueError(f"not a plan id: {pid!r}")
    jur = ".".join(parts[:-4])
    body, year, doc_type, number = parts[-4:]
    return DocKey(jur, body, doc_type, number, year)


def iri_of(pid: str, base: str = DEFAULT_BASE) -> str:
    """The document IRI: ``{base}doc/`` + the id with dots as slashes."""
    return f"{base}doc/{pid.replace('.', '/')}"


def id_of_iri(iri: str, base: str = DEFAULT_BASE) -> str | None:
    """The plan id of a document IRI, or None if the IRI is not one of ours."""
    prefix = f"{base}doc/"
    if not iri.startswith(prefix):
        return None
    return iri[len(prefix) :].replace("/", ".")


def body_id(key: DocKey) -> str:
    """The id of the issuing body: ``jurisdiction.body`` (``bac-kan.tinh-uy``)."""
    return f"{key.jurisdiction}.{key.body}"


def _province(jurisdiction: str) -> str:
    return jurisdiction.split(".", 1)[0]


class Catalogue:
    """Known document keys by (doc_type, number), to resolve partial references.

    Why: "Kế hoạch 241-KH/TU" with no date, or "của Ban Thường vụ Tỉnh ủy" with
    no place, must land on the document already known rather than mint a new
    node. The rules only ever pick a *single* matching candidate, so the result
    does not depend on iteration order. Keys sharing a number are further kept
    by province: at national scale every commune committee has a "45-KH/ĐU", and
    a resolution that scanned them all would cost O(communes) per reference.
    """

    def __init__(self, keys: Iterable[DocKey] = ()) -> None:
        self._table: dict[tuple[str, str], dict[str, set[DocKey]]] = {}
        self._pending: tuple[tuple[str, str, str, str, str], ...] = ()
        for k in keys:
            self.add(k)

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its keys' fields, and indexed again only when first used.

        Why: ``lineage serve`` unpickles the catalogue with the read model but
        never resolves a reference unless it ingests; as nested sets of keys it
        cost a third of a second of every start at 100,000 plans, as plain
        tuples a few hundredths. Only the plain catalogue is pickled (the
        workers' copy, the snapshot's)."""
        if type(self) is not Catalogue:
            return super().__reduce__()
        fields = self._pending + tuple(
            (k.jurisdiction, k.body, k.doc_type, k.number, k.year) for k in self._indexed()
        )
        return (_catalogue_of_fields, (fields,))

    def _indexed(self) -> Iterator[DocKey]:
        """The keys already indexed (not those still pending from an unpickle)."""
        for d in self._table.values():
            for ks in d.values():
                yield from ks

    @property
    def _by_number(self) -> dict[tuple[str, str], dict[str, set[DocKey]]]:
        if self._pending:
            pending, self._pending = self._pending, ()
            for fields in pending:
                self.add(DocKey(*fields))
        return self._table

    def add(self, key: DocKey) -> None:
        by_prov = self._by_number.setdefault((key.doc_type, key.number), {})
        by_prov.setdefault(_province(key.jurisdiction), set()).add(key)

    def discard(self, key: DocKey) -> None:
        by_prov = self._by_number.get((key.doc_type, key.number), {})
        by_prov.get(_province(key.jurisdiction), set()).discard(key)

    def all_keys(self) -> list[DocKey]:
        return sorted([*self._indexed(), *(DocKey(*fields) for fields in self._pending)])

    def candidates(self, doc_type: str, number: str) -> list[DocKey]:
        """Every known key with this type and number, sorted."""
        return sorted(self._keys(doc_type, number, None))

    def _layers(self, doc_type: str, number: str) -> list[dict[str, set[DocKey]]]:
        d = self._by_number.get((doc_type, number))
        return [d] if d else []

    def _keys(self, doc_type: str, number: str, province: str | None) -> Iterable[DocKey]:
        """The keys with this type and number (in ``province`` only, unless None)."""
        for d in self._layers(doc_type, number):
            if province is None:
                for ks in d.values():
                    yield from ks
            else:
                yield from d.get(province, ())

    def resolve(self, key: DocKey, context_jurisdiction: str | None = None) -> DocKey:
        """The known key ``key`` denotes, filling unknown (``x``) parts when exactly
        one candidate fits; ``context_jurisdiction`` (the citing document's place)
        narrows a reference that names no place. Else ``key`` itself."""
        if key.number.startswith("n-"):
            return key
        layers = self._layers(key.doc_type, key.number)
        if not layers:
            return key
        if UNKNOWN not in (key.jurisdiction, key.body, key.year):
            prov = _province(key.jurisdiction)
            if any(key in d.get(prov, ()) for d in layers):
                return key

        def fits(c: DocKey) -> bool:
            return (
                c != key
                and UNKNOWN not in (c.year, c.jurisdiction, c.body)
                and (key.body == UNKNOWN or c.body == key.body)
            )

        def within(province: str | None) -> set[DocKey]:
            return {c for c in self._keys(key.doc_type, key.number, province) if fits(c)}

        if key.jurisdiction != UNKNOWN:
            pool = {c for c in within(_province(key.jurisdiction)) if c.jurisdiction == key.jurisdiction}
        elif context_jurisdiction:
            pool = within(_province(context_jurisdiction)) or within(CENTRAL)
        else:
            pool = within(None)
        if key.year != UNKNOWN:  # after the fallback to central: a nearby match of another year still wins
            pool = {c for c in pool if c.year == key.year}
        if len(pool) == 1:
            return next(iter(pool))
        # Several dated matches but the reference is undated: ambiguous, keep it apart.
        return key


def _catalogue_of_fields(fields: tuple[tuple[str, str, str, str, str], ...]) -> Catalogue:
    """A catalogue unpickled: its keys are indexed on first use (see ``Catalogue.__reduce__``)."""
    cat = Catalogue()
    cat._pending = fields
    return cat


class LayeredCatalogue(Catalogue):
    """A small catalogue over a shared one: the keys a single record states
    complete, so its own undated mentions resolve to them without copying the
    store-wide catalogue."""

    def __init__(self, under: Catalogue | None, keys: Iterable[DocKey] = ()) -> None:
        super().__init__(keys)
        self.under = under

    def _layers(self, doc_type: str, number: str) -> list[dict[str, set[DocKey]]]:
        own = super()._layers(doc_type, number)
        return own + self.under._layers(doc_type, number) if self.under is not None else own
