"""The text of one plan, assembled from its parts in the order a reader meets them.

Reads: one :class:`~bench.synth.model.Plan` of the tree (its unit, organ,
number, date, what it implements, ``blank_number``, ``annual``) and the text's
random stream. Returns: :func:`render`, the plan's text: the header
(:mod:`~bench.synth.header`), "KẾ HOẠCH" and a title (sometimes wrapped), the
preamble "Thực hiện …; …, <subject> xây dựng Kế hoạch thực hiện như sau:" in
its variants, with references (:mod:`~bench.synth.refs`) and sometimes a "Căn
cứ" basis, sections I to IV (:mod:`~bench.synth.phrases`), the closing block
(:mod:`~bench.synth.closing`), joined with single or double line breaks, then the
noise of real files (:mod:`~bench.synth.noise`). :func:`render_central` is the
fixed text of Kết luận 70-KL/TW.

Why a function of the plan alone: the text says what the tree decided and
decides nothing the truth depends on, so a step between the tree and this one
can change the plans (dates, parents, what to reuse or leave out) and the text
follows. The texts copy the constructions of the real seeds (chains inside
references, a bare "Ban Thường vụ Tỉnh ủy", blank numbers, spacing and tone
variants, NFD, PDF line breaks, headers in capitals, recipients, signatures,
campaigns, targets), so that what the benchmark measures is the extractor on
realistic input, not on a friendly template.
"""

from __future__ import annotations

import random
from typing import Any

from bench.synth.closing import recipients, signature
from bench.synth.header import header
from bench.synth.issuers import issuer_name, subject
from bench.synth.model import Plan
from bench.synth.names import CAMPAIGNS, KL70_TITLE
from bench.synth.noise import degrade
from bench.synth.phrases import PURPOSE, TARGETS, TASKS, VERBS_TITLE
from bench.synth.places import lvl_word, place, place_needs_province
from bench.synth.planted_text import hidden_preamble, planted_body
from bench.synth.refs import kl70, ref_text

__all__ = ["render", "render_central"]


def render(p: Plan, rng: random.Random) -> str:
    """The text of one plan (see the module docstring for the constructions)."""
    if p.level == "central":
        return render_central()
    u = p.unit
    parent = p.implements[0]
    parent_short = "Kết luận số 70-KL/TW" if parent.level == "central" else f"Kế hoạch số {parent.number}"
    fill = {
        "kl": "Kết luận số 70-KL/TW",
        "parent": parent_short,
        "lvl": lvl_word(u),
        "c0": CAMPAIGNS[0],
        "c1": rng.choice(CAMPAIGNS[1:]),
        "a": rng.randint(35, 60),
        "b": rng.randint(25, 40),
        "c": rng.randint(85, 98),
    }
    head = header(p, rng)
    out = [head]
    title = p.title or _title(p, rng)
    out.append("KẾ HOẠCH\n" + (title if rng.random() < 0.7 else _wrap_title(title)) + "\n-----\n")
    out.append(_preamble(p, rng, reach=place_needs_province(u, head)))
    out += _body(p, rng, fill) if p.body is None else planted_body(p, rng, fill)
    out.append("Nơi nhận:\n" + "\n".join(recipients(p, rng)))
    out.append(signature(p, rng))
    text = "\n\n".join(out) if rng.random() < 0.5 else "\n".join(out)
    return degrade(text, rng)


def _body(p: Plan, rng: random.Random, fill: dict[str, Any]) -> list[str]:
    """Sections I to IV: purpose, the target, the tasks (a draw of them), who carries it out."""
    out = ["I. MỤC ĐÍCH, YÊU CẦU"]
    out += [s.format(**fill) for s in PURPOSE]
    out.append("II. MỤC TIÊU")
    out.append(rng.choice(TARGETS).format(**fill))
    out.append("III. NHIỆM VỤ, GIẢI PHÁP")
    tasks = rng.sample(TASKS, k=rng.randint(2, len(TASKS)))
    out += [f"{i}. {s.format(**fill)}" for i, s in enumerate(tasks, 1)]
    out.append("IV. TỔ CHỨC THỰC HIỆN")
    out.append(
        f"Các cơ quan, đơn vị căn cứ Kế hoạch này xây dựng kế hoạch cụ thể, định kỳ báo cáo kết quả về "
        f"{subject(p, rng)} để tổng hợp báo cáo theo quy định."
    )
    if rng.random() < 0.6:
        out.append(
            f"Trên đây là Kế hoạch triển khai thực hiện Kết luận số 70-KL/TW của {issuer_name(p, rng)}/."
        )
    return out


