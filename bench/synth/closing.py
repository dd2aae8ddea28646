"""The closing block of a plan: the recipients ("Nơi nhận") and the signature.

Reads: a :class:`~bench.synth.model.Plan` and the text's random stream. Returns:
:func:`recipients`, the "Nơi nhận" lines (upper bodies "(báo cáo)", the organ's
own bodies, "Lưu: VT"), and :func:`signature` ("T/M BAN THƯỜNG VỤ / BÍ THƯ /
(Đã ký) / a name").

Why texts carry them: the extractor reads the closing block (recipients are
where a plan's expected implementers will come from), and a reader must not take
a recipient or a signer for the issuer.
"""

from __future__ import annotations

import random

from bench.synth.issuers import party_body
from bench.synth.model import Plan
from bench.synth.names import GIVENS, MIDDLES, SURNAMES
from bench.synth.places import lvl_word

__all__ = ["recipients", "signature"]


def recipients(p: Plan, rng: random.Random) -> list[str]:
    """The "Nơi nhận" lines: upper bodies to report to, the organ's own bodies, "Lưu"."""
    u = p.unit
    up = {"province": "Ban Tuyên giáo Trung ương", "district": "Thường trực Tỉnh ủy"}.get(
        u.level, "Thường trực Huyện ủy"
    )
    items = [f"{up} (báo cáo)", f"Ban Tuyên giáo {'Tỉnh' if u.level == 'province' else 'Huyện'} ủy (báo cáo)"]
    if p.organ == "party":
        items += [
            f"Các đồng chí {party_body(u)} viên",
            f"UBND {lvl_word(u)}",
            "Các tổ chức cơ sở đảng trực thuộc",
        ]
    elif p.organ == "state":
        items += ["Thường trực HĐND", f"Các phòng, ban, ngành {lvl_word(u)}", "Các xã, phường, thị trấn"]
    else:
        items += [f"BTT Ủy ban MTTQ VN {lvl_word(u)}", "Các tổ chức thành viên"]
    items.append(f"Lưu: {rng.choice(('VT', 'Văn phòng', 'VP'))}")
    end = rng.choice((";", ",", ""))
    return [f"- {x}{end}" for x in items[:-1]] + [f"- {items[-1]}."]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVENS)}"


def signature(p: Plan, rng: random.Random) -> str:
    """The signature block: "T/M" + body, the signer's title, sometimes "(Đã ký)", a name."""
    if p.organ == "party":
        head, title = "T/M BAN THƯỜNG VỤ", rng.choice(("BÍ THƯ", "PHÓ BÍ THƯ", "PHÓ BÍ THƯ THƯỜNG TRỰC"))
    elif p.organ == "state":
        head, title = "TM. ỦY BAN NHÂN DÂN", rng.choice(("CHỦ TỊCH", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"))
    else:
        head, title = "TM. BAN THƯỜNG TRỰC", rng.choice(("CHỦ TỊCH", "PHÓ CHỦ TỊCH"))
    signed = "\n(Đã ký)\n" if rng.random() < 0.3 else "\n\n"
    return f"{head}\n{title}\n{signed}\n{_name(rng)}\n"
