"""The closing block of a plan: who signs it and to whom it is sent.

Reads: the normalised text of one document. Returns: :class:`Closing`: the
:class:`~ingest.model.Signer` (name and title) with the evidence of the name, and
the recipients of the "Nơi nhận:" list.

Why a module of its own: the closing block is laid out, not written: a list and
a signature side by side (text copied from a two-column table keeps both on
one line, far apart), marks such as "T/M", "KT." and "(Đã ký)", names printed in
capitals. It is read apart from the running text, column by column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.model import Evidence, Signer
from ingest.text import NormalizedText

_SIGN_MARK = re.compile(r"^[ \t*]*(?:T/M|TM\.?|KT\.?|K/T|TL\.?|TUQ\.?|Q\.|THAY\s+MẶT)\s*\S", re.MULTILINE)
_SIGN_TITLE = re.compile(
    r"^[ \t*]*(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|BÍ\s+THƯ|GIÁM\s+ĐỐC|TRƯỞNG\s+(?:PHÒNG|BAN)|CHÁNH\s+VĂN\s+PHÒNG"
    r"|CHỦ\s+NHIỆM)\b[^\n]*$",
    re.MULTILINE,
)
_TITLE_WORDS = re.compile(
    r"CHỦ\s+TỊCH|BÍ\s+THƯ|GIÁM\s+ĐỐC|TRƯỞNG|PHÓ|VĂN\s+PHÒNG|THƯỜNG\s+TRỰC|ỦY\s+VIÊN|BAN|KHỐI"
)
_COLUMN_GAP = re.compile(r"[ \t]{6,}")
_ITEM_MARK = re.compile(r"^[-+•*]\s*")
_LUU = re.compile(r"Lưu\b")
_RECIPIENTS = re.compile(r"^[ \t]*Nơi\s+nhận\s*:?", re.MULTILINE | re.IGNORECASE)
# "(báo cáo)", "(để thực hiện)" after a recipient, with the spaces before it (tried from
# the start of a run of spaces only: from each of them it cost the square of its length).
_PURPOSE = re.compile(
    r"(?<!\s)\s*\((?:để\s+)?(?:báo\s+cáo|b/c|thực\s+hiện|t/h|phối\s+hợp|biết)\)", re.IGNORECASE
)
_OPENING = re.compile(r"[(\[]")
_CLOSER = {"(": ")", "[": "]"}


@dataclass(frozen=True, slots=True)
class Closing:
    signer: Signer | None
    signer_evidence: Evidence | None
    recipients: tuple[str, ...]


def read_closing(nt: NormalizedText) -> Closing:
    """The signer (with evidence) and the recipients of ``nt``."""
    left, right = _columns(nt.text)
    signer, evidence = _signer(nt, right)
    return Closing(signer, evidence, _recipients(left or nt.text))


def _signer(nt: NormalizedText, column: str) -> tuple[Signer | None, Evidence | None]:
    """The signature block: "T/M BAN THƯỜNG VỤ / PHÓ BÍ THƯ / (Đã ký) / Nguyễn Văn A".

    The title is the last capitalised line before the name (for "KT. CHỦ TỊCH /
    PHÓ CHỦ TỊCH" the deputy signs); the name may be printed in capitals too.
    ``column`` is the right column of a two-column closing block, or "".
    """
    t = column or nt.text
    marks = list(_SIGN_MARK.finditer(t))
    if not marks:  # a head of office signs in their own name: "TRƯỞNG PHÒNG / Ngô Văn Tuấn"
        marks = [m for m in _SIGN_TITLE.finditer(t) if column or m.start() > len(t) * 0.6]
    if not marks:
        return None, None
    m = marks[-1]
    pos = t.find("\n", m.start())
    title_line = t[m.start() : pos if pos >= 0 else len(t)].strip().strip("*").strip()
    acting = title_line.upper().startswith("Q.")  # "Q. CHỦ TỊCH": the acting chair signs
    title_line = re.sub(r"^(?:T/M|TM\.?|KT\.?|K/T|TL\.?|TUQ\.?|Q\.|THAY\s+MẶT)\s*", "", title_line)
    if acting:
        title_line = "QUYỀN " + title_line
    seen_title = False
    for lm in re.finditer(r"[^\n]+", t[pos:] if pos >= 0 else ""):
        s = lm.group(0).strip().strip("*").strip()
        name = _drop_notes(s).strip(" .")
        if not name or re.fullmatch(r"(?i)đã\s+ký|ký\s+tên.*|\(?chữ\s+ký.*", name):
            continue
        words = name.split()
        is_title = name.isupper() and (not seen_title or _TITLE_WORDS.search(name))
        if is_title and not re.search(r"\d", name):
            title_line, seen_title = name, True
            continue
        if 2 <= len(words) <= 6 and all(w[0].isupper() for w in words) and not re.search(r"\d", name):
            start = nt.text.rfind(s)
            evidence = Evidence.of_span(nt, start, start + len(s), "closing:signature")
            if name.isupper():
                name = " ".join(w[:1] + w[1:].lower() for w in words)
            return Signer(name=name, title=_title_case(title_line) if title_line else None), evidence
        break
    return None, None


def _columns(t: str) -> tuple[str, str]:
    """The closing block laid out in two columns ("Nơi nhận" list | signature), split.

    Text copied from a two-column table keeps both columns on one line, far apart:
    "- Lưu VT.                      Đinh Thị Thu Trang". Returns (left, right) texts,
    both empty when the closing block is not laid out that way.
    """
    m = _RECIPIENTS.search(t)
    if not m:
        return "", ""
    line_start = t.rfind("\n", 0, m.start()) + 1
    left: list[str] = []
    right: list[str] = []
    for line in t[line_start:].split("\n"):
        indent = len(line) - len(line.lstrip(" \t"))
        if indent >= 20:  # only the right column has text on this line
            left.append("")
            right.append(line.strip())
            continue
        parts = _COLUMN_GAP.split(line.strip(), maxsplit=1)
        left.append(parts[0])
        right.append(parts[1] if len(parts) == 2 else "")
    if sum(1 for r in right if r.strip()) < 2:
        return "", ""
    return "\n".join(left), "\n".join(right)


def _recipients(t: str) -> tuple[str, ...]:
    """The "Nơi nhận:" list of ``t`` (the left column, or the whole text)."""
    m = _RECIPIENTS.search(t)
    if not m:
        return ()
    out: list[str] = []
    for line in t[m.end() :].split("\n"):
        s = line.strip().strip("*").strip()
        if not s:
            continue
        item_like = s.startswith(("-", "+", "•")) or s.endswith((",", ";"))
        if _SIGN_MARK.match(s) or (s.isupper() and len(s.split()) > 2 and not item_like):
            break
        if s.endswith(":"):
            continue
        s = _ITEM_MARK.sub("", s)
        s = _PURPOSE.sub("", s)
        s = s.strip(" ,;.")
        if not s or _LUU.match(s):
            continue
        out.append(s)
        if len(out) > 60:
            break
    return tuple(out)


def _drop_notes(line: str) -> str:
    r"""``re.sub(r"\(.*?\)|\[.*?\]", "", line)`` for one line, in time linear in its length:
    a bracket opened after the last closing one of its kind closes nowhere, and the
    pattern tried at each of them read the rest of the line."""
    last = {"(": line.rfind(")"), "[": line.rfind("]")}
    out: list[str] = []
    kept = i = 0
    while (m := _OPENING.search(line, i)) is not None:
        x = m.start()
        opener = line[x]
        if last[opener] > x:
            close = line.index(_CLOSER[opener], x + 1)
            out.append(line[kept:x])
            kept = i = close + 1
        else:
            i = x + 1
    out.append(line[kept:])
    return "".join(out)


def _title_case(s: str) -> str:
    """ "PHÓ BÍ THƯ THƯỜNG TRỰC" -> "Phó Bí thư Thường trực"."""
    words = s.lower().split()
    out = []
    for i, w in enumerate(words):
        prev = words[i - 1] if i else ""
        if i == 0 or prev == "phó" or w == "thường":
            w = w[:1].upper() + w[1:]
        out.append(w)
    return " ".join(out)