def _title(p: Plan, rng: random.Random) -> str:
    """ "Thực hiện Kết luận số 70-KL/TW …", with the year of an annual plan and often its place."""
    u = p.unit
    verb = rng.choice(VERBS_TITLE)
    t = f"{verb} {kl70(rng) if rng.random() < 0.8 else kl70(rng, full=False) + ' ' + KL70_TITLE}"
    if p.annual:
        t += f" năm {p.annual}"
    # A blank-numbered plan's id hashes its title: a commune one must name its place to stay apart.
    if (u.level != "commune" and rng.random() < 0.35) or (p.blank_number and u.level == "commune"):
        t += f" trên địa bàn {place(u)}"
    return t


def _preamble(p: Plan, rng: random.Random, reach: bool = False) -> str:
    """ "Thực hiện …; … , <subject> xây dựng Kế hoạch thực hiện như sau:" in its variants."""
    if p.hidden:
        return hidden_preamble(p, rng)
    refs = [ref_text(q, p, rng, reach=reach) for q in p.implements]
    if len(refs) > 1 and rng.random() < 0.5:
        rng.shuffle(refs)
    who = subject(p, rng)
    basis = ""
    if p.unresolved:
        basis = f"Căn cứ {p.unresolved};"
    elif rng.random() < 0.3:
        basis = rng.choice(
            (
                "Căn cứ Luật Thể dục, thể thao năm 2006 (sửa đổi, bổ sung năm 2018);",
                "Căn cứ Quyết định số 2198/QĐ-TTg ngày 03/12/2010 của Thủ tướng Chính phủ phê duyệt "
                "Đề án tổng thể phát triển thể lực, tầm vóc người Việt Nam giai đoạn 2011 - 2030;",
                f"Căn cứ Kế hoạch số {rng.randint(10, 300)}/KH-UBND ngày {rng.randint(1, 28)}/"
                f"{rng.randint(1, 12)}/2022 của UBND {place(p.unit)} về phát triển phong trào thể dục "
                f"thể thao quần chúng giai đoạn 2022 - 2030;",
            )
        )
    style = rng.random()
    what = "Kế hoạch" + (f" thực hiện năm {p.annual}" if p.annual else " thực hiện")
    if style < 0.35:
        body = f"Thực hiện {'; '.join(refs)}, {who} xây dựng {what} như sau:"
    elif style < 0.55:
        body = f"Triển khai {'; '.join(refs)}; {who} ban hành {what}, cụ thể như sau:"
    elif style < 0.75:
        body = f"Để cụ thể hóa {' và '.join(refs)}, {who} xây dựng {what} như sau:"
    else:  # one sentence per reference, as lists in seed 001
        sents = [f"Thực hiện {r};" for r in refs]
        body = "\n".join(sents) + f"\n{who} xây dựng {what}, cụ thể như sau:"
    return (basis + "\n\n" if basis else "") + body


def _wrap_title(title: str) -> str:
    """The title on two lines, as a centred title in a scan."""
    words = title.split()
    cut = max(4, len(words) // 2)
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def render_central() -> str:
    """The fixed text of Kết luận 70-KL/TW, the root of every cascade."""
    return (
        "BAN CHẤP HÀNH TRUNG ƯƠNG                    ĐẢNG CỘNG SẢN VIỆT NAM\n"
        "*\n"
        "Số 70-KL/TW                                 Hà Nội, ngày 31 tháng 01 năm 2024\n\n"
        "KẾT LUẬN\n"
        "CỦA BỘ CHÍNH TRỊ\n"
        f"{KL70_TITLE}\n-----\n\n"
        "Bộ Chính trị kết luận như sau:\n\n"
        "1. Các cấp ủy, tổ chức đảng, chính quyền, Mặt trận Tổ quốc và các tổ chức chính trị - xã hội "
        "nâng cao nhận thức, trách nhiệm về phát triển thể dục, thể thao.\n\n"
        "2. Phấn đấu đến năm 2030, số người tập luyện thể dục, thể thao thường xuyên đạt trên 45%.\n\n"
        "Nơi nhận:\n- Các tỉnh ủy, thành ủy,\n- Các ban đảng Trung ương,\n"
        "- Lưu Văn phòng Trung ương Đảng.\n\n"
        "T/M BỘ CHÍNH TRỊ\n\n\nTrương Thị Mai\n"
    )
