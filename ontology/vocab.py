"""The vocabulary as data: one table for each thing every stage must agree on.

Reads: nothing. Returns: plain, frozen values: the document types with their
Vietnamese words, symbol prefixes and ontology classes; the issuing systems and
administrative levels with their ontology concepts; the indicators that targets
measure, with the ways texts phrase them; what the suffix of a number's
symbol says of its issuer ("241-KH/TU": a provincial Party committee); and the media
types of SPARQL results and RDF graphs.

Why here: these facts used to be written in several stages, and the copies had
begun to disagree (a suffix known to one stage and not to the next). Matching
code (regular expressions over text, lookups in numbers) stays with its stage;
only the facts live here, so this module imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "DOC_TYPE_TABLE",
    "DOC_TYPES",
    "DOC_TYPE_BY_SLUG",
    "DOC_TYPE_WORDS",
    "DOC_TYPE_PREFIXES",
    "DocType",
    "EXPORT_MEDIA_TYPES",
    "GRAPH_MEDIA_TYPES",
    "INDICATORS",
    "INDICATOR_BY_KEY",
    "Indicator",
    "LEVELS",
    "LEVEL_CONCEPTS",
    "RESULT_MEDIA_TYPES",
    "SUFFIXES",
    "SYSTEMS",
    "SYSTEM_CONCEPTS",
    "Suffix",
    "WORDS_WITH_MARKS",
    "suffix_of",
]


@dataclass(frozen=True, slots=True)
class DocType:
    """A type of document: its slug (the contract's ``doc_type``), the words that name it
    in running text (lower case, NFC, modern tone placement), the letters that open its
    symbol ("KH" of "241-KH/TU") and the local name of its class in ``lineage.ttl``."""

    slug: str
    label: str
    words: tuple[str, ...]
    prefixes: tuple[str, ...]
    cls: str


# In the contract's order; "chien_luoc" is ours beyond the contract, "other" last.
DOC_TYPE_TABLE: tuple[DocType, ...] = (
    DocType("ke_hoach", "Kế hoạch", ("kế hoạch",), ("KH",), "KeHoach"),
    DocType("ket_luan", "Kết luận", ("kết luận",), ("KL",), "KetLuan"),
    DocType("nghi_quyet", "Nghị quyết", ("nghị quyết",), ("NQ",), "NghiQuyet"),
    DocType("chi_thi", "Chỉ thị", ("chỉ thị",), ("CT",), "ChiThi"),
    DocType("quyet_dinh", "Quyết định", ("quyết định",), ("QĐ", "QD"), "QuyetDinh"),
    DocType("chuong_trinh", "Chương trình", ("chương trình",), ("CTR", "CTHĐ"), "ChuongTrinh"),
    DocType("de_an", "Đề án", ("đề án",), ("ĐA",), "DeAn"),
    DocType("huong_dan", "Hướng dẫn", ("hướng dẫn",), ("HD",), "HuongDan"),
    DocType("cong_van", "Công văn", ("công văn",), ("CV",), "CongVan"),
    DocType("thong_bao", "Thông báo", ("thông báo",), ("TB",), "ThongBao"),
    DocType("thong_tu", "Thông tư", ("thông tư",), ("TT",), "ThongTu"),
    DocType("nghi_dinh", "Nghị định", ("nghị định",), ("NĐ",), "NghiDinh"),
    DocType("luat", "Luật", ("luật",), (), "Luat"),
    DocType("to_trinh", "Tờ trình", ("tờ trình",), ("TTR",), "ToTrinh"),
    DocType("bao_cao", "Báo cáo", ("báo cáo",), ("BC",), "BaoCao"),
    DocType("chien_luoc", "Chiến lược", ("chiến lược",), (), "ChienLuoc"),
    # Party regulations and rules have no type of their own in the contract.
    DocType("other", "Văn bản", ("quy định", "quy chế", "thông tri"), (), "OtherDocument"),
)
DOC_TYPES: tuple[str, ...] = tuple(t.slug for t in DOC_TYPE_TABLE)
DOC_TYPE_BY_SLUG = MappingProxyType({t.slug: t for t in DOC_TYPE_TABLE})
# word in running text -> slug ("kế hoạch" -> "ke_hoach")
DOC_TYPE_WORDS = MappingProxyType({w: t.slug for t in DOC_TYPE_TABLE for w in t.words})
# first letters of a symbol -> slug ("KH" -> "ke_hoach")
DOC_TYPE_PREFIXES = MappingProxyType({p: t.slug for t in DOC_TYPE_TABLE for p in t.prefixes})

# The issuing system and the administrative level, as the record states them, with
# the local names of their SKOS concepts in lineage.ttl.
SYSTEM_CONCEPTS = MappingProxyType(
    {"party": "Party", "state": "State", "front": "Front", "mass_org": "MassOrg", "other": "OtherSystem"}
)
LEVEL_CONCEPTS = MappingProxyType(
    {
        "central": "Central",
        "province": "Province",
        "district": "District",
        "commune": "Commune",
        "other": "OtherLevel",
    }
)
SYSTEMS: tuple[str, ...] = tuple(SYSTEM_CONCEPTS)
LEVELS: tuple[str, ...] = tuple(LEVEL_CONCEPTS)


@dataclass(frozen=True, slots=True)
class Suffix:
    """What the part of a symbol after the type says of the issuer ("TU" of "241-KH/TU").

    ``name``: the body's generic name, for a reference that names no issuer;
    ``organ``: the organ slug of the document's identity, when the suffix alone fixes
    it (None when several organs sign with it: "/TW" is the Politburo, the Secretariat
    or the Central Committee); ``level``: the level it usually denotes; ``level_sure``:
    whether no body of another level signs with it ("/TU" is also signed by the Party
    committees of district-level cities, so it cannot rank a reference by itself);
    ``every_level``: a body that exists at every level ("UBND", "HĐND"), so a reference a
    provincial document makes without naming its issuer is the province's own;
    ``one_body``: whether ``name`` is one body, which a document whose text names no issuer
    may be said to be issued by ("BGDĐT"; not "TW", which several central bodies sign with).
    """

    code: str
    name: str
    system: str
    level: str | None
    organ: str | None
    level_sure: bool
    every_level: bool = False
    one_body: bool = True


SUFFIXES = MappingProxyType(
    {
        s.code: s
        for s in (
            Suffix("TW", "Trung ương Đảng", "party", "central", None, True, one_body=False),
            Suffix("TU", "Tỉnh ủy", "party", "province", "tinh-uy", False),
            Suffix("THU", "Thành ủy", "party", None, "thanh-uy", False),
            Suffix("HU", "Huyện ủy", "party", "district", "huyen-uy", True),
            Suffix("QU", "Quận ủy", "party", "district", "quan-uy", True),
            Suffix("TT", "Thị ủy", "party", "district", None, False),
            Suffix("ĐU", "Đảng ủy", "party", None, None, False, True),
            Suffix("UBND", "Ủy ban nhân dân", "state", None, "ubnd", False, True),
            Suffix("HĐND", "Hội đồng nhân dân", "state", None, "hdnd", False, True),
            Suffix("TTG", "Thủ tướng Chính phủ", "state", "central", None, False),
            Suffix("CP", "Chính phủ", "state", "central", None, False),
            Suffix("TƯ", "Tỉnh ủy", "party", "province", "tinh-uy", False),  # "445-KL/TƯ": TU with Ư for U
            # "88/2019/QH14": the term's digits dropped
            Suffix("QH", "Quốc hội", "state", "central", None, True),
            # Central State bodies known from their code alone ("1521/KH-BGDĐT", "935/UBDT-TTTT").
            Suffix("BVHTTDL", "Bộ Văn hóa, Thể thao và Du lịch", "state", "central", None, False),
            Suffix("BGDĐT", "Bộ Giáo dục và Đào tạo", "state", "central", None, True),
            Suffix("BYT", "Bộ Y tế", "state", "central", None, True),
            Suffix("BNV", "Bộ Nội vụ", "state", "central", None, True),
            Suffix("BTP", "Bộ Tư pháp", "state", "central", None, True),
            Suffix("BTC", "Bộ Tài chính", "state", "central", None, False),
            Suffix("BCA", "Bộ Công an", "state", "central", None, True),
            Suffix("BQP", "Bộ Quốc phòng", "state", "central", None, True),
            Suffix("BCT", "Bộ Công Thương", "state", "central", None, False),
            Suffix("BXD", "Bộ Xây dựng", "state", "central", None, True),
            Suffix("BNG", "Bộ Ngoại giao", "state", "central", None, True),
            Suffix("BKHĐT", "Bộ Kế hoạch và Đầu tư", "state", "central", None, True),
            Suffix("BKHCN", "Bộ Khoa học và Công nghệ", "state", "central", None, True),
            Suffix("BLĐTBXH", "Bộ Lao động - Thương binh và Xã hội", "state", "central", None, True),
            Suffix("BNNPTNT", "Bộ Nông nghiệp và Phát triển nông thôn", "state", "central", None, True),
            Suffix("BTNMT", "Bộ Tài nguyên và Môi trường", "state", "central", None, True),
            Suffix("BTTTT", "Bộ Thông tin và Truyền thông", "state", "central", None, True),
            Suffix("BGTVT", "Bộ Giao thông vận tải", "state", "central", None, True),
            Suffix("UBDT", "Ủy ban Dân tộc", "state", "central", None, True),
            Suffix("TCTDTT", "Tổng cục Thể dục thể thao", "state", "central", None, True),
            Suffix("VPCP", "Văn phòng Chính phủ", "state", "central", None, True),
            Suffix("NHNN", "Ngân hàng Nhà nước Việt Nam", "state", "central", None, True),
            # Central Party boards and the central Youth Union.
            Suffix("BTCTW", "Ban Tổ chức Trung ương", "party", "central", None, True),
            Suffix("BTGTW", "Ban Tuyên giáo Trung ương", "party", "central", None, True),
            Suffix("BDVTW", "Ban Dân vận Trung ương", "party", "central", None, True),
            Suffix("TWĐTN", "Ban Bí thư Trung ương Đoàn TNCS Hồ Chí Minh", "mass_org", "central", None, True),
            Suffix("ĐH", "Đại hội Đảng bộ", "party", None, None, False, True),  # "01-NQ/ĐH": a congress
            Suffix("BCSĐ", "Ban cán sự đảng", "party", None, None, False, True),
            Suffix("MTTQ", "Ủy ban MTTQ Việt Nam", "front", None, "mttq", False, True),
            Suffix("BTT", "Ban Thường trực Ủy ban MTTQ Việt Nam", "front", None, None, False, True),
        )
    }
)


_PLAIN = str.maketrans("Đđ", "DD")
# The same entries by their codes typed without "Đ" ("HDND", "DU"), as slugs also write them.
_BY_PLAIN = MappingProxyType({s.code.translate(_PLAIN): s for s in SUFFIXES.values()})


def suffix_of(part: str) -> Suffix | None:
    """The table's entry for one part of a symbol, whatever its case ("TTg" is "TTG") and
    whether its "Đ" is typed as "D" ("HDND", or the slug "hdnd", is "HĐND")."""
    up = part.upper()
    found = SUFFIXES.get(up) or _BY_PLAIN.get(up.translate(_PLAIN))
    if found is None and up[-1:].isdigit():  # "QH14", "QH15": the body, whatever its term
        return suffix_of(up.rstrip("0123456789")) if up.rstrip("0123456789") else None
    return found


# The words of headers, preambles and organ names, with their marks: a text that lost its
# diacritics ("Thuc hien Ke hoach so 12/KH-UBND cua Uy ban nhan dan tinh ...") has them put
# back on these (and on the gazetteer's place names, and the type words above) before it is
# read. Lower case, NFC, modern tone placement; several words where one alone is ambiguous.
WORDS_WITH_MARKS: tuple[str, ...] = (
    "thực hiện",
    "triển khai",
    "căn cứ",
    "cụ thể hóa",
    "quán triệt",
    "của",
    "về việc",
    "về",
    "và",
    "ban hành",
    "xây dựng",
    "ngày",
    "tháng",
    "trên địa bàn",
    "như sau",
    "nơi nhận",
    "lưu",
    "ủy ban nhân dân",
    "hội đồng nhân dân",
    "ủy ban mặt trận tổ quốc",
    "mặt trận tổ quốc",
    "việt nam",
    "tỉnh ủy",
    "thành ủy",
    "huyện ủy",
    "quận ủy",
    "thị ủy",
    "đảng ủy",
    "đảng ủy khối các cơ quan",
    "khối",
    "đảng bộ",
    "ban thường vụ",
    "ban thường trực",
    "ban chấp hành",
    "thường trực",
    "bộ chính trị",
    "ban bí thư",
    "trung ương",
    "chính phủ",
    "thủ tướng",
    "cộng hòa xã hội chủ nghĩa",
    "độc lập",
    "tự do",
    "hạnh phúc",
    "đảng cộng sản",
    "tỉnh",
    "huyện",
    "xã",
    "phường",
    "thị trấn",
    "thành phố",
    "quận",
    "thị xã",
    "chủ tịch",
    "phó chủ tịch",
    "bí thư",
    "phó bí thư",
    "giám đốc",
    "hội liên hiệp phụ nữ",
    "đoàn thanh niên",
    "liên đoàn lao động",
    "hội nông dân",
    "hội cựu chiến binh",
    "mục đích",
    "yêu cầu",
    "nội dung",
    "tổ chức",
    "thể dục",
    "thể thao",
)

# SPARQL query results: media type -> the format's short name.
RESULT_MEDIA_TYPES = MappingProxyType(
    {
        "application/sparql-results+json": "json",
        "application/json": "json",
        "application/sparql-results+xml": "xml",
        "application/xml": "xml",
        "text/csv": "csv",
        "text/tab-separated-values": "tsv",
    }
)
# RDF graphs: media type -> the format's short name (the names of graph.store's dumps).
GRAPH_MEDIA_TYPES = MappingProxyType(
    {
        "text/turtle": "ttl",
        "application/x-turtle": "ttl",
        "application/n-triples": "nt",
        "text/plain": "nt",  # old servers label N-Triples so
        "application/ld+json": "jsonld",
        "application/rdf+xml": "rdfxml",
        "application/n-quads": "nq",
        "application/trig": "trig",
    }
)
# `lineage export --format X` and downloads: short name -> the media type sent.
EXPORT_MEDIA_TYPES = MappingProxyType(
    {
        "ttl": "text/turtle",
        "nt": "application/n-triples",
        "jsonld": "application/ld+json",
        "rdfxml": "application/rdf+xml",
        "nq": "application/n-quads",
        "trig": "application/trig",
        "graphml": "application/graphml+xml",
        "csv": "text/csv",
    }
)


@dataclass(frozen=True, slots=True)
class Indicator:
    """What a numeric target measures ("the share of people who exercise regularly").

    ``key``: a stable English slug; ``label``: how a table names it; ``phrasings``: the
    ways plans write it (lower case, NFC, modern tone placement; a target's text names the
    indicator when it holds every word of one of them, in any order); ``unit``: what its
    value counts ("%", "người"; None: any); ``better``: ``"higher"`` when a larger value is the
    stricter target, ``"lower"`` when a smaller one is (a drowning rate)."""

    key: str
    label: str
    phrasings: tuple[str, ...]
    unit: str | None = "%"
    better: str = "higher"


# The indicators of physical training and sport plans (Kết luận 70-KL/TW and what carries it out).
INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "people_exercising",
        "People who exercise regularly (% of the population)",
        (
            "số người tham gia tập luyện thể dục, thể thao thường xuyên",
            "số người tập luyện thể dục, thể thao thường xuyên",
            "tỷ lệ người dân tập luyện thể dục, thể thao thường xuyên",
            "người dân tham gia tập luyện thể dục, thể thao thường xuyên",
        ),
    ),
    Indicator(
        "sporting_families",
        "Families that exercise (% of households)",
        ("số gia đình luyện tập thể dục, thể thao", "số hộ gia đình thể thao", "gia đình thể thao"),
    ),
    Indicator(
        "pupils_fitness",
        "Pupils assessed and meeting the physical fitness standard (%)",
        (
            "tỷ lệ học sinh được đánh giá và phân loại thể lực theo tiêu chuẩn rèn luyện thân thể",
            "số học sinh đạt tiêu chuẩn rèn luyện thân thể",
            "học sinh được đánh giá, xếp loại thể lực",
        ),
    ),
    Indicator(
        "officials_exercising",
        "Officials and employees who exercise regularly (%)",
        (
            "số cán bộ, công chức, viên chức và người lao động tham gia luyện tập thể dục, thể thao "
            "thường xuyên",
            "tỷ lệ cán bộ, công chức, viên chức tập luyện thể dục, thể thao thường xuyên",
            "cán bộ, công chức, viên chức tập luyện thể dục, thể thao thường xuyên",
        ),
    ),
    Indicator(
        "schools_extracurricular",
        "Schools running an extracurricular sport programme (%)",
        (
            "trường thực hiện chương trình thể thao ngoại khóa",
            "trường học có hoạt động thể thao ngoại khóa",
        ),
    ),
    Indicator(
        "pupils_pe_programme",
        "Pupils given the full physical education programme (%)",
        (
            "học sinh thực hiện đầy đủ nội dung chương trình giáo dục thể chất",
            "chương trình giáo dục thể chất",
        ),
    ),
    Indicator(
        "schools_with_clubs",
        "Schools with a sport club and facilities (%)",
        ("trường học, cơ sở giáo dục có câu lạc bộ thể dục, thể thao", "trường học có câu lạc bộ thể thao"),
    ),
    Indicator(
        "units_fitness_programme",
        "Armed forces units running the full fitness programme (%)",
        ("đơn vị thực hiện đủ chương trình rèn luyện thể lực",),
    ),
    Indicator(
        "communes_sport_venues",
        "Communes with sport venues (%)",
        ("xã, phường, thị trấn có điểm vui chơi, tập luyện thể dục, thể thao", "xã có sân thể thao"),
    ),
    Indicator(
        "children_swimming",
        "Children who can swim (%)",
        ("trẻ em biết bơi", "học sinh biết bơi", "trẻ em, học sinh biết bơi an toàn"),
    ),
    Indicator(
        "drowning_rate",
        "Children drowning (per 100,000)",
        ("tỷ lệ trẻ em tử vong do đuối nước", "trẻ em bị đuối nước"),
        unit=None,
        better="lower",
    ),
)
INDICATOR_BY_KEY = MappingProxyType({i.key: i for i in INDICATORS})
